"""Hostile and honest upload samples for the intake tests and bench/upload_intake.py: decompression bombs
(a few hundred bytes whose header claims billions of pixels), truncated pictures, fake PDFs, real PDFs."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def jpeg(width: int = 64, height: int = 48, *, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (180, 120, 90)).save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def png(width: int = 64, height: int = 48) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (20, 160, 90)).save(buf, "PNG")
    return buf.getvalue()


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small valid JPEG whose frame header (SOF0) is rewritten to claim ``width`` x ``height`` pixels:
    331 bytes, like the probe's 335-byte bomb. The entropy data is that of an 8x8 grey picture."""
    buf = io.BytesIO()
    Image.new("L", (8, 8), 128).save(buf, "JPEG", quality=75)
    data = bytearray(buf.getvalue())
    sof = data.find(b"\xff\xc0")
    assert sof > 0
    data[sof + 5 : sof + 7] = height.to_bytes(2, "big")
    data[sof + 7 : sof + 9] = width.to_bytes(2, "big")
    return bytes(data)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims ``width`` x ``height`` (valid CRC) with a tiny IDAT: a header bomb."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def webp_claiming(width: int, height: int) -> bytes:
    """A lossless WebP whose header claims ``width`` x ``height`` (at most 16384 a side in VP8L)."""
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(buf, "WEBP", lossless=True)
    data = bytearray(buf.getvalue())
    vp8l = data.find(b"VP8L")
    assert vp8l > 0
    bits = (
        (width - 1)
        | ((height - 1) << 14)
        | (int.from_bytes(data[vp8l + 9 + 3 : vp8l + 13], "little") >> 28 << 28)
    )
    data[vp8l + 9 : vp8l + 13] = bits.to_bytes(4, "little")
    return bytes(data)


def truncated_jpeg() -> bytes:
    whole = jpeg(320, 240)
    return whole[: len(whole) * 2 // 3]


FAKE_PDF = b"%PDF-1.7\n%fake!!"  # 16 bytes that start like a PDF and are nothing else


def pdf(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
