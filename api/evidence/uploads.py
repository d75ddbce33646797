"""Reading uploaded evidence files from a request, each checked by the one intake before anything is stored.

Called from sync endpoints (FastAPI runs them in its worker threads), so the file reads, the bounded
decoding and the database work that follows never block the event loop."""

from __future__ import annotations

from fastapi import UploadFile

from api.core.errors import ApiError
from api.core.settings import IntakeSettings
from api.evidence.intake import FileKind, IntakeRefused, check_upload

MAX_FILES = 10


def read_checked(
    files: list[UploadFile],
    *,
    allowed: tuple[FileKind, ...],
    max_bytes: int,
    limits: IntakeSettings,
    max_files: int = MAX_FILES,
) -> list[tuple[bytes, FileKind]]:
    if not files:
        raise ApiError(422, "no_files", "Attach at least one file.")
    if len(files) > max_files:
        raise ApiError(413, "too_many_files", f"Attach at most {max_files} files.", params={"max": max_files})
    checked = []
    for index, upload in enumerate(files, start=1):
        data = upload.file.read(max_bytes + 1)
        try:
            kind = check_upload(data, allowed=allowed, max_bytes=max_bytes, limits=limits)
        except IntakeRefused as exc:
            raise ApiError(
                exc.status, exc.code, f"File {index}: {exc.message}", params={"file": index}
            ) from None
        checked.append((data, kind))
    return checked
