"""Kept for older imports: the file kinds and the upload check live in :mod:`api.evidence.intake`."""

from __future__ import annotations

from api.evidence.intake import (
    DOCUMENT_KINDS,
    EVIDENCE_KINDS,
    IMAGE_KINDS,
    JPEG,
    MP4,
    PDF,
    PNG,
    FileKind,
    check_upload,
    sniff,
)
from api.evidence.intake import IntakeRefused as UnacceptableFile

__all__ = [
    "DOCUMENT_KINDS",
    "EVIDENCE_KINDS",
    "IMAGE_KINDS",
    "JPEG",
    "MP4",
    "PDF",
    "PNG",
    "FileKind",
    "UnacceptableFile",
    "check_upload",
    "sniff",
]
