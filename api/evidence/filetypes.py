"""Which uploaded files are accepted as evidence, judged by their content (magic bytes), never by the name."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError


class UnacceptableFile(ValueError):
    """An upload refused before anything is stored; the message is safe to show to the uploader."""


@dataclass(frozen=True, slots=True)
class FileKind:
    content_type: str
    extension: str


JPEG = FileKind("image/jpeg", "jpg")
PNG = FileKind("image/png", "png")
PDF = FileKind("application/pdf", "pdf")
MP4 = FileKind("video/mp4", "mp4")

IMAGE_KINDS = (JPEG, PNG)
DOCUMENT_KINDS = (JPEG, PNG, PDF)
EVIDENCE_KINDS = (JPEG, PNG, PDF, MP4)


def sniff(data: bytes) -> FileKind | None:
    if data[:3] == b"\xff\xd8\xff":
        return JPEG
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return PNG
    if data[:5] == b"%PDF-":
        return PDF
    if data[4:8] == b"ftyp":
        return MP4
    return None


def _check_image(data: bytes) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UnacceptableFile("the picture could not be read; take it again") from exc


def check_upload(data: bytes, *, allowed: tuple[FileKind, ...], max_bytes: int) -> FileKind:
    """The kind of an acceptable upload; UnacceptableFile with a plain message otherwise."""
    if not data:
        raise UnacceptableFile("the file is empty")
    if len(data) > max_bytes:
        raise UnacceptableFile(f"the file is too large (at most {max_bytes // (1024 * 1024)} MB)")
    kind = sniff(data)
    if kind is None or kind not in allowed:
        names = ", ".join(k.extension.upper() for k in allowed)
        raise UnacceptableFile(f"this kind of file is not accepted (accepted: {names})")
    if kind in IMAGE_KINDS:
        _check_image(data)
    return kind
