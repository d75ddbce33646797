"""Object storage: one interface for evidence files, kept frames and audit anchors.

Two backends behind :class:`ObjectStore` — a local directory (``LIFECERT_DATA_DIR``, the default: the demo
writes files exactly where it always did) and an S3 bucket (``LIFECERT_STORAGE__BACKEND=s3``, boto3; tested
against a real SeaweedFS). :class:`Storage` sits on top and applies **envelope encryption** to biometric
objects (frames, photos, videos, reference photos): each object gets a fresh 256-bit data key, the bytes are
sealed with AES-256-GCM under it, and the data key is sealed with the key-encryption key from the settings
(``LIFECERT_STORAGE__ENCRYPTION_KEY``, never in the database or the bucket). The object key is bound as
associated data, so a sealed object copied under another key does not open.

Sealed layout: ``LCE1 | kek id (8) | nonce (12) | sealed data key (48) | nonce (12) | sealed bytes``.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from api.core.settings import Settings, StorageBackend

MAGIC = b"LCE1"
_NONCE = 12
_KEY_ID = 8
_SEALED_KEY = 32 + 16
_HEADER = len(MAGIC) + _KEY_ID + _NONCE + _SEALED_KEY + _NONCE
_KEY_PATTERN = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")


class StorageUnavailable(Exception):
    """The object store cannot be reached (the API answers 503 with Retry-After)."""


class SealedObjectError(Exception):
    """A sealed object does not open: wrong key, or its bytes were changed."""


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    size: int
    modified: datetime


def check_key(key: str) -> str:
    """Object keys are relative, slash-separated, without ``..``: the same on disk and in a bucket."""
    if not _KEY_PATTERN.match(key) or any(part in (".", "..") for part in key.split("/")):
        raise ValueError(f"invalid object key {key!r}")
    return key


class ObjectStore(Protocol):
    """Raw bytes by key: what each backend implements."""

    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes | None: ...

    def delete(self, key: str) -> None: ...

    def list(self, prefix: str) -> Iterator[StoredObject]: ...

    def ready(self) -> bool: ...


class LocalStore:
    """Objects as files under ``root`` (the key is the relative path)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # readers never see half a file

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        return path.read_bytes() if path.is_file() else None

    def ready(self) -> bool:
        """The directory exists (or can be made) and a file can be written in it."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".ready-", dir=self.root)
            os.close(fd)
            os.unlink(probe)
        except OSError:
            return False
        return True

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list(self, prefix: str) -> Iterator[StoredObject]:
        base = self.root / check_key(prefix)
        if not base.is_dir():
            return
        for path in base.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                st = path.stat()
                yield StoredObject(
                    path.relative_to(self.root).as_posix(),
                    st.st_size,
                    datetime.fromtimestamp(st.st_mtime, UTC),
                )


class S3Store:
    """Objects in one S3 bucket (boto3; any S3-compatible server through ``endpoint_url``)."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        connect_timeout: float = 5.0,
    ) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=Config(
                connect_timeout=connect_timeout,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
                s3={"addressing_style": "path"},
            ),
        )

    def _call(self, method: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except ClientError:
            raise
        except BotoCoreError as exc:  # connection refused, timeouts, …
            raise StorageUnavailable(f"object storage unreachable: {exc}") from exc

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist (local clusters and tests; production provisions it)."""
        from botocore.exceptions import ClientError

        try:
            self._call("head_bucket")
        except ClientError:
            self._call("create_bucket")

    def ready(self) -> bool:
        """The bucket answers (HEAD bucket: no write per probe)."""
        from botocore.exceptions import ClientError

        try:
            self._call("head_bucket")
        except (ClientError, StorageUnavailable):
            return False
        return True

    def put(self, key: str, data: bytes) -> None:
        self._call("put_object", Key=check_key(key), Body=data)

    def get(self, key: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            answer = self._call("get_object", Key=check_key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return None
            raise
        return bytes(answer["Body"].read())

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=check_key(key))

    def list(self, prefix: str) -> Iterator[StoredObject]:
        token: str | None = None
        while True:
            extra = {"ContinuationToken": token} if token else {}
            page = self._call("list_objects_v2", Prefix=check_key(prefix) + "/", **extra)
            for item in page.get("Contents", []):
                yield StoredObject(item["Key"], int(item["Size"]), item["LastModified"].astimezone(UTC))
            if not page.get("IsTruncated"):
                return
            token = page["NextContinuationToken"]


# --- envelope encryption ---------------------------------------------------------------------------


def key_id(kek: bytes) -> bytes:
    return hashlib.sha256(b"lifecert-kek-id:" + kek).digest()[:_KEY_ID]


def seal(kek: bytes, key: str, data: bytes) -> bytes:
    """``data`` encrypted under a fresh data key, itself encrypted under ``kek``; ``key`` bound as AAD."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aad = MAGIC + key.encode("utf-8")
    dek = AESGCM.generate_key(bit_length=256)
    key_nonce, data_nonce = os.urandom(_NONCE), os.urandom(_NONCE)
    sealed_key = AESGCM(kek).encrypt(key_nonce, dek, aad)
    return (
        MAGIC + key_id(kek) + key_nonce + sealed_key + data_nonce + AESGCM(dek).encrypt(data_nonce, data, aad)
    )


def is_sealed(blob: bytes) -> bool:
    return blob.startswith(MAGIC) and len(blob) >= _HEADER + 16


def unseal(kek: bytes, key: str, blob: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not is_sealed(blob):
        raise SealedObjectError(f"{key}: not a sealed object")
    at = len(MAGIC)
    kid, at = blob[at : at + _KEY_ID], at + _KEY_ID
    if kid != key_id(kek):
        raise SealedObjectError(f"{key}: sealed with another key-encryption key")
    key_nonce, at = blob[at : at + _NONCE], at + _NONCE
    sealed_key, at = blob[at : at + _SEALED_KEY], at + _SEALED_KEY
    data_nonce, at = blob[at : at + _NONCE], at + _NONCE
    aad = MAGIC + key.encode("utf-8")
    try:
        dek = AESGCM(kek).decrypt(key_nonce, sealed_key, aad)
        return AESGCM(dek).decrypt(data_nonce, blob[at:], aad)
    except InvalidTag as exc:
        raise SealedObjectError(f"{key}: the sealed object was altered or belongs to another key") from exc


class Storage:
    """The storage the application uses: an :class:`ObjectStore` plus encryption of sensitive objects."""

    def __init__(self, store: ObjectStore, kek: bytes) -> None:
        if len(kek) != 32:
            raise ValueError("the key-encryption key must be 32 bytes")
        self.store = store
        self._kek = kek

    def put(self, key: str, data: bytes, *, sensitive: bool = False) -> None:
        """Store ``data`` at ``key``; ``sensitive`` (biometric data) seals it first."""
        self.store.put(key, seal(self._kek, key, data) if sensitive else data)

    def get(self, key: str) -> bytes | None:
        """The object's plaintext bytes (sealed objects are opened), or None when it does not exist.
        Objects written before encryption was introduced are returned as stored."""
        blob = self.store.get(key)
        if blob is None or not is_sealed(blob):
            return blob
        return unseal(self._kek, key, blob)

    def get_raw(self, key: str) -> bytes | None:
        """The bytes as stored (sealed objects stay sealed): for tests and audits of the storage itself."""
        return self.store.get(key)

    def delete(self, key: str) -> None:
        self.store.delete(key)

    def list(self, prefix: str) -> Iterator[StoredObject]:
        return self.store.list(prefix)

    def ready(self) -> bool:
        return self.store.ready()


def storage_for(settings: Settings) -> Storage:
    """The storage the settings describe."""
    cfg = settings.storage
    store: ObjectStore
    if cfg.backend is StorageBackend.S3:
        store = S3Store(
            cfg.s3_bucket,
            endpoint_url=cfg.s3_endpoint_url,
            region=cfg.s3_region,
            access_key_id=cfg.s3_access_key_id,
            secret_access_key=cfg.s3_secret_access_key.get_secret_value()
            if cfg.s3_secret_access_key
            else None,
        )
    else:
        store = LocalStore(settings.data_dir)
    return Storage(store, settings.storage_key)
