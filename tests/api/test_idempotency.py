"""A POST with an Idempotency-Key runs at most once (api/core/idempotency.py): a retry with the same key
gets the first answer; a failed answer is not kept; a claim still running answers 409; another caller's
request with the same key is its own."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import sqlalchemy as sa

from api.auth.models import HelperAccount
from api.core.db import utcnow
from api.core.idempotency import IdempotentRequest
from shared.enums import StaffRole
from shared.idnumber import make_id_number

_serial = iter(range(100, 999))


def helper_body() -> dict[str, str]:
    number = make_id_number("110101", date(1975, 5, 5), next(_serial))
    return {"id_number": number, "name": "帮手", "phone": "13900000000", "password": "helper password"}


def key() -> str:
    return f"test-{uuid.uuid4()}"


def helpers_with(session, id_number: str) -> int:
    return session.scalar(
        sa.select(sa.func.count()).select_from(HelperAccount).where(HelperAccount.id_number == id_number)
    )


def test_a_retry_with_the_same_key_gets_the_first_answer(client, session) -> None:
    body, k = helper_body(), key()
    first = client.post("/api/v1/helpers", json=body, headers={"Idempotency-Key": k})
    again = client.post("/api/v1/helpers", json=body, headers={"Idempotency-Key": k})
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert helpers_with(session, body["id_number"]) == 1
    # without the key the same request is a new one, and the API refuses the duplicate account
    fresh = client.post("/api/v1/helpers", json=body)
    assert fresh.status_code == 409 and fresh.json()["error"] == "account_exists"


def test_a_failed_answer_is_not_kept(client, session) -> None:
    body, k = helper_body(), key()
    bad = client.post("/api/v1/helpers", json=body | {"phone": "x"}, headers={"Idempotency-Key": k})
    assert bad.status_code == 422
    good = client.post("/api/v1/helpers", json=body, headers={"Idempotency-Key": k})
    assert good.status_code == 201 and "idempotent-replayed" not in good.headers
    assert helpers_with(session, body["id_number"]) == 1


def test_a_request_still_running_answers_409_and_an_abandoned_claim_is_taken_over(client, session) -> None:
    import hashlib
    import json

    from api.core.idempotency import _scope_hash

    body, k = helper_body(), key()
    raw = json.dumps(body).encode()
    scope = _scope_hash("POST", "/api/v1/helpers", b"")
    session.add(
        IdempotentRequest(key=k, scope=scope, body_hash=hashlib.sha256(raw).hexdigest(), claimed_at=utcnow())
    )
    session.commit()
    headers = {"Idempotency-Key": k, "Content-Type": "application/json"}
    busy = client.post("/api/v1/helpers", content=raw, headers=headers)
    assert busy.status_code == 409 and busy.json()["error"] == "request_in_progress"
    assert int(busy.headers["retry-after"]) >= 1
    assert helpers_with(session, body["id_number"]) == 0
    # a claim older than the lease belongs to a process that died: the retry takes it over and runs
    lease = client.app.state.settings.certification.claim_lease_seconds
    session.execute(
        sa.update(IdempotentRequest)
        .where(IdempotentRequest.key == k)
        .values(claimed_at=utcnow() - timedelta(seconds=lease + 1))
    )
    session.commit()
    taken = client.post("/api/v1/helpers", content=raw, headers=headers)
    assert taken.status_code == 201, taken.text
    assert helpers_with(session, body["id_number"]) == 1


def test_another_caller_with_the_same_key_is_not_answered_from_it(client, make_staff, make_person) -> None:
    k = key()
    answers = []
    for name in ("甲一", "乙二"):
        person = make_person(name=name)
        headers = make_staff(StaffRole.COORDINATOR) | {"Idempotency-Key": k}
        answers.append(
            client.post(
                "/api/v1/visits",
                headers=headers,
                json={"id_number": person.id_number, "name": name, "reason": "bedridden"},
            )
        )
    assert [a.status_code for a in answers] == [201, 201], answers[1].text
    assert answers[0].json()["request_id"] != answers[1].json()["request_id"]
    assert "idempotent-replayed" not in answers[1].headers


def test_a_key_reused_for_another_request_is_refused(client, session) -> None:
    first, other, k = helper_body(), helper_body(), key()
    assert client.post("/api/v1/helpers", json=first, headers={"Idempotency-Key": k}).status_code == 201
    reused = client.post("/api/v1/helpers", json=other, headers={"Idempotency-Key": k})
    assert reused.status_code == 422 and reused.json()["error"] == "idempotency_key_reused"
    assert helpers_with(session, other["id_number"]) == 0


def test_a_malformed_key_is_refused(client) -> None:
    resp = client.post(
        "/api/v1/helpers", json=helper_body(), headers={"Idempotency-Key": "no spaces allowed"}
    )
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_idempotency_key"
