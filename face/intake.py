"""Image intake: bytes from a phone or a file → a validated BGR uint8 array no larger than the work size.

Decodes with Pillow only (never cv2.imdecode on untrusted bytes), applies the EXIF orientation, converts
grayscale / CMYK / palette / alpha to RGB, refuses oversized uploads and decompression bombs with a reason
code, and downscales so the long side is at most `max_side` pixels (detectors slow down 4x per doubling and
DeepFace pads aligned images by 50 % on every side).
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from face.types import FaceInputError, ReasonCode


def decode_image(data: bytes, *, max_bytes: int, max_pixels: int, max_side: int, min_side: int) -> np.ndarray:
    """Return the image as a BGR uint8 array (H, W, 3) with long side ≤ max_side, or raise FaceInputError."""
    if not data:
        raise FaceInputError(ReasonCode.EMPTY_INPUT, "The picture is empty. Please take the photo again.")
    if len(data) > max_bytes:
        raise FaceInputError(
            ReasonCode.TOO_LARGE,
            f"The picture is too large ({len(data) // 1024} KB; the limit is {max_bytes // 1024} KB).",
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > max_pixels:
                raise FaceInputError(
                    ReasonCode.TOO_LARGE,
                    f"The picture has too many pixels ({width}x{height}). Please send a smaller photo.",
                )
            # Pillow's own bomb check raises for > 2x MAX_IMAGE_PIXELS and warns above it: turn both into
            # our refusal above, so a warning never becomes a crash.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                probe.draft("RGB", (max_side, max_side))  # JPEG: decode at reduced scale when possible
                image = ImageOps.exif_transpose(probe)
                image.load()
    except FaceInputError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own hard limit (2x MAX_IMAGE_PIXELS)
        raise FaceInputError(
            ReasonCode.TOO_LARGE, "The picture has too many pixels. Please send a smaller photo."
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise FaceInputError(
            ReasonCode.NOT_AN_IMAGE, "This file is not a picture we can read. Please take the photo again."
        ) from exc
    image = _to_rgb(image)
    if min(image.size) < min_side:
        raise FaceInputError(
            ReasonCode.IMAGE_TOO_SMALL,
            f"The picture is too small ({image.size[0]}x{image.size[1]}). Please take the photo again.",
        )
    if max(image.size) > max_side:
        scale = max_side / max(image.size)
        size = (max(1, round(image.size[0] * scale)), max(1, round(image.size[1] * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    rgb = np.asarray(image, dtype=np.uint8)
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _to_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow mode → RGB; transparent areas are composited on white (a phone PNG with alpha)."""
    if image.mode == "RGB":
        return image
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(image, dtype=np.float64)
        top = arr.max() or 1.0
        image = Image.fromarray((arr * (255.0 / top)).clip(0, 255).astype(np.uint8), "L")
    return image.convert("RGB")
