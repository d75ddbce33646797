"""The web client's Chinese font and offline start-up: everything it loads comes from this server.

Flutter web draws text itself: without a font with Chinese glyphs every character is a box, and for a
glyph no loaded font has, Flutter fetches Google's Noto slices (``assets/fonts/notosanssc/…woff2``, 404 with
``no_cdn``). That happened on the first frame, drawn in Flutter's default family "Roboto" before the theme
(and any ``page.fonts`` font) applied. So at start-up :func:`install_web_assets` writes into the web client's
assets dir, which Flet serves before its own files:

- ``assets/fonts/roboto.woff2`` (the default family's file, which Flet's font manifest loads before the
  first frame): Noto Sans CJK (SIL Open Font License 1.1) from the PyPI package
  ``cvttf-notosanscjk-regular`` — a dependency, so a fresh clone gets it with ``pip install`` — made to
  draw Simplified Chinese forms (the package ships the Traditional-default cut; its ``locl`` ZHS
  substitutions are copied into the character map, ~1.5 s). Its Latin letters replace Roboto's. The theme
  names the same family (:data:`CJK_FAMILY`) on every text style. ``LIFECERT_CJK_FONT`` names another
  file; without the package a system font (Debian ``fonts-noto-cjk``, ``fonts-droid-fallback``) is used.
- ``main.dart.js`` / ``main.dart.wasm``: Flet's client with the Rive extension's jsDelivr script address
  replaced (same length) by an inert ``data:`` script: the extension is unused, and offline it was a
  failed request to another host.

Phones (``flet build apk/ipa``) use the system's CJK fonts and skip this.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
from pathlib import Path

log = logging.getLogger(__name__)

# Flutter's default family: its file is the one the client loads before the first frame
CJK_FAMILY = "Roboto"
FONT_ASSET = "fonts/roboto.woff2"  # in the web client's assets/ folder; the bytes are an OpenType font
PACKAGE = "cvttf_NotoSansCJK_Regular"  # PyPI cvttf-notosanscjk-regular: NotoSansCJKtc-Regular.otf
RIVE_CDN = "https://cdn.jsdelivr.net/npm/@rive-app/flutter-native-wasm@44.0.0/"
# Defines the global the extension calls, whose promise never settles: it waits forever, as it did offline.
RIVE_INERT = "data:text/javascript,RiveNative=()=>new Promise(()=>{});//".ljust(len(RIVE_CDN))
CLIENT_FILES = ("main.dart.js", "main.dart.wasm")  # CanvasKit and skwasm builds of the client

# Fallbacks when the package is missing (smallest first). CanvasKit uses a collection's first face.
SYSTEM_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


def packaged_font() -> Path | None:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    return next(iter(sorted(folder.glob("*.otf"))), None)


def find_cjk_font() -> Path | None:
    """``LIFECERT_CJK_FONT`` when set (empty = none), else the packaged font, else a system one."""
    override = os.environ.get("LIFECERT_CJK_FONT")
    if override is not None:
        return Path(override) if override and Path(override).is_file() else None
    return packaged_font() or next((Path(p) for p in SYSTEM_FONTS if Path(p).is_file()), None)


def simplified_substitutions(font_path: Path) -> dict[str, str]:
    """Glyph → Simplified-Chinese glyph from the font's ``locl`` feature for ``hani``/``ZHS`` (empty when
    the font has none: it already draws Simplified forms, or is not a Noto/Source Han CJK font)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(font_path), lazy=True)
    if "GSUB" not in font:
        return {}
    gsub = font["GSUB"].table
    found: dict[str, str] = {}
    for script in gsub.ScriptList.ScriptRecord:
        if script.ScriptTag != "hani":
            continue
        for lang in script.Script.LangSysRecord:
            if lang.LangSysTag.strip() != "ZHS":
                continue
            for index in lang.LangSys.FeatureIndex:
                feature = gsub.FeatureList.FeatureRecord[index]
                if feature.FeatureTag != "locl":
                    continue
                for lookup_index in feature.Feature.LookupListIndex:
                    lookup = gsub.LookupList.Lookup[lookup_index]
                    for table in lookup.SubTable:
                        table = table.ExtSubTable if lookup.LookupType == 7 else table
                        found.update(getattr(table, "mapping", {}) or {})
    return found


def write_simplified(source: Path, target: Path) -> int:
    """Copy ``source`` to ``target`` with its character map pointing at the Simplified-Chinese glyphs;
    returns how many characters changed glyph. Only the ``cmap`` is rewritten (the outlines are copied
    as they are, so this takes about a second)."""
    from fontTools.ttLib import TTFont

    swaps = simplified_substitutions(source)
    if not swaps:
        return 0
    font = TTFont(str(source), lazy=True)
    changed = 0
    for table in font["cmap"].tables:
        if table.isUnicode():
            for code, glyph in list(table.cmap.items()):
                if glyph in swaps:
                    table.cmap[code] = swaps[glyph]
                    changed += 1
    for tag in [t for t in font.tables if t != "cmap"]:  # not decompiled again: copied byte for byte
        del font.tables[tag]
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(target))
    return changed


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    try:
        os.link(source, target)  # no copy when on the same file system
    except OSError:
        shutil.copyfile(source, target)


def install_cjk_font(assets_dir: Path) -> Path | None:
    """Write the CJK font to ``assets_dir/assets/`` (:data:`FONT_ASSET`); None when there is none."""
    font = find_cjk_font()
    if font is None:
        log.warning("no CJK font found (pip install cvttf-notosanscjk-regular): Chinese may show as boxes")
        return None
    target = assets_dir / "assets" / FONT_ASSET
    if font.suffix.lower() == ".otf":
        try:
            if write_simplified(font, target):
                return target
        except Exception:  # noqa: BLE001 (a font fontTools cannot read: use it as it is)
            log.warning("no Simplified Chinese forms derived from %s; using it as it is", font, exc_info=True)
    _link_or_copy(font, target)
    return target


def web_client_dir() -> Path:
    import flet_web

    return Path(flet_web.get_package_web_dir())


def write_offline_client(assets_dir: Path, web_dir: Path) -> list[str]:
    """The client files without their one CDN address (see the module doc); returns the files patched."""
    old, new = RIVE_CDN.encode(), RIVE_INERT.encode()
    assert len(old) == len(new)  # the wasm build keeps the string's length next to it
    patched = []
    for name in CLIENT_FILES:
        data = (web_dir / name).read_bytes()
        if old in data:
            (assets_dir / name).write_bytes(data.replace(old, new))
            patched.append(name)
    return patched


def install_web_assets(assets_dir: Path) -> str | None:
    """Everything above; returns the font family for the theme (None without a CJK font)."""
    if not write_offline_client(assets_dir, web_client_dir()):
        log.warning("Flet's web client has no Rive CDN address to replace any more (app/common/fonts.py)")
    return CJK_FAMILY if install_cjk_font(assets_dir) is not None else None
