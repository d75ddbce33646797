"""Reference photos in object storage, sealed (api/core/storage.py): a face is biometric data, so the photo
goes to ``references/<person>/<sha256>.img`` encrypted under the settings' key, and the row keeps only the
object key (``photo_path``) and the digest. Rows written before this (the photo in the ``photo`` column) are
still read as they are."""

from __future__ import annotations

import hashlib
from typing import Any

from api.beneficiaries.models import ReferenceFace
from api.core.storage import Storage

PREFIX = "references"


def photo_key(beneficiary_id: int, sha256: str) -> str:
    return f"{PREFIX}/{beneficiary_id}/{sha256}.img"


def photo_columns(objects: Storage | None, beneficiary_id: int, data: bytes) -> dict[str, Any]:
    """Store ``data`` sealed and return the row's photo columns; without storage (tests of code paths that
    run with none) the photo stays in the row."""
    digest = hashlib.sha256(data).hexdigest()
    if objects is None:
        return {"photo": data, "photo_path": None, "photo_sha256": digest}
    key = photo_key(beneficiary_id, digest)
    objects.put(key, data, sensitive=True)
    return {"photo": None, "photo_path": key, "photo_sha256": digest}


def has_photo() -> Any:
    """A condition: the reference has a photo (in storage or in the row)."""
    return ReferenceFace.photo_path.is_not(None) | ReferenceFace.photo.is_not(None)


def load_photo(objects: Storage, row: ReferenceFace) -> bytes | None:
    if row.photo_path:
        return objects.get(row.photo_path)
    return row.photo
