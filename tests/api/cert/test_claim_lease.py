"""The claim's lease: a key left pending by a crashed process is taken over by a retry once the lease has
run out (never before), atomically: of simultaneous takeovers exactly one wins."""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from api.audit import verify_chain
from api.challenges import submission
from api.challenges.models import Challenge, ConsentRecord, FailedAttempt, IdempotencyRecord
from api.challenges.types import Claim, FrameUpload
from api.core.context import configure
from api.core.db import utcnow
from api.core.operator import SELF
from api.core.settings import CertificationSettings
from face.types import Action, TimedFrame
from tests.api.cert.clips import multipart, still_frames
from tests.api.cert.conftest import new_key

NAME = "续租测"
LEASE = 300.0


@pytest.fixture
def cert_changes(client):
    """``cert_changes(**values)`` reconfigures the client's certification settings (restored after)."""
    ctx = client.app.state.cert
    original = ctx.cert

    def change(**values) -> None:
        configure(
            client.app, CertificationSettings.model_validate({**original.model_dump(), **values}), ctx.engines
        )

    yield change
    configure(client.app, original, client.app.state.cert.engines)


def crashed_claim(client, session, make_person, *, claimed_ago: float) -> tuple[str, str, int]:
    """A challenge whose claim was taken ``claimed_ago`` seconds ago by a process that then died: the
    challenge is used, the key's record pending, its consent recorded (all in the claim's transaction)."""
    person = make_person(name=NAME)
    resp = client.post("/api/v1/challenges", json={"id_number": person.id_number, "name": NAME})
    assert resp.status_code == 201
    challenge_id, key = resp.json()["challenge_id"], new_key()
    claimed_at = utcnow() - timedelta(seconds=claimed_ago)
    session.get(Challenge, challenge_id).used_at = claimed_at
    session.add(IdempotencyRecord(key=key, challenge_id=challenge_id, claimed_at=claimed_at))
    session.add(
        ConsentRecord(
            beneficiary_id=person.id,
            challenge_id=challenge_id,
            purpose="face_capture",
            operator_kind="self",
            given_at=claimed_at,
        )
    )
    session.commit()
    return challenge_id, key, person.id


def count(session, model, challenge_id: str) -> int:
    return session.execute(
        sa.select(sa.func.count()).select_from(model).where(model.challenge_id == challenge_id)
    ).scalar_one()


def test_a_claim_within_its_lease_still_answers_in_progress(client, session, make_person, cert_changes):
    cert_changes(idempotency_wait_seconds=0.3, claim_lease_seconds=LEASE)
    challenge_id, key, _ = crashed_claim(client, session, make_person, claimed_ago=LEASE - 30)
    resp = client.post(
        f"/api/v1/challenges/{challenge_id}/frames",
        headers={"Idempotency-Key": key},
        **multipart(still_frames()),
    )
    assert resp.status_code == 409 and resp.json()["error"] == "in_progress"
    session.expire_all()
    record = session.execute(sa.select(IdempotencyRecord).where(IdempotencyRecord.key == key)).scalar_one()
    assert record.completed_at is None and record.claimed_at < utcnow() - timedelta(seconds=LEASE - 31)


@pytest.mark.face
def test_retries_after_the_lease_take_over_once_and_all_get_its_answer(
    face_client, session, make_person, cert_changes, db_url
):
    if not db_url.startswith("postgresql"):
        pytest.skip("simultaneous takeovers are exercised on PostgreSQL")
    cert_changes(claim_lease_seconds=LEASE)
    challenge_id, key, _ = crashed_claim(face_client, session, make_person, claimed_ago=LEASE + 5)
    barrier = threading.Barrier(4)

    def retry(_: int):
        barrier.wait()
        return face_client.post(
            f"/api/v1/challenges/{challenge_id}/frames",
            headers={"Idempotency-Key": key},
            **multipart(still_frames()),
        )

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(retry, range(4)))
    assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
    assert answers[0].json()["result"] == "failed" and all(a.json() == answers[0].json() for a in answers)
    session.expire_all()
    assert count(session, FailedAttempt, challenge_id) == 1
    assert count(session, IdempotencyRecord, challenge_id) == 1
    assert count(session, ConsentRecord, challenge_id) == 1  # the crashed claim's consent is not repeated
    assert verify_chain(session).ok


def test_two_simultaneous_takeovers_cannot_both_win(client, session, make_person, db_url, cert_changes):
    if not db_url.startswith("postgresql"):
        pytest.skip("the conditional UPDATE's race is exercised on PostgreSQL")
    cert_changes(claim_lease_seconds=LEASE)
    challenge_id, key, person_id = crashed_claim(client, session, make_person, claimed_ago=LEASE + 5)
    ctx = client.app.state.cert
    upload = FrameUpload(frames=(TimedFrame(data=b"", t_ms=0),), consent=True, keep_reference=False)
    threads = 6
    barrier = threading.Barrier(threads)

    def take(i: int) -> tuple[bool, Claim]:
        claim = Claim(
            challenge_id=challenge_id,
            beneficiary_id=person_id,
            purpose="self",
            actions=(Action.BLINK,),
            operator=SELF,
            relationship_label=None,
            key=key,
            claimed_at=utcnow() + timedelta(microseconds=i),
        )
        barrier.wait()
        return submission._take_over(ctx, claim, upload), claim

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(take, range(threads)))
    winners = [claim for won, claim in results if won]
    assert len(winners) == 1
    session.expire_all()
    record = session.execute(sa.select(IdempotencyRecord).where(IdempotencyRecord.key == key)).scalar_one()
    assert record.claimed_at == winners[0].claimed_at
    # The first process, slow rather than dead, no longer holds the claim: it can neither complete
    # the record nor release it.
    stale = dataclasses.replace(winners[0], claimed_at=record.claimed_at - timedelta(seconds=LEASE + 5))
    with ctx.sessions() as other, pytest.raises(submission._LostClaim):
        submission._complete(other, stale, utcnow())
    submission._release(ctx, stale)
    session.expire_all()
    assert session.execute(
        sa.select(IdempotencyRecord.completed_at).where(IdempotencyRecord.key == key)
    ).one() == (None,)
    assert session.get(Challenge, challenge_id).used_at is not None
