"""Submitting a challenge's frames: claim the challenge once (single use, Idempotency-Key), let the face
engine decide outside any transaction, then record the outcome and the stored answer in one transaction.

Concurrency: the claim inserts the idempotency record (unique key) and marks the challenge used with a
conditional UPDATE in one transaction. Of two requests with the same key, the database lets one insert
and gives the other an IntegrityError; the loser then waits for the winner's stored answer. Of two
requests with different keys for one challenge, the conditional UPDATE admits one; the other gets 409.
If the decision cannot be made or recorded, the claim is released so a retry with the same key can run.

Lease: a claim left pending by a crashed process would block its key forever, so a claim older than
``claim_lease_seconds`` may be taken over by a retry with the same key — one conditional UPDATE
(``… WHERE claimed_at < cutoff``), so of simultaneous takeovers exactly one wins and the rest wait for its
answer. The owner completes the record only while it still holds the claim (same ``claimed_at``), so a
process that was merely slow past its lease cannot record a second outcome.

Replays: the claim's transaction also stores the digests of the frames (api/challenges/replay.py), and the
check for frames already sent to another challenge runs after it, so of two submissions of one recording to
two challenges at the same moment at most one can pass (both may be refused).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import audit
from api.auth.tokens import Principal
from api.beneficiaries.models import Beneficiary, ReferenceFace
from api.beneficiaries.reference_photos import load_photo
from api.certification import live_check, outcomes
from api.challenges import replay
from api.challenges.models import (
    Challenge,
    ConsentPurpose,
    ConsentRecord,
    FrameDigest,
    IdempotencyRecord,
)
from api.challenges.types import Claim, FrameUpload
from api.core.context import CertContext
from api.core.db import rowcount, session_scope, utcnow
from api.core.errors import ApiError
from api.core.idempotency import INVALID_KEY, KEY_RE
from api.core.operator import Operator
from face.types import Action, Decision, FaceInputError, Outcome, ReasonCode, Template, TimedFrame
from shared.schemas import FramesResult

log = logging.getLogger("lifecert.challenges")

_POLL_SECONDS = 0.1


def check_key(key: str | None) -> str:
    if not key:
        raise ApiError(
            400,
            "idempotency_key_required",
            "The Idempotency-Key header is required (a random id per attempt).",
        )
    if not KEY_RE.match(key):
        raise ApiError(400, "invalid_idempotency_key", INVALID_KEY)
    return key


def _check_operator(challenge: Challenge, principal: Principal | None) -> Operator:
    operator = Operator(challenge.operator_kind, challenge.operator_id)
    if challenge.operator_id is None:
        return operator
    if principal is None or (principal.kind.value, principal.account_id) != (
        operator.kind,
        operator.account_id,
    ):
        raise ApiError(
            403, "forbidden", "This challenge was started by another account; sign in as that account."
        )
    return operator


def _stored_answer(session: Session, key: str, challenge_id: str) -> FramesResult | None:
    record = session.execute(
        sa.select(IdempotencyRecord).where(IdempotencyRecord.key == key)
    ).scalar_one_or_none()
    if record is None:
        return None
    if record.challenge_id != challenge_id:
        raise ApiError(
            422, "idempotency_key_reused", "This Idempotency-Key was already used for another challenge."
        )
    if record.completed_at is None or record.response is None:
        return None
    return FramesResult.model_validate(record.response)


def _refuse_spent(challenge: Challenge | None, now: datetime) -> None:
    if challenge is None:  # deleted meanwhile (retention): as if it never existed
        raise ApiError(404, "not_found", "This challenge does not exist. Start a new certification.")
    if challenge.used_at is not None:
        raise ApiError(409, "challenge_used", "This challenge was already used. Start a new certification.")
    if challenge.expires_at <= now:
        raise ApiError(410, "challenge_expired", "This challenge has expired. Start a new certification.")


def _refuse_outlasting(challenge: Challenge, upload: FrameUpload) -> None:
    """A capture lasting longer than the challenge lives cannot have been recorded for it."""
    span_ms = upload.frames[-1].t_ms - upload.frames[0].t_ms if upload.frames else 0
    life_ms = (challenge.expires_at - challenge.created_at).total_seconds() * 1000
    if span_ms > life_ms:
        raise ApiError(
            422,
            "capture_outlasts_challenge",
            "The pictures span more time than this certification lasts. Start a new certification.",
        )


def _claim(
    ctx: CertContext,
    challenge_id: str,
    key: str,
    upload: FrameUpload,
    principal: Principal | None,
    digests: Sequence[int],
) -> Claim | FramesResult:
    """Claim the challenge for this key, or return the stored answer of an earlier request with the key."""
    now = utcnow()
    with ctx.sessions() as session:
        challenge = session.get(Challenge, challenge_id)
        if challenge is None:
            raise ApiError(404, "not_found", "This challenge does not exist. Start a new certification.")
        operator = _check_operator(challenge, principal)
        stored = _stored_answer(session, key, challenge_id)
        if stored is not None:
            return stored
        pending_since = session.execute(
            sa.select(IdempotencyRecord.claimed_at).where(IdempotencyRecord.key == key)
        ).scalar_one_or_none()
        if pending_since is None:
            _refuse_spent(challenge, now)
            _refuse_outlasting(challenge, upload)
        claim = Claim(
            challenge_id=challenge.id,
            beneficiary_id=challenge.beneficiary_id,
            purpose=challenge.purpose,
            actions=tuple(Action(a) for a in challenge.actions),
            operator=operator,
            relationship_label=challenge.relationship_label,
            key=key,
            claimed_at=now,
        )
    if pending_since is not None:
        lease_over = pending_since < now - timedelta(seconds=ctx.cert.claim_lease_seconds)
        if lease_over and _take_over(ctx, claim, upload):
            return claim
        return _wait_for_answer(ctx, key, challenge_id)
    try:
        with session_scope(ctx.sessions) as session:
            session.add(IdempotencyRecord(key=key, challenge_id=challenge_id, claimed_at=now))
            session.flush()
            taken = rowcount(
                session.execute(
                    sa.update(Challenge)
                    .where(
                        Challenge.id == challenge_id, Challenge.used_at.is_(None), Challenge.expires_at > now
                    )
                    .values(used_at=now)
                )
            )
            if taken != 1:
                raise _Spent()
            _record_consent(session, claim, upload, now)
            _remember_frames(session, claim, digests)
    except IntegrityError:
        return _wait_for_answer(ctx, key, challenge_id)  # the same key won the race in another request
    except _Spent:
        with ctx.sessions() as session:
            _refuse_spent(session.get(Challenge, challenge_id), now)
        raise ApiError(
            409, "challenge_used", "This challenge was already used. Start a new certification."
        ) from None
    return claim


class _Spent(Exception):
    pass


class _LostClaim(Exception):
    """The claim's lease ran out and a retry with the same key took it over."""


def _pending(key: str) -> tuple[sa.ColumnElement[bool], ...]:
    """The key's record while no answer is stored."""
    return IdempotencyRecord.key == key, IdempotencyRecord.completed_at.is_(None)


def _held(claim: Claim) -> tuple[sa.ColumnElement[bool], ...]:
    """The key's record while pending and still claimed by ``claim`` (not taken over since)."""
    return *_pending(claim.key), IdempotencyRecord.claimed_at == claim.claimed_at


def _take_over(ctx: CertContext, claim: Claim, upload: FrameUpload) -> bool:
    """Take over the claim of ``claim.key`` if it is still pending past its lease (atomically: one wins).
    The challenge stays used by this key; consents the first attempt did not record are recorded now."""
    cutoff = claim.claimed_at - timedelta(seconds=ctx.cert.claim_lease_seconds)
    with session_scope(ctx.sessions) as session:
        taken = rowcount(
            session.execute(
                sa.update(IdempotencyRecord)
                .where(
                    *_pending(claim.key),
                    IdempotencyRecord.challenge_id == claim.challenge_id,
                    IdempotencyRecord.claimed_at < cutoff,
                )
                .values(claimed_at=claim.claimed_at)
            )
        )
        if taken != 1:
            return False
        given = set(
            session.execute(
                sa.select(ConsentRecord.purpose).where(ConsentRecord.challenge_id == claim.challenge_id)
            ).scalars()
        )
        _record_consent(session, claim, upload, claim.claimed_at, already=given)
        if (
            session.execute(
                sa.select(FrameDigest.id).where(FrameDigest.challenge_id == claim.challenge_id).limit(1)
            ).first()
            is None
        ):
            _remember_frames(session, claim, replay.digests(upload.frames))
    log.warning("challenge %s: took over a claim pending past its lease", claim.challenge_id)
    return True


def _remember_frames(session: Session, claim: Claim, digests: Sequence[int]) -> None:
    """The frames' digests, stored in the claim's own transaction, before the decision: a submission of
    the same recording to another challenge at the same moment then finds them (stored only once decided,
    two submissions racing each other both passed the replay check). Removed again by ``_release``."""
    replay.remember(
        session,
        challenge_id=claim.challenge_id,
        beneficiary_id=claim.beneficiary_id,
        values=digests,
        now=claim.claimed_at,
    )


def _complete(session: Session, claim: Claim, now: datetime) -> None:
    """Mark the claim's record complete if this request still holds the claim (first write of the
    recording transaction, so a takeover waits for it or finds the record complete)."""
    held = rowcount(
        session.execute(
            sa.update(IdempotencyRecord).where(*_held(claim)).values(completed_at=now, status_code=200)
        )
    )
    if held != 1:
        raise _LostClaim()


def _record_consent(
    session: Session,
    claim: Claim,
    upload: FrameUpload,
    now: datetime,
    already: Collection[ConsentPurpose] = (),
) -> None:
    purposes = [ConsentPurpose.FACE_CAPTURE] + (
        [ConsentPurpose.KEEP_REFERENCE] if upload.keep_reference else []
    )
    for purpose in (p for p in purposes if p not in already):
        row = ConsentRecord(
            beneficiary_id=claim.beneficiary_id,
            challenge_id=claim.challenge_id,
            purpose=purpose,
            operator_kind=claim.operator.kind,
            operator_id=claim.operator.account_id,
            given_at=now,
        )
        audit.add_recorded(
            session,
            row,
            actor=claim.operator.actor,
            action="consent.give",
            entity_type="consent",
            after={
                "beneficiary_id": claim.beneficiary_id,
                "purpose": purpose,
                "challenge_id": claim.challenge_id,
            },
        )


def _wait_for_answer(ctx: CertContext, key: str, challenge_id: str) -> FramesResult:
    deadline = time.monotonic() + ctx.cert.idempotency_wait_seconds
    while time.monotonic() < deadline:
        with ctx.sessions() as session:
            exists = session.execute(
                sa.select(IdempotencyRecord.id).where(IdempotencyRecord.key == key)
            ).first()
            answer = _stored_answer(session, key, challenge_id)
        if answer is not None:
            return answer
        if exists is None:
            raise ApiError(
                503, "retry", "The earlier attempt with this key did not finish; please send it again."
            )
        time.sleep(_POLL_SECONDS)
    raise ApiError(
        409, "in_progress", "This attempt is still being checked; please wait a moment and ask again."
    )


def _release(ctx: CertContext, claim: Claim) -> None:
    """Undo a claim whose decision could not be made or recorded (nothing else was written) — only if this
    request still holds it: a claim taken over by a retry belongs to that retry."""
    with session_scope(ctx.sessions) as session:
        released = rowcount(session.execute(sa.delete(IdempotencyRecord).where(*_held(claim))))
        if released == 1:
            session.execute(
                sa.update(Challenge).where(Challenge.id == claim.challenge_id).values(used_at=None)
            )
            # undecided frames are no replay: the app may send them again
            session.execute(sa.delete(FrameDigest).where(FrameDigest.challenge_id == claim.challenge_id))


def _references(ctx: CertContext, beneficiary_id: int) -> list[Template]:
    """The person's active reference templates, enrolling any reference photo not yet turned into one."""
    with session_scope(ctx.sessions) as session:
        rows = (
            session.execute(
                sa.select(ReferenceFace).where(
                    ReferenceFace.beneficiary_id == beneficiary_id, ReferenceFace.active.is_(True)
                )
            )
            .scalars()
            .all()
        )
        templates: list[Template] = []
        for row in rows:
            photo = load_photo(ctx.storage, row) if row.template is None else None
            if row.template is None and photo:
                try:
                    made = ctx.engines.run(lambda engine, photo=photo: engine.enrol(photo))  # type: ignore[misc]  # the default binds this photo; mypy cannot infer such a lambda
                except FaceInputError as exc:
                    log.warning("reference %s cannot be enrolled: %s", row.id, exc.code)
                    row.active = False
                    continue
                row.template, row.model_name, row.detector = list(made.vector), made.model, made.detector
            if row.template is not None:
                templates.append(Template(tuple(row.template), row.model_name or "", row.detector or ""))
        return templates


def _replayed(ctx: CertContext, claim: Claim, digests: Sequence[int]) -> Decision | None:
    """A failed decision when these frames were already sent to an earlier challenge (a replay)."""
    if not ctx.cert.refuse_replayed_frames:
        return None
    with ctx.sessions() as session:
        earlier = replay.earlier_challenge(session, claim.challenge_id, digests, ctx.cert.replay_min_share)
    if earlier is None:
        return None
    log.warning("challenge %s: frames already sent to challenge %s", claim.challenge_id, earlier)
    return Decision(outcome=Outcome.FAILED, reason=ReasonCode.REPLAYED_FRAMES, message=replay.MESSAGE)


def _decide(ctx: CertContext, claim: Claim, frames: Sequence[TimedFrame]) -> tuple[Decision, tuple[int, ...]]:
    """The decision, and the pending references it confirms (a staff member's live check of a reference
    face they just added: api/certification/live_check.py)."""
    references = _references(ctx, claim.beneficiary_id)
    new = live_check.pending(ctx, claim)
    try:
        if new:
            return live_check.decide(ctx, claim, frames, new, references)
        return ctx.engines.run(lambda engine: engine.decide(claim.actions, frames, references)), ()
    except FaceInputError as exc:
        return Decision(outcome=Outcome.FAILED, reason=exc.code, message=exc.message), ()


def _refreshed_template(
    ctx: CertContext, decision: Decision, upload: FrameUpload
) -> tuple[Template, bytes] | None:
    if decision.outcome is not Outcome.PASSED or not upload.keep_reference or decision.best_frame is None:
        return None
    photo = upload.frames[decision.best_frame].data
    try:
        return ctx.engines.run(lambda engine: engine.enrol(photo)), photo
    except FaceInputError:
        return None  # the capture passed but is not good enough to keep as a reference: keep the old ones


def submit(
    ctx: CertContext, *, challenge_id: str, key: str | None, upload: FrameUpload, principal: Principal | None
) -> FramesResult:
    key = check_key(key)
    digests = replay.digests(upload.frames)
    claimed = _claim(ctx, challenge_id, key, upload, principal, digests)
    if isinstance(claimed, FramesResult):
        return claimed
    try:
        replayed = _replayed(ctx, claimed, digests)
        decision, live_checked = (replayed, ()) if replayed else _decide(ctx, claimed, upload.frames)
        refreshed = _refreshed_template(ctx, decision, upload)
        now = utcnow()
        with session_scope(ctx.sessions) as session:
            _complete(session, claimed, now)
            person = session.get_one(Beneficiary, claimed.beneficiary_id, with_for_update=True)
            answer = outcomes.record(
                session,
                ctx,
                claim=claimed,
                person=person,
                decision=decision,
                upload=upload,
                refreshed=refreshed,
                now=now,
                live_checked=live_checked,
            )
            session.execute(
                sa.update(IdempotencyRecord)
                .where(IdempotencyRecord.key == key)
                .values(response=answer.model_dump(mode="json"))
            )
        return answer
    except _LostClaim:
        return _wait_for_answer(ctx, key, challenge_id)  # the retry that took over answers for the key
    except BaseException as exc:
        _release(ctx, claimed)
        if isinstance(exc, ApiError):
            raise
        if isinstance(exc, Exception):
            log.exception("challenge %s could not be decided or recorded", challenge_id)
            raise ApiError(
                503, "try_again", "Your certification could not be checked just now; please try again."
            ) from exc
        raise
