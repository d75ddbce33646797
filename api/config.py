"""One settings object for the service, read from ``LIFECERT_*`` environment variables.

Plain pydantic (no pydantic-settings dependency). Every field can be set as ``LIFECERT_<FIELD>`` in upper
case, e.g. ``LIFECERT_DATABASE_URL``, ``LIFECERT_STATUS_RATE_PER_MINUTE``. In production
(``LIFECERT_ENV=production``) the development secret key is refused.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"
API_DIR = Path(__file__).resolve().parent
ENV_PREFIX = "LIFECERT_"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def default_database_url() -> str:
    return f"sqlite:///{Path.cwd() / 'var' / 'lifecert.sqlite3'}"


class EnvSettings(BaseModel):
    """A frozen settings model whose every field can be set as ``LIFECERT_<FIELD>``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Self:
        """Settings from ``LIFECERT_*`` variables (``environ`` defaults to os.environ), then overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name in cls.model_fields:
            key = ENV_PREFIX + name.upper()
            if key in environ:
                values[name] = environ[key]
        values.update(overrides)
        return cls(**values)


class Settings(EnvSettings):
    env: Environment = Environment.DEVELOPMENT
    database_url: str = Field(default_factory=default_database_url)
    secret_key: str = DEV_SECRET_KEY
    policy_file: Path = API_DIR / "policy.toml"
    data_dir: Path = Field(default_factory=lambda: Path.cwd() / "var" / "data")

    # Status lookup: a token bucket per client IP (burst, then rate per minute). 0 disables the limit.
    status_rate_per_minute: int = Field(default=30, ge=0)
    status_burst: int = Field(default=10, ge=1)
    # Honour X-Forwarded-For only behind a proxy you control.
    trust_forwarded_for: bool = False

    # Uploads (frames, evidence, photos).
    max_upload_bytes: int = Field(default=2 * 1024 * 1024, gt=0)  # per file
    max_request_bytes: int = Field(default=20 * 1024 * 1024, gt=0)  # per request
    max_frames: int = Field(default=60, gt=0)  # 10 pictures/s: 5 still + 3 actions × ~1.6 s + 0.6 s tail
    max_photo_bytes: int = Field(default=5 * 1024 * 1024, gt=0)  # roster reference photos

    @field_validator("secret_key")
    @classmethod
    def _secret_not_empty(cls, v: str) -> str:
        if len(v) < 16:
            raise ValueError("secret_key must be at least 16 characters")
        return v

    @model_validator(mode="after")
    def _no_default_secret_in_production(self) -> Settings:
        if self.env is Environment.PRODUCTION and self.secret_key == DEV_SECRET_KEY:
            raise ValueError(
                "LIFECERT_SECRET_KEY is the development default: set a real secret in production"
            )
        return self

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION
