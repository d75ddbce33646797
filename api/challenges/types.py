"""Values passed between the steps of a frame submission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from api.challenges.models import ChallengePurpose
from api.core.operator import Operator
from face.types import Action, TimedFrame


@dataclass(frozen=True, slots=True)
class FrameUpload:
    """Frames already checked against the upload limits, with the consents given for this capture."""

    frames: tuple[TimedFrame, ...]
    consent: bool
    keep_reference: bool


@dataclass(frozen=True, slots=True)
class Claim:
    challenge_id: str
    beneficiary_id: int
    purpose: ChallengePurpose
    actions: tuple[Action, ...]
    operator: Operator
    relationship_label: str | None
    key: str
    claimed_at: datetime  # this request's claim on the key (the fencing value when completing)
