"""Printable documents (disclosure lists, reminder letters, receipt certificates): an fpdf2 page set up with a
CJK font (``cjk``) and a Latin fallback for digits and letters. The font comes from the system (Debian:
fonts-noto-cjk or fonts-droid-fallback) or ``LIFECERT_PDF_FONT``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fpdf import FPDF

# (path, index in a .ttc collection). Noto Sans CJK has Latin digits too; DroidSansFallback has none, so
# with it DejaVu Sans is added as the fallback for digits and letters.
FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # face 2 = Simplified Chinese
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
)
LATIN_FALLBACK = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def find_font() -> tuple[Path, int] | None:
    override = os.environ.get("LIFECERT_PDF_FONT")
    if override:
        return (Path(override), 0) if Path(override).is_file() else None
    return next(((Path(p), i) for p, i in FONT_CANDIDATES if Path(p).is_file()), None)


def cjk_pdf(page_format: Any = "A4") -> FPDF:
    """A new document whose font ``cjk`` writes Chinese; RuntimeError without a CJK font on the system."""
    from fpdf import FPDF

    font = find_font()
    if font is None:
        raise RuntimeError("no CJK font found for the PDF: install fonts-noto-cjk or set LIFECERT_PDF_FONT")
    pdf = FPDF(format=page_format)
    path, index = font
    pdf.add_font("cjk", fname=str(path), collection_font_number=index)
    if Path(LATIN_FALLBACK).is_file():
        pdf.add_font("latin", fname=LATIN_FALLBACK)
        pdf.set_fallback_fonts(["latin"])
    return pdf
