"""Image intake: decoding, limits and conversions, no models needed."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from face.intake import decode_image
from face.types import FaceInputError, ReasonCode

LIMITS = {"max_bytes": 1_000_000, "max_pixels": 20_000_000, "max_side": 640, "min_side": 64}


def encode(image: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt, **kw)
    return buf.getvalue()


def gradient(w: int, h: int) -> Image.Image:
    x = np.linspace(0, 255, w, dtype=np.uint8)[None, :].repeat(h, 0)
    return Image.fromarray(np.stack([x, x[::-1], np.full_like(x, 40)], axis=2), "RGB")


def refused(data: bytes, **limits) -> ReasonCode:
    with pytest.raises(FaceInputError) as info:
        decode_image(data, **{**LIMITS, **limits})
    assert info.value.message  # a plain message the app can show
    return info.value.code


def test_empty_garbage_and_truncated_bytes_are_not_images():
    assert refused(b"") is ReasonCode.EMPTY_INPUT
    assert refused(b"this is not a picture at all" * 10) is ReasonCode.NOT_AN_IMAGE
    jpeg = encode(gradient(400, 300), "JPEG")
    assert refused(jpeg[: len(jpeg) // 2]) is ReasonCode.NOT_AN_IMAGE
    assert refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50) is ReasonCode.NOT_AN_IMAGE


def test_byte_limit_and_decompression_bomb_are_refused_before_decoding():
    assert refused(b"\xff" * 2000, max_bytes=1000) is ReasonCode.TOO_LARGE
    bomb = encode(Image.new("1", (6000, 6000)))  # 36 MP of zeros compresses to a few KB
    assert len(bomb) < 100_000
    assert refused(bomb) is ReasonCode.TOO_LARGE


def test_tiny_image_is_refused():
    assert refused(encode(gradient(40, 30))) is ReasonCode.IMAGE_TOO_SMALL


def test_downscales_long_side_and_returns_bgr_uint8():
    image = gradient(1600, 900)
    out = decode_image(encode(image, "JPEG", quality=95), **LIMITS)
    assert out.shape == (360, 640, 3) and out.dtype == np.uint8
    # channel order is BGR: the constant blue-ish channel (40) of the RGB source is now channel 0
    assert abs(int(np.median(out[:, :, 0])) - 40) <= 3


@pytest.mark.parametrize("mode", ["L", "CMYK", "RGBA", "P", "LA", "I;16"])
def test_other_modes_become_three_channels(mode):
    source = gradient(320, 240)
    image = source.convert(mode) if mode != "I;16" else source.convert("L").convert("I;16")
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    out = decode_image(encode(image, fmt), **LIMITS)
    assert out.shape == (240, 320, 3) and out.dtype == np.uint8
    assert out.std() > 10  # the picture survived, not a blank frame


def test_exif_orientation_is_applied():
    image = gradient(400, 200)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise for display
    out = decode_image(encode(image, "JPEG", exif=exif.tobytes()), **LIMITS)
    assert out.shape[:2] == (400, 200)


def test_pillow_hard_bomb_limit_is_too_large_not_a_crash():
    bomb = encode(Image.new("1", (20000, 10000)))  # 200 MP: above Pillow's own 2x MAX_IMAGE_PIXELS
    assert refused(bomb, max_pixels=10**12) is ReasonCode.TOO_LARGE
