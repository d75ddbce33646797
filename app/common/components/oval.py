"""The oval face guide drawn over the camera preview."""

from __future__ import annotations

import flet as ft
import flet.canvas as cv

GUIDE_WIDTH = 230
GUIDE_HEIGHT = 300


def face_oval(colour: str = "#FFFFFF") -> ft.Control:
    """A white oval (with a dark halo for contrast on bright scenes), centred in the preview."""
    halo = ft.Paint(color="#99000000", stroke_width=12, style=ft.PaintingStyle.STROKE)
    line = ft.Paint(color=colour, stroke_width=6, style=ft.PaintingStyle.STROKE)
    canvas = cv.Canvas(
        [
            cv.Oval(0, 0, GUIDE_WIDTH, GUIDE_HEIGHT, paint=halo),
            cv.Oval(0, 0, GUIDE_WIDTH, GUIDE_HEIGHT, paint=line),
        ],
        width=GUIDE_WIDTH,
        height=GUIDE_HEIGHT,
    )
    return ft.Container(content=canvas, alignment=ft.Alignment.CENTER, expand=True)
