"""Simultaneous submissions: threads posting the same Idempotency-Key get one answer and one record;
threads posting different keys for one challenge get one decision and 409 for the rest."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from api.audit import verify_chain
from api.beneficiaries.models import Certification
from api.challenges.models import ConsentRecord, FailedAttempt, IdempotencyRecord
from api.receipts.models import Receipt
from shared.enums import StaffRole
from tests.api.cert.clips import PASSING_ACTIONS, live_frames, multipart, reference_photo, still_frames
from tests.api.cert.conftest import confirm_reference, new_key

pytestmark = [pytest.mark.face]
THREADS = 6
NAME = "并发测"


@pytest.fixture(autouse=True)
def _postgres_only(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("concurrency of the claim is exercised on PostgreSQL (SQLite serialises every writer)")


def post_together(client, url: str, keys: list[str], frames) -> list:
    barrier = threading.Barrier(len(keys))

    def one(key: str):
        barrier.wait()
        return client.post(url, headers={"Idempotency-Key": key}, **multipart(frames))

    with ThreadPoolExecutor(len(keys)) as pool:
        return list(pool.map(one, keys))


def count(session, model, column, value) -> int:
    return session.execute(
        sa.select(sa.func.count()).select_from(model).where(getattr(model, column) == value)
    ).scalar_one()


def new_challenge(client, person, fixed_actions) -> str:
    fixed_actions(PASSING_ACTIONS)
    resp = client.post("/api/v1/challenges", json={"id_number": person.id_number, "name": NAME})
    assert resp.status_code == 201
    return resp.json()["challenge_id"]


def test_same_key_at_once_gives_one_answer_and_one_record(
    face_client, session, make_person, make_staff, fixed_actions
):
    person = make_person(name=NAME)
    resp = face_client.post(
        "/api/v1/onsite/references",
        headers=make_staff(StaffRole.COORDINATOR),
        data={
            "id_number": person.id_number,
            "name": NAME,
            "id_card_last4": person.id_number[-4:],
        },
        files={"photo": ("ref.jpg", reference_photo(), "image/jpeg")},
    )
    confirm_reference(face_client, resp, make_staff(StaffRole.REVIEWER))
    challenge_id = new_challenge(face_client, person, fixed_actions)
    key = new_key()
    answers = post_together(
        face_client, f"/api/v1/challenges/{challenge_id}/frames", [key] * THREADS, live_frames()
    )
    assert [a.status_code for a in answers] == [200] * THREADS, [a.text for a in answers]
    bodies = [a.json() for a in answers]
    assert bodies[0]["result"] == "passed" and all(b == bodies[0] for b in bodies)
    session.expire_all()
    assert count(session, Certification, "beneficiary_id", person.id) == 1
    assert count(session, IdempotencyRecord, "challenge_id", challenge_id) == 1
    assert count(session, ConsentRecord, "challenge_id", challenge_id) == 1
    cert = session.execute(
        sa.select(Certification).where(Certification.beneficiary_id == person.id)
    ).scalar_one()
    assert count(session, Receipt, "certification_id", cert.id) == 1
    assert verify_chain(session).ok


def test_different_keys_at_once_get_one_decision_and_409s(face_client, session, make_person, fixed_actions):
    person = make_person(name=NAME)
    challenge_id = new_challenge(face_client, person, fixed_actions)
    keys = [new_key() for _ in range(THREADS)]
    answers = post_together(face_client, f"/api/v1/challenges/{challenge_id}/frames", keys, still_frames())
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [409] * (THREADS - 1), [a.text for a in answers]
    assert all(a.json()["error"] == "challenge_used" for a in answers if a.status_code == 409)
    session.expire_all()
    assert count(session, FailedAttempt, "challenge_id", challenge_id) == 1
    assert count(session, IdempotencyRecord, "challenge_id", challenge_id) == 1
    assert verify_chain(session).ok
