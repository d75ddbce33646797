"""A CJK font for the web client, which must not fetch Google's fallback fonts (offline, ``no_cdn``).

Flutter web draws text itself; without a font that has Chinese glyphs, Chinese renders as boxes. On
start-up we look for a system font with CJK coverage in a format Flutter web (CanvasKit) loads, put it
into the web client's assets folder and register it as a fallback family of every theme text style.
When none is installed the client still runs (Latin text is fine) and logs a warning.

Phones (``flet build apk/ipa``) use the system's CJK fonts and skip this.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

log = logging.getLogger(__name__)

CJK_FAMILY = "LifecertCJK"

# Smallest first: every browser session downloads the file once. Checked in headless Chromium 156:
# DroidSansFallbackFull.ttf (Debian fonts-droid-fallback, 4 MB) and NotoSansCJK-Regular.ttc
# (fonts-noto-cjk, 20 MB; CanvasKit uses its first face, the Japanese one) both render Chinese.
CANDIDATES = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


def find_cjk_font() -> Path | None:
    """``LIFECERT_CJK_FONT`` when set (empty = none), else the first installed candidate."""
    override = os.environ.get("LIFECERT_CJK_FONT")
    if override is not None:
        return Path(override) if override and Path(override).is_file() else None
    return next((Path(p) for p in CANDIDATES if Path(p).is_file()), None)


def install_cjk_font(assets_dir: Path) -> str | None:
    """Place the CJK font in ``assets_dir/fonts``; return its URL path for ``page.fonts`` (or None)."""
    font = find_cjk_font()
    if font is None:
        log.warning("no CJK font found (install Debian's fonts-droid-fallback or fonts-noto-cjk): Chinese text may show as boxes")
        return None
    target_dir = assets_dir / "fonts"
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"cjk{font.suffix.lower()}"
    if not (target.exists() and target.stat().st_size == font.stat().st_size):
        try:
            if target.exists():
                target.unlink()
            os.link(font, target)  # no copy when on the same file system
        except OSError:
            shutil.copyfile(font, target)
    return f"/fonts/{target.name}"
