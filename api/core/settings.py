"""One settings tree for the whole service, read from ``LIFECERT_*`` environment variables
(pydantic-settings).

Top-level values are ``LIFECERT_<FIELD>`` (``LIFECERT_DATABASE_URL``, ``LIFECERT_TRUSTED_PROXIES``);
nested groups use ``__``: ``LIFECERT_CERTIFICATION__CLAIM_LEASE_SECONDS``, ``LIFECERT_FACE__THRESHOLD``,
``LIFECERT_FACE__LIVENESS__MIN_FRAMES``. The face engine's thresholds are the engine's own ``FaceConfig``
(``face/config.py``), so each value is written once. In production (``LIFECERT_ENV=production``) the
development secret key is refused, and fixed challenge actions are refused outside test mode.

Production (:func:`production_problems`) also refuses: a secret shorter than 32 bytes, one with little
entropy (``aaaa…``, ``abcabc…``) or derived from the development value (any case, spaces or punctuation
around it), a database other than PostgreSQL, and public API docs unless ``LIFECERT_API_DOCS=true``.
"""

from __future__ import annotations

import argparse
import hashlib
import ipaddress
import math
import re
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

from api.core.limit_rules import parse_rule
from face.config import FaceConfig
from shared.enums import ChallengeAction

DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"
# Development defaults of the two keys the database must never hold (production refuses to start without
# real ones): the audit chain's HMAC key and the key that wraps the encryption keys of biometric objects.
DEV_AUDIT_KEY = "lifecert development audit key: public, for the demo only"
DEV_STORAGE_KEY = "lifecert development storage key: public, for the demo only"
MIN_KEY_CHARS = 32
API_DIR = Path(__file__).resolve().parents[1]
ENV_PREFIX = "LIFECERT_"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


MIN_PRODUCTION_SECRET_BYTES = 32
MIN_SECRET_ENTROPY_BITS = 96  # total, from the secret's own character frequencies
MIN_SECRET_DISTINCT = 8


def _letters(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def secret_entropy_bits(secret: str) -> float:
    """Shannon entropy of the secret's characters times its length: 0 for ``aaaa…``, ~190 for
    ``secrets.token_urlsafe(32)``, ~250 for ``openssl rand -hex 32``."""
    if not secret:
        return 0.0
    counts = Counter(secret)
    n = len(secret)
    return -n * sum(c / n * math.log2(c / n) for c in counts.values())


def secret_problem(secret: str) -> str | None:
    """Why ``secret`` is not fit for production, or None."""
    dev = _letters(DEV_SECRET_KEY)
    plain = _letters(secret)
    if plain and (dev in plain or plain in dev):
        return "is the development secret (or made from it)"
    if len(secret.encode("utf-8")) < MIN_PRODUCTION_SECRET_BYTES:
        return f"is shorter than {MIN_PRODUCTION_SECRET_BYTES} bytes"
    if len(set(secret)) < MIN_SECRET_DISTINCT or secret_entropy_bits(secret) < MIN_SECRET_ENTROPY_BITS:
        return "is not random enough (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
    return None


def default_database_url() -> str:
    return f"sqlite:///{Path.cwd() / 'var' / 'lifecert.sqlite3'}"


class CertificationSettings(BaseModel):
    """Challenges, sign-in tokens, helpers, failures, kept frames and idempotency of the certification API."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    challenge_ttl_seconds: int = Field(default=120, ge=10, le=3600)
    # Fixed challenge actions (comma-separated), so a test can match a challenge to a recorded clip.
    # Refused unless LIFECERT_ENV=test: in any other mode actions are always random.
    challenge_fixed_actions: Annotated[tuple[ChallengeAction, ...] | None, NoDecode] = None
    helper_token_minutes: int = Field(default=60, ge=1)
    staff_token_minutes: int = Field(default=480, ge=1)
    max_bound_relatives: int = Field(default=10, ge=1)
    # A passed certification hands out a single-use code for one contact update, valid this long.
    contact_code_minutes: int = Field(default=30, ge=1, le=24 * 60)
    # A reference face added by staff is used once confirmed: by a second staff member, or by a live face
    # check of the person that the same staff member runs within this many minutes of adding it.
    reference_live_check_minutes: int = Field(default=30, ge=1, le=24 * 60)
    failures_before_manual_review: int = Field(default=3, ge=1)
    failure_window_hours: int = Field(default=24, ge=1)
    # Raw frames: kept this many days after the decision; 0 means none are kept.
    keep_frames_days_passed: int = Field(default=0, ge=0)
    keep_frames_days_review: int = Field(default=30, ge=0)
    overseas_decision_working_days: int = Field(default=10, ge=1)
    # Files of the public manual-review upload (photos, documents after failed face checks): purged this
    # many days after the upload (a year and a bit: the decision, an appeal and the next window's check).
    keep_manual_review_days: int = Field(default=400, ge=1)
    max_evidence_bytes: int = Field(default=20 * 1024 * 1024, gt=0)  # one evidence file (videos)
    # Replayed recordings (api/challenges/replay.py): a submission carrying at least this share of frames
    # byte-identical to the frames of ONE earlier challenge is refused (replayed_frames, a failed attempt).
    # Off only where one sample recording is sent again on purpose (browser tests, the demo).
    refuse_replayed_frames: bool = True
    replay_min_share: float = Field(default=0.3, gt=0, le=1)
    # Frame digests are kept this long (``lifecert retention purge``): a year and a bit, so the recording
    # of one certification window cannot be sent again at the next.
    replay_digest_days: int = Field(default=400, ge=1)
    idempotency_wait_seconds: float = Field(default=60.0, gt=0)  # a retry waits for the first answer
    # A claim still pending after this long (its process crashed) may be taken over by a retry with the
    # same Idempotency-Key. Far longer than the worst decision (a queued engine, a slow database).
    claim_lease_seconds: float = Field(default=300.0, gt=0)
    # Face decisions running at once in one process. The engine is thread-safe (per-thread dlib detectors,
    # locked predictors and recognisers: tests/face/test_concurrency.py); two at once keep both cores busy
    # (bench/cert_submission.py --engine-workers 2 ran 4 concurrent submissions without fault).
    engine_workers: int = Field(default=2, ge=1)

    @field_validator("challenge_fixed_actions", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            return tuple(parts) or None
        return value

    @field_validator("challenge_fixed_actions")
    @classmethod
    def _one_to_three(cls, value: tuple[ChallengeAction, ...] | None) -> tuple[ChallengeAction, ...] | None:
        if value is not None and not 1 <= len(value) <= 3:
            raise ValueError("challenge_fixed_actions must name 1 to 3 actions")
        return value


class NotifySettings(BaseModel):
    """How notices reach people (api/notify/): SMS through an HTTP gateway, e-mail over SMTP, letters as a
    PDF batch. A channel without its settings is skipped (the next one is used; a letter at the end)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sms_url: str | None = None  # the gateway's send endpoint, e.g. https://sms.example.gov.cn/v1/send
    sms_app_key: str | None = None
    sms_secret: str | None = None  # signs every request (HMAC-SHA256)
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_sender: str = "lifecert@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    letters_dir: Path | None = None  # default: <data_dir>/letters
    citizen_app_url: str = "http://127.0.0.1:8550"  # the letters' QR codes open it
    max_attempts: int = Field(default=5, ge=1, le=50)

    @model_validator(mode="after")
    def _sms_complete(self) -> NotifySettings:
        parts = (self.sms_url, self.sms_app_key, self.sms_secret)
        if any(parts) and not all(parts):
            raise ValueError("the SMS gateway needs sms_url, sms_app_key and sms_secret together")
        return self


class IntakeSettings(BaseModel):
    """Limits of the one upload intake (``api/evidence/intake.py``), checked before anything is decoded."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Pixels a picture may have, read from its header before decoding (a scanned A4 page at 600 dpi is
    # about 35 million); a decompression bomb claims billions.
    max_image_pixels: int = Field(default=40_000_000, gt=0)
    # Challenge frames and preview pictures come from a camera: 4K UHD (3840x2160) at most.
    max_frame_pixels: int = Field(default=3840 * 2160, gt=0)
    # Pages an uploaded PDF may have (a consulate form or a few scanned documents).
    max_pdf_pages: int = Field(default=30, gt=0)


class StorageBackend(StrEnum):
    LOCAL = "local"
    S3 = "s3"


class StorageSettings(BaseModel):
    """Where evidence files, kept frames and audit anchors are stored (api/core/storage.py): a local
    directory (``<data_dir>``, the default) or an S3 bucket. Frames, photos and videos are encrypted by the
    storage layer with a data key per object, wrapped with ``encryption_key``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    backend: StorageBackend = StorageBackend.LOCAL
    s3_endpoint_url: str | None = None  # e.g. http://127.0.0.1:8333 (SeaweedFS); None: AWS
    s3_bucket: str = "lifecert"
    s3_region: str = "us-east-1"
    # None: boto3's own lookup (AWS_* variables, instance profile).
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    # Key-encryption key of biometric objects (any string of at least 32 characters; hashed to 256 bits).
    encryption_key: SecretStr | None = None


class AuditSettings(BaseModel):
    """The audit trail's HMAC key (never stored in the database) and where signed anchors go."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: SecretStr | None = None  # at least 32 characters; None: the public development key
    # Object key prefix of the anchors in storage (LIFECERT_STORAGE__*): a directory under data_dir, or a
    # prefix in the bucket (give it object lock / write-once rights in production).
    anchor_prefix: str = Field(default="audit-anchors", pattern=r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")


class LimitSettings(BaseModel):
    """Rate limits, in the `limits` library's notation ("30/minute"; several with ";": "5/second;30/minute").

    ``person_lookup`` is the one budget per client shared by every public lookup of a person (status,
    receipt history, challenge creation, family relative binding, contact, visit requests, documents);
    ``person_lookup_per_person`` is the budget per looked-up ID number, whoever asks (name guessing from many
    addresses). Logins count failed attempts per account and per client. Storage: ``memory://`` (one
    process) or ``redis://host:port`` (shared by every API process; when Redis cannot be reached the limited
    endpoints answer 503 ``limiter_unavailable`` with Retry-After, never unlimited).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    storage_uri: str = "memory://"
    key_prefix: str = Field(default="lifecert", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")
    person_lookup: str = "30/minute"
    person_lookup_per_person: str = "20/hour"
    login_per_account: str = "10/15minutes"
    login_per_client: str = "30/15minutes"
    preview: str = "120/minute"  # preview pictures per client (a camera screen sends about one a second)
    tipoff: str = "5/hour;20/day"  # public tip-offs per client (the lookup counts as a person lookup)
    feed_batch: str = "30/minute"  # feed batches per data source (docs/feed-api.md)
    unavailable_retry_after_seconds: int = Field(default=5, ge=1, le=300)

    @field_validator(
        "person_lookup",
        "person_lookup_per_person",
        "login_per_account",
        "login_per_client",
        "preview",
        "tipoff",
        "feed_batch",
    )
    @classmethod
    def _valid_rule(cls, value: str) -> str:
        parse_rule(value)
        return value

    @field_validator("storage_uri")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        if not value.startswith(("memory://", "redis://", "rediss://", "redis+unix://")):
            raise ValueError("storage_uri must be memory:// or a redis:// URL")
        return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", frozen=True, extra="forbid"
    )

    env: Environment = Environment.DEVELOPMENT
    database_url: str = Field(default_factory=default_database_url)
    # A PostgreSQL hot standby for read-only traffic (status lookups, statistics); unset: the primary serves
    # everything. Used while it answers and its replay lag is within the limit, checked every few seconds.
    database_read_url: str | None = None
    database_read_max_lag_seconds: float = Field(default=10.0, gt=0)
    database_read_recheck_seconds: float = Field(default=5.0, ge=0)
    # Off behind PgBouncer in transaction pooling mode (before 1.21 it cannot keep prepared statements).
    database_prepared_statements: bool = True
    secret_key: str = DEV_SECRET_KEY
    policy_file: Path = API_DIR / "policy.toml"
    # Public holidays and make-up working days per year (shared/workdays.py): every working-day deadline.
    calendar_file: Path = API_DIR / "calendar.toml"
    data_dir: Path = Field(default_factory=lambda: Path.cwd() / "var" / "data")

    # /docs, /redoc and /openapi.json: unset means on outside production and off in production.
    api_docs: bool | None = None
    # The client address is read from X-Forwarded-For only when the socket peer is one of these proxies
    # (addresses or CIDRs, comma-separated): the right-most hop that is not a trusted proxy is the client.
    # `lifecert serve` passes the same list to uvicorn (--forwarded-allow-ips); empty trusts no proxy.
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    limits: LimitSettings = Field(default_factory=lambda: LimitSettings())
    # The service's address as people reach it: a receipt's QR code holds {public_url}/r/<token>, a page any
    # phone camera opens to check the receipt.
    public_url: str = Field(default="http://127.0.0.1:8000", pattern=r"^https?://[^/\s]+(/\S*)?$")

    # Uploads (frames, evidence, photos).
    max_upload_bytes: int = Field(default=2 * 1024 * 1024, gt=0)  # per file
    max_request_bytes: int = Field(default=20 * 1024 * 1024, gt=0)  # per request
    max_feed_batch_bytes: int = Field(default=10 * 1024 * 1024, gt=0)  # one feed batch (docs/feed-api.md)
    max_frames: int = Field(default=60, gt=0)  # 10 pictures/s: 5 still + 3 actions × ~1.6 s + 0.6 s tail
    max_photo_bytes: int = Field(default=5 * 1024 * 1024, gt=0)  # roster reference photos

    certification: CertificationSettings = Field(default_factory=CertificationSettings)
    intake: IntakeSettings = Field(default_factory=IntakeSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    face: FaceConfig = Field(default_factory=FaceConfig)
    notify: NotifySettings = Field(default_factory=NotifySettings)

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(p.strip() for p in value.split(",") if p.strip())
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        try:
            return tuple(str(ipaddress.ip_network(p, strict=False)) for p in value)
        except ValueError as exc:
            raise ValueError(f"trusted_proxies: {exc}") from None

    @field_validator("secret_key")
    @classmethod
    def _secret_not_empty(cls, v: str) -> str:
        if len(v) < 16:
            raise ValueError("secret_key must be at least 16 characters")
        return v

    @model_validator(mode="after")
    def _refuse_unsafe_combinations(self) -> Settings:
        if self.env is Environment.PRODUCTION:
            problems = production_problems(self)
            if problems:
                raise ValueError("unsafe settings for production: " + "; ".join(problems))
        if self.storage.backend is StorageBackend.S3 and not self.storage.s3_bucket:
            raise ValueError("LIFECERT_STORAGE__S3_BUCKET is required with the s3 storage backend")
        if self.certification.challenge_fixed_actions is not None and self.env is not Environment.TEST:
            raise ValueError(
                "LIFECERT_CERTIFICATION__CHALLENGE_FIXED_ACTIONS is only allowed when LIFECERT_ENV=test: "
                "challenge actions must be random in service"
            )
        if self.env is Environment.PRODUCTION:
            self._require_keys()
        if self.max_frames < self.min_frames:
            raise ValueError("max_frames must be at least the face engine's minimum frame count")
        return self

    def _require_keys(self) -> None:
        for name, secret, dev in (
            ("LIFECERT_AUDIT__KEY", self.audit.key, DEV_AUDIT_KEY),
            ("LIFECERT_STORAGE__ENCRYPTION_KEY", self.storage.encryption_key, DEV_STORAGE_KEY),
        ):
            value = secret.get_secret_value() if secret else ""
            if not value or value.strip() == dev:
                raise ValueError(
                    f"{name} must be set in production (a random value kept outside the database)"
                )
            if len(value) < MIN_KEY_CHARS:
                raise ValueError(f"{name} must be at least {MIN_KEY_CHARS} characters")
            if value == self.secret_key:
                raise ValueError(f"{name} must differ from LIFECERT_SECRET_KEY")

    @property
    def audit_key(self) -> bytes:
        """The audit chain's HMAC key (the public development key unless ``LIFECERT_AUDIT__KEY`` is set)."""
        return (self.audit.key.get_secret_value() if self.audit.key else DEV_AUDIT_KEY).encode("utf-8")

    @property
    def storage_key(self) -> bytes:
        """The 256-bit key-encryption key of biometric objects (SHA-256 of the configured string)."""
        text = (
            self.storage.encryption_key.get_secret_value() if self.storage.encryption_key else DEV_STORAGE_KEY
        )
        return hashlib.sha256(text.encode("utf-8")).digest()

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION

    @property
    def docs_enabled(self) -> bool:
        """Serve /docs, /redoc and /openapi.json (off in production unless LIFECERT_API_DOCS=true)."""
        return self.api_docs if self.api_docs is not None else not self.is_production

    @property
    def min_frames(self) -> int:
        """Fewest frames a challenge upload may carry: what active liveness needs to decide at all."""
        return self.face.liveness.min_frames


def production_problems(settings: Settings) -> list[str]:
    """Everything that makes ``settings`` unfit for LIFECERT_ENV=production (empty: fit)."""
    problems = []
    secret = secret_problem(settings.secret_key)
    if secret is not None:
        problems.append(f"LIFECERT_SECRET_KEY {secret}")
    try:
        backend = make_url(settings.database_url).get_backend_name()
    except Exception:  # an unparsable URL: named below like any other non-PostgreSQL one
        backend = "unknown"
    if backend != "postgresql":
        problems.append(f"LIFECERT_DATABASE_URL must name a PostgreSQL database (got {backend})")
    return problems


def settings_for_command(args: argparse.Namespace) -> Settings:
    """Settings for a ``lifecert`` command: ``LIFECERT_*`` variables, ``--database-url`` over them."""
    url = getattr(args, "database_url", None)
    return Settings(database_url=url) if url else Settings()
