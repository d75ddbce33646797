"""Challenges and frame uploads over HTTP: everything refused before the face engine runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from api.challenges.models import Challenge, ConsentRecord, IdempotencyRecord
from api.core.db import utcnow
from api.core.settings import CertificationSettings, Environment, LimitSettings, Settings
from shared.enums import ChallengeAction, PaymentState
from tests.api import intake_samples as samples
from tests.api.cert.conftest import new_key

URL = "/api/v1/challenges"
JPEG = samples.jpeg(64, 48)  # a real picture: frames pass the intake (header and bounded decode)


def frames_form(
    count: int = Settings().min_frames,
    *,
    data: bytes = JPEG,
    consent: str | None = "true",
    times: str | None = None,
):
    files = [("frames", (f"f{i}.jpg", data, "image/jpeg")) for i in range(count)]
    form = {"times_ms": times if times is not None else ",".join(str(i * 125) for i in range(count))}
    if consent is not None:
        form["consent"] = consent
    return {"files": files, "data": form}


def new_challenge(client, person, name: str) -> dict:
    resp = client.post(URL, json={"id_number": person.id_number, "name": name})
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_challenge_has_two_or_three_distinct_random_actions(client, make_person) -> None:
    person = make_person(name="钱七")
    seen = set()
    for _ in range(12):
        body = new_challenge(client, person, "钱七")
        actions = body["actions"]
        assert 2 <= len(actions) <= 3 and len(set(actions)) == len(actions)
        assert set(actions) <= {a.value for a in ChallengeAction}
        seen.add(tuple(actions))
        assert body["max_frames"] == 60
    assert len(seen) > 1, "twelve challenges in a row had the same actions: not random"


def test_unknown_person_and_wrong_name_get_the_same_404(client, make_person) -> None:
    person = make_person(name="孙八")
    wrong = client.post(URL, json={"id_number": person.id_number, "name": "孙九"})
    assert wrong.status_code == 404
    other = person.id_number[:-1] + ("0" if person.id_number[-1] != "0" else "1")
    unknown = client.post(URL, json={"id_number": other, "name": "孙八"})
    assert unknown.status_code in (404, 422)
    bad = client.post(URL, json={"id_number": "123", "name": "孙八"})
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_id_number"


def test_stopped_entitlement_gets_no_challenge(client, make_person) -> None:
    person = make_person(name="周九", payment_state=PaymentState.STOPPED)
    resp = client.post(URL, json={"id_number": person.id_number, "name": "周九"})
    assert resp.status_code == 409 and resp.json()["error"] == "not_certifiable"


PRODUCTION_SECRET = "Qm7vR2xK9pL4wN8sT1yB6cF3hJ0dG5zE"  # 32 random characters
PRODUCTION_DB = "postgresql+psycopg://lifecert@127.0.0.1:5432/lifecert"  # production needs PostgreSQL


def test_fixed_actions_only_in_test_mode() -> None:
    fixed = CertificationSettings(challenge_fixed_actions="open_mouth,blink")
    assert fixed.challenge_fixed_actions == (ChallengeAction.OPEN_MOUTH, ChallengeAction.BLINK)
    Settings(env=Environment.TEST, certification=fixed)
    for env in (Environment.DEVELOPMENT, Environment.PRODUCTION):
        with pytest.raises(ValueError, match="only allowed when LIFECERT_ENV=test"):
            Settings(env=env, secret_key=PRODUCTION_SECRET, database_url=PRODUCTION_DB, certification=fixed)
    Settings(
        env=Environment.PRODUCTION,
        secret_key=PRODUCTION_SECRET,
        database_url=PRODUCTION_DB,
        audit={"key": "an audit key of at least 32 characters"},
        storage={"encryption_key": "a storage key of at least 32 characters"},
    )


def test_create_app_refuses_fixed_actions_outside_test_mode(settings, monkeypatch) -> None:
    from api.main import create_app

    monkeypatch.setenv("LIFECERT_CERTIFICATION__CHALLENGE_FIXED_ACTIONS", "blink,open_mouth")
    monkeypatch.setenv("LIFECERT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LIFECERT_ENV", "development")
    with pytest.raises(ValueError, match="only allowed"):
        create_app()
    monkeypatch.setenv("LIFECERT_ENV", "test")
    app = create_app()  # env=test: accepted
    assert app.state.cert.cert.challenge_fixed_actions == (ChallengeAction.BLINK, ChallengeAction.OPEN_MOUTH)


def test_fixed_actions_are_used_in_test_mode(client, make_person, fixed_actions) -> None:
    fixed_actions(("turn_left", "blink"))
    person = make_person(name="吴十")
    assert new_challenge(client, person, "吴十")["actions"] == ["turn_left", "blink"]


@pytest.mark.parametrize(
    ("headers", "form", "status", "error"),
    [
        ({}, frames_form(), 400, "idempotency_key_required"),
        ({"Idempotency-Key": "short"}, frames_form(), 400, "invalid_idempotency_key"),
        ({"Idempotency-Key": new_key()}, frames_form(consent=None), 422, "consent_required"),
        ({"Idempotency-Key": new_key()}, frames_form(consent="false"), 422, "consent_required"),
        ({"Idempotency-Key": new_key()}, frames_form(consent="maybe"), 422, "validation_error"),
        ({"Idempotency-Key": new_key()}, frames_form(count=2), 422, "frame_count"),
        # fewer than liveness needs is refused before any decision (and counts as no failed attempt)
        ({"Idempotency-Key": new_key()}, frames_form(count=Settings().min_frames - 1), 422, "frame_count"),
        ({"Idempotency-Key": new_key()}, frames_form(count=Settings().max_frames + 1), 413, "invalid_upload"),
        ({"Idempotency-Key": new_key()}, frames_form(times="0,100"), 422, "invalid_times"),
        (
            {"Idempotency-Key": new_key()},
            frames_form(times="0,100,200,300,500,400"),
            422,
            "frames_out_of_order",
        ),
        ({"Idempotency-Key": new_key()}, frames_form(times="0,a,200,300,400,500"), 422, "invalid_times"),
        ({"Idempotency-Key": new_key()}, frames_form(data=b"GIF89a" + b"0" * 50), 415, "not_jpeg"),
        (
            {"Idempotency-Key": new_key()},
            frames_form(data=JPEG + b"\x00" * (2 * 1024 * 1024)),
            413,
            "payload_too_large",
        ),
    ],
)
def test_bad_uploads_are_refused_before_the_challenge_is_used(
    client, session, make_person, headers, form, status, error
) -> None:
    person = make_person(name="郑一")
    challenge = new_challenge(client, person, "郑一")
    resp = client.post(f"{URL}/{challenge['challenge_id']}/frames", headers=headers, **form)
    assert resp.status_code == status, resp.text
    assert resp.json()["error"] == error and resp.json()["message"]
    row = session.get(Challenge, challenge["challenge_id"])
    assert row.used_at is None  # still usable: nothing was claimed
    assert (
        session.execute(
            sa.select(sa.func.count()).select_from(ConsentRecord).where(ConsentRecord.challenge_id == row.id)
        ).scalar_one()
        == 0
    )


def test_unknown_challenge_is_404(client) -> None:
    resp = client.post(f"{URL}/nope/frames", headers={"Idempotency-Key": new_key()}, **frames_form())
    assert resp.status_code == 404


def test_used_challenge_is_409_and_expired_is_410(client, session, make_person) -> None:
    person = make_person(name="王二")
    used = new_challenge(client, person, "王二")
    expired = new_challenge(client, person, "王二")
    session.get(Challenge, used["challenge_id"]).used_at = utcnow()
    session.get(Challenge, expired["challenge_id"]).expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    resp = client.post(
        f"{URL}/{used['challenge_id']}/frames", headers={"Idempotency-Key": new_key()}, **frames_form()
    )
    assert resp.status_code == 409 and resp.json()["error"] == "challenge_used"
    resp = client.post(
        f"{URL}/{expired['challenge_id']}/frames", headers={"Idempotency-Key": new_key()}, **frames_form()
    )
    assert resp.status_code == 410 and resp.json()["error"] == "challenge_expired"
    assert (
        session.execute(
            sa.select(sa.func.count())
            .select_from(IdempotencyRecord)
            .where(IdempotencyRecord.challenge_id.in_([used["challenge_id"], expired["challenge_id"]]))
        ).scalar_one()
        == 0
    )


def test_challenge_requests_are_rate_limited_per_client(make_client, make_person) -> None:
    limited = make_client(limits=LimitSettings(person_lookup="2/hour"))
    person = make_person(name="限流")
    codes = [
        limited.post(URL, json={"id_number": person.id_number, "name": "限流"}).status_code for _ in range(3)
    ]
    assert codes == [201, 201, 429]
    third = limited.post(URL, json={"id_number": person.id_number, "name": "限流"})
    assert third.json()["error"] == "rate_limited" and int(third.headers["Retry-After"]) >= 1


def test_a_key_used_for_one_challenge_is_refused_for_another(client, session, make_person) -> None:
    person = make_person(name="重复键")
    first, second = new_challenge(client, person, "重复键"), new_challenge(client, person, "重复键")
    key = new_key()
    session.add(
        IdempotencyRecord(
            key=key, challenge_id=first["challenge_id"], status_code=200, response={}, completed_at=utcnow()
        )
    )
    session.commit()
    resp = client.post(
        f"{URL}/{second['challenge_id']}/frames", headers={"Idempotency-Key": key}, **frames_form()
    )
    assert resp.status_code == 422 and resp.json()["error"] == "idempotency_key_reused"
    assert session.get(Challenge, second["challenge_id"]).used_at is None


def test_issuing_a_challenge_is_audited_without_face_data(client, session, make_person) -> None:
    from api.audit import AuditEvent, verify_chain

    person = make_person(name="审计")
    body = new_challenge(client, person, "审计")
    session.expire_all()
    events = (
        session.execute(
            sa.select(AuditEvent).where(
                AuditEvent.entity_type == "challenge", AuditEvent.entity_id == body["challenge_id"]
            )
        )
        .scalars()
        .all()
    )
    assert [(e.action, e.actor) for e in events] == [("challenge.issue", "self")]
    after = events[0].after
    assert after["beneficiary_id"] == person.id and after["purpose"] == "self"
    assert after["actions"] == body["actions"]
    assert not {"frames", "template", "photo"} & set(after)
    assert verify_chain(session).ok
