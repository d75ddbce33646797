"""``POST /api/v1/receipts/history``: a person's last receipts from the server (masked, newest first, ≤ 20),
with the status lookup's not-found rule and rate limit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from api.beneficiaries.models import Certification
from api.core.settings import LimitSettings
from api.receipts import service as receipts
from shared.enums import CertificationMethod, CertificationResult
from shared.receipt_history import MAX_HISTORY

URL = "/api/v1/receipts/history"


def certify(session, person, day: date, method=CertificationMethod.SELF_FACE) -> str:
    certification = Certification(
        beneficiary_id=person.id,
        window_start=day.replace(day=1),
        window_end=day + timedelta(days=365),
        method=method,
        operator_kind="self",
        result=CertificationResult.PASSED,
        evidence=[],
        certified_at=datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC),
        local_date=day,
    )
    session.add(certification)
    session.flush()
    receipt = receipts.issue(session, certification=certification, person=person)
    session.commit()
    return receipt.id


def test_last_twenty_receipts_newest_first_masked_and_verifiable(client, session, make_person) -> None:
    person = make_person(name="回执多")
    other = make_person(name="别人家")
    days = [date(2004, 1, 10) + timedelta(days=200 * i) for i in range(MAX_HISTORY + 2)]
    ids = {certify(session, person, day): day for day in reversed(days)}  # stored oldest last
    certify(session, other, date(2024, 6, 1))
    resp = client.post(URL, json={"id_number": person.id_number, "name": "回执多"})
    assert resp.status_code == 200, resp.text
    got = resp.json()["receipts"]
    assert len(got) == MAX_HISTORY
    assert [r["certified_on"] for r in got] == [
        d.isoformat() for d in sorted(days, reverse=True)[:MAX_HISTORY]
    ]
    assert {r["receipt_id"] for r in got} <= set(ids)
    assert all(r["holder_name"] == "回*多" and "*" in r["holder_id"] for r in got)
    assert person.id_number not in resp.text
    # a lookup by ID number and name never hands out the receipts' tokens (finding 9)
    assert all(r.get("token") is None for r in got) and "qr_png_url" not in resp.text


def test_a_person_without_receipts_gets_an_empty_list(client, make_person) -> None:
    person = make_person(name="没回执")
    resp = client.post(URL, json={"id_number": person.id_number, "name": " 没回执 "})
    assert resp.status_code == 200 and resp.json() == {"receipts": []}


def test_unknown_person_and_wrong_name_get_the_same_404(client, session, make_person) -> None:
    person = make_person(name="查不到")
    certify(session, person, date(2024, 3, 3))
    wrong = client.post(URL, json={"id_number": person.id_number, "name": "查得到"})
    other = person.id_number[:-1] + ("0" if person.id_number[-1] != "0" else "1")
    unknown = client.post(URL, json={"id_number": other, "name": "查不到"})
    assert wrong.status_code == 404 and wrong.json()["error"] == "not_found"
    assert unknown.status_code in (404, 422)
    if unknown.status_code == 404:
        assert unknown.json() == wrong.json()
    bad = client.post(URL, json={"id_number": "123", "name": "查不到"})
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_id_number" and bad.json()["message"]
    assert client.post(URL, json={"name": "查不到"}).status_code == 422


def test_history_shares_the_status_lookups_rate_limit(make_client, make_person) -> None:
    limited = make_client(limits=LimitSettings(person_lookup="2/hour"))
    person = make_person(name="限流人")
    body = {"id_number": person.id_number, "name": "限流人"}
    assert limited.post("/api/v1/status", json=body).status_code == 200
    assert limited.post(URL, json=body).status_code == 200
    refused = limited.post(URL, json=body)
    assert refused.status_code == 429 and refused.json()["error"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
