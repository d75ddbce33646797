"""Theme for elderly users: big type (body ≥ 20 px, bigger still in large-text mode), high contrast."""

from __future__ import annotations

from dataclasses import dataclass

import flet as ft

# Dark text on white, one strong accent: contrast well above WCAG AA for all text.
INK = "#111111"
MUTED_INK = "#333333"
ACCENT = "#0B4F9C"  # deep blue, 8.6:1 on white
ERROR = "#B00020"
OK = "#1B5E20"
SURFACE = "#FFFFFF"
CARD = "#EEF3FA"
RULE = "#B0B0B0"  # a thin line between the content and the action bar


@dataclass(frozen=True)
class TypeScale:
    """Font sizes in logical pixels for one text-size setting."""

    body: int
    label: int  # buttons
    title: int
    headline: int


NORMAL = TypeScale(body=22, label=24, title=26, headline=30)
# The large text size is 1.5 times the normal one (tests/app/test_elderly_first.py); lines never break
# inside a date or a number (app/common/nobreak.py), and buttons grow with their label.
LARGE = TypeScale(body=33, label=36, title=39, headline=45)


def type_scale(large_text: bool) -> TypeScale:
    return LARGE if large_text else NORMAL


def build_theme(large_text: bool, cjk_font_family: str | None) -> ft.Theme:
    """The page theme; ``cjk_font_family`` (in the web client's font manifest: ``app.common.fonts``) is the
    font of every text, so Flutter never looks for a fallback font on the internet."""
    s = type_scale(large_text)
    fallback = [cjk_font_family] if cjk_font_family else None

    def style(size: int, weight: ft.FontWeight = ft.FontWeight.NORMAL) -> ft.TextStyle:
        # the family on each style: Flet does not pass the theme's font_family down to the text theme
        return ft.TextStyle(
            size=size,
            weight=weight,
            color=INK,
            font_family=cjk_font_family,
            font_family_fallback=fallback,
            height=1.35,
        )

    return ft.Theme(
        font_family=cjk_font_family,
        color_scheme_seed=ACCENT,
        color_scheme=ft.ColorScheme(
            primary=ACCENT, on_primary=SURFACE, surface=SURFACE, on_surface=INK, error=ERROR
        ),
        text_theme=ft.TextTheme(
            body_small=style(s.body),  # nothing smaller than body text anywhere
            body_medium=style(s.body),
            body_large=style(s.body),
            label_small=style(s.body),
            label_medium=style(s.body),
            label_large=style(s.label, ft.FontWeight.W_600),
            title_small=style(s.body, ft.FontWeight.W_600),
            title_medium=style(s.title, ft.FontWeight.W_600),
            title_large=style(s.title, ft.FontWeight.W_600),
            headline_small=style(s.headline, ft.FontWeight.BOLD),
            headline_medium=style(s.headline, ft.FontWeight.BOLD),
            headline_large=style(s.headline, ft.FontWeight.BOLD),
            display_small=style(s.headline, ft.FontWeight.BOLD),
            display_medium=style(s.headline, ft.FontWeight.BOLD),
            display_large=style(s.headline, ft.FontWeight.BOLD),
        ),
        visual_density=ft.VisualDensity.COMFORTABLE,
    )
