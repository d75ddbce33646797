"""Settings of the certification API, read like api.config.Settings from ``LIFECERT_*`` variables.

Kept beside the foundation's settings object (which forbids unknown fields) rather than inside it; both
hang on ``app.state``. Upload limits (frames per submission, bytes per file and per request) are the
foundation's ``max_frames``, ``max_upload_bytes`` and ``max_request_bytes``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from api.config import Environment, EnvSettings, Settings
from shared.enums import ChallengeAction


class CertSettings(EnvSettings):
    challenge_ttl_seconds: int = Field(default=120, ge=10, le=3600)
    # Fixed challenge actions (comma-separated), so a test can match a challenge to a recorded clip.
    # Refused unless LIFECERT_ENV=test: in any other mode actions are always random.
    challenge_fixed_actions: tuple[ChallengeAction, ...] | None = None
    min_frames: int = Field(default=3, ge=1)
    helper_token_minutes: int = Field(default=60, ge=1)
    staff_token_minutes: int = Field(default=480, ge=1)
    max_bound_relatives: int = Field(default=10, ge=1)
    failures_before_manual_review: int = Field(default=3, ge=1)
    failure_window_hours: int = Field(default=24, ge=1)
    # Raw frames: kept this many days after the decision; 0 means none are kept.
    keep_frames_days_passed: int = Field(default=0, ge=0)
    keep_frames_days_review: int = Field(default=30, ge=0)
    overseas_decision_working_days: int = Field(default=10, ge=1)
    max_evidence_bytes: int = Field(default=20 * 1024 * 1024, gt=0)  # one evidence file (videos)
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
    def _two_or_three(cls, value: tuple[ChallengeAction, ...] | None) -> tuple[ChallengeAction, ...] | None:
        if value is not None and not 1 <= len(value) <= 3:
            raise ValueError("challenge_fixed_actions must name 1 to 3 actions")
        return value

    def check_against(self, settings: Settings) -> None:
        """Refuse fixed challenge actions outside test mode (raises ValueError at start-up)."""
        if self.challenge_fixed_actions is not None and settings.env is not Environment.TEST:
            raise ValueError(
                "LIFECERT_CHALLENGE_FIXED_ACTIONS is only allowed when LIFECERT_ENV=test: "
                "challenge actions must be random in service"
            )
