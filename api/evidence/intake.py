"""The one intake for every uploaded picture or document: challenge frames, previews, reference faces,
attestation and visit evidence, the public manual-review and overseas uploads, roster ID photos.

Judged by content, never by name or declared type:

1. the bytes are sniffed (magic numbers) and must be one of the kinds the caller allows;
2. a picture's width and height are read from its header only (Pillow opens lazily: no pixel is decoded)
   and refused above the pixel limit of the settings tree (``LIFECERT_INTAKE__*``) — a 335-byte JPEG
   claiming 32000x32000 pixels is refused here in well under a millisecond;
3. only then is it decoded, bounded: JPEGs at 1/8 scale (Pillow's ``draft``: the whole stream is read, so
   a truncated file is still caught, but little memory is used), other pictures at their checked size;
   a truncated or corrupt picture is refused;
4. a PDF is parsed with pypdf (a maintained pure-Python parser): it must have between 1 and the page
   limit pages and not be encrypted — ``%PDF-`` followed by anything else is refused.

Nothing else in the service may hand unchecked bytes to a decoder (``cv2.imdecode`` in the face engine
only ever sees bytes that passed :func:`check_image`). Every refusal is an :class:`IntakeRefused` with a
stable error code and HTTP status; ``shared/i18n`` has the code's message in each language.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass

from PIL import Image

from api.core.settings import IntakeSettings


@dataclass(frozen=True, slots=True)
class FileKind:
    content_type: str
    extension: str


JPEG = FileKind("image/jpeg", "jpg")
PNG = FileKind("image/png", "png")
WEBP = FileKind("image/webp", "webp")
PDF = FileKind("application/pdf", "pdf")
MP4 = FileKind("video/mp4", "mp4")

IMAGE_KINDS = (JPEG, PNG)
DOCUMENT_KINDS = (JPEG, PNG, PDF)
EVIDENCE_KINDS = (JPEG, PNG, PDF, MP4)

# pypdf logs a warning for every malformed file it is handed ("EOF marker not found"): a stream of fake
# PDFs must not become a stream of log lines. Its refusals are ours to report.
logging.getLogger("pypdf").setLevel(logging.ERROR)

_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
_DEFAULT_LIMITS = IntakeSettings()


class IntakeRefused(ValueError):
    """An upload refused before anything is stored or decoded in full; ``message`` is safe to show."""

    def __init__(self, code: str, status: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message


# Stable codes (shared/i18n has ``error.<code>`` in every language).
EMPTY = "unacceptable_file"
NOT_ACCEPTED = "unacceptable_file"
TOO_MANY_BYTES = "unacceptable_file"
IMAGE_TOO_LARGE = "image_too_large"
IMAGE_UNREADABLE = "image_unreadable"
PDF_UNREADABLE = "pdf_unreadable"
PDF_TOO_MANY_PAGES = "pdf_too_many_pages"


@dataclass(frozen=True, slots=True)
class ImageHeader:
    kind: FileKind
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def sniff(data: bytes) -> FileKind | None:
    if data[:3] == b"\xff\xd8\xff":
        return JPEG
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[:5] == b"%PDF-":
        return PDF
    if data[4:8] == b"ftyp":
        return MP4
    return None


def _unreadable() -> IntakeRefused:
    return IntakeRefused(IMAGE_UNREADABLE, 415, "the picture could not be read (damaged or incomplete)")


def _too_large(width: int, height: int, limit: int) -> IntakeRefused:
    return IntakeRefused(
        IMAGE_TOO_LARGE,
        413,
        f"the picture has too many pixels ({width}x{height}; at most {limit:,} pixels)",
    )


def image_header(data: bytes, kind: FileKind, *, max_pixels: int) -> ImageHeader:
    """Width and height from the header alone (no pixel decoded); refused above ``max_pixels``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[kind]]) as image:
                width, height = image.size
        except Image.DecompressionBombError:
            # Pillow's own guard (twice MAX_IMAGE_PIXELS) fired while reading the header: far too large.
            raise IntakeRefused(
                IMAGE_TOO_LARGE, 413, f"the picture has too many pixels (at most {max_pixels:,})"
            ) from None
        except Exception:  # noqa: BLE001 - a hostile header may trip any parser error: a refusal, never a 500
            raise _unreadable() from None
    if width <= 0 or height <= 0:
        raise _unreadable()
    if width * height > max_pixels:
        raise _too_large(width, height, max_pixels)
    return ImageHeader(kind, width, height)


def check_image(data: bytes, kind: FileKind, *, max_pixels: int) -> ImageHeader:
    """Header check, then a bounded decode: refuses bombs before decoding and truncated pictures after."""
    header = image_header(data, kind, max_pixels=max_pixels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[kind]]) as image:
                if image.size != (header.width, header.height):
                    raise _unreadable()
                if kind is JPEG:
                    image.draft(image.mode, (1, 1))  # decode at 1/8 scale: whole stream, little memory
                image.load()
        except IntakeRefused:
            raise
        except Image.DecompressionBombError:
            raise _too_large(header.width, header.height, max_pixels) from None
        except Exception:  # noqa: BLE001 - as above: whatever the decoder raises is a refusal
            raise _unreadable() from None
    return header


def check_pdf(data: bytes, *, max_pages: int) -> int:
    """The page count of a readable, unencrypted PDF with 1 to ``max_pages`` pages."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise IntakeRefused(PDF_UNREADABLE, 415, "the PDF is password-protected; send it unprotected")
        pages = len(reader.pages)
    except IntakeRefused:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many types (and RecursionError) for a broken file
        raise IntakeRefused(PDF_UNREADABLE, 415, "the PDF could not be read (damaged or not a PDF)") from None
    if pages < 1:
        raise IntakeRefused(PDF_UNREADABLE, 415, "the PDF has no pages")
    if pages > max_pages:
        raise IntakeRefused(
            PDF_TOO_MANY_PAGES, 413, f"the PDF has too many pages ({pages}; at most {max_pages})"
        )
    return pages


def check_upload(
    data: bytes,
    *,
    allowed: tuple[FileKind, ...],
    max_bytes: int,
    limits: IntakeSettings = _DEFAULT_LIMITS,
    max_pixels: int | None = None,
) -> FileKind:
    """The kind of an acceptable upload; :class:`IntakeRefused` otherwise.

    ``max_pixels`` overrides ``limits.max_image_pixels`` (challenge frames use ``max_frame_pixels``).
    """
    if not data:
        raise IntakeRefused(EMPTY, 422, "the file is empty")
    if len(data) > max_bytes:
        raise IntakeRefused(
            TOO_MANY_BYTES, 413, f"the file is too large (at most {max(1, max_bytes // (1024 * 1024))} MB)"
        )
    kind = sniff(data)
    if kind is None or kind not in allowed:
        names = ", ".join(k.extension.upper() for k in allowed)
        raise IntakeRefused(NOT_ACCEPTED, 415, f"this kind of file is not accepted (accepted: {names})")
    if kind in _PILLOW_FORMATS:
        check_image(data, kind, max_pixels=limits.max_image_pixels if max_pixels is None else max_pixels)
    elif kind is PDF:
        check_pdf(data, max_pages=limits.max_pdf_pages)
    return kind
