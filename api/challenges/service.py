"""Issuing face challenges: random actions (fixed only in test mode), single use, short expiry; each
issue is audited in the caller's transaction."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Beneficiary
from api.challenges.models import Challenge, ChallengePurpose
from api.core.db import utcnow
from api.core.operator import Operator
from api.core.settings import CertificationSettings, Settings
from shared.enums import ChallengeAction
from shared.schemas import ChallengeResponse

if TYPE_CHECKING:  # the context imports this module (through recording)
    from api.core.context import CertContext

_random = secrets.SystemRandom()


def random_actions() -> tuple[ChallengeAction, ...]:
    """Two or three different actions in random order."""
    count = _random.choice((2, 3))
    return tuple(_random.sample(list(ChallengeAction), count))


def issue(
    session: Session,
    *,
    person: Beneficiary,
    purpose: ChallengePurpose,
    operator: Operator,
    cert: CertificationSettings,
    now: datetime,
    relationship_label: str | None = None,
) -> Challenge:
    actions = cert.challenge_fixed_actions or random_actions()
    challenge = Challenge(
        id=secrets.token_urlsafe(18),
        beneficiary_id=person.id,
        purpose=purpose,
        actions=[a.value for a in actions],
        operator_kind=operator.kind,
        operator_id=operator.account_id,
        relationship_label=relationship_label,
        created_at=now,
        expires_at=now + timedelta(seconds=cert.challenge_ttl_seconds),
    )
    audit.add_recorded(  # what was asked of whom, by whom: no face data exists yet
        session,
        challenge,
        actor=operator.actor,
        action="challenge.issue",
        entity_type="challenge",
        after={
            "beneficiary_id": person.id,
            "purpose": purpose,
            "actions": challenge.actions,
            "relationship": relationship_label,
            "expires_at": challenge.expires_at,
        },
        region=person.region_code,
    )
    return challenge


def start(
    session: Session,
    ctx: CertContext,
    *,
    person: Beneficiary,
    purpose: ChallengePurpose,
    operator: Operator,
    relationship_label: str | None = None,
) -> ChallengeResponse:
    """Issue a challenge now for a person already checked, and answer it as every endpoint does."""
    challenge = issue(
        session,
        person=person,
        purpose=purpose,
        operator=operator,
        cert=ctx.cert,
        now=utcnow(),
        relationship_label=relationship_label,
    )
    return public(challenge, ctx.settings)


def public(challenge: Challenge, settings: Settings) -> ChallengeResponse:
    return ChallengeResponse(
        challenge_id=challenge.id,
        actions=[ChallengeAction(a) for a in challenge.actions],
        expires_at=challenge.expires_at,
        max_frames=settings.max_frames,
        max_frame_bytes=settings.max_upload_bytes,
    )
