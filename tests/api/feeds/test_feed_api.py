"""The feed API for data sources against a real database (SQLite and PostgreSQL): a batch sent twice changes
nothing the second time, batch-id conflicts, kinds and regions a source may not report, keys that no longer
work, bad rows reported per row, the size and rate limits, and the audit trail with the source as actor."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from api.audit import AuditEvent, verify_chain
from api.beneficiaries.models import Certification
from api.comparison import sources
from api.core.deps import agency_today
from api.core.settings import LimitSettings
from shared.idnumber import make_id_number
from tests.api.feeds.helpers import add_source, audit_count, snapshot

URL = "/api/v1/feeds/{kind}/batches"
TOWNSHIP = "110101001"


@pytest.fixture
def people(session, make_person):
    inside = make_person(name="王建国", region_code="110101001001")
    other_name = make_person(name="陈秀英", region_code="110101001002")
    outside = make_person(name="李大爷", region_code="110102001001")
    return inside, other_name, outside


@pytest.fixture
def key(session) -> str:
    return add_source(session, "weijian-dongcheng", ["sign_of_life", "death"], region_code=TOWNSHIP)


def _rows(people) -> list[dict[str, str]]:
    inside, other_name, outside = people
    today = agency_today().isoformat()
    stranger = make_id_number("110101", date(1940, 1, 1), 999)
    return [
        {"id_number": inside.id_number, "name": "王建国", "event_date": today, "source": "hospital"},
        {"id_number": other_name.id_number, "name": "陈秀芳", "event_date": today, "source": "hospital"},
        {"id_number": outside.id_number, "name": "李大爷", "event_date": today, "source": "hospital"},
        {"id_number": stranger, "name": "无名", "event_date": today, "source": "hospital"},
        {"id_number": inside.id_number, "name": "王建国", "event_date": "2026-13-01", "source": "hospital"},
        {"id_number": inside.id_number, "name": "王建国", "event_date": today, "source": "telepathy"},
    ]


def _certs(session, person_id: int) -> int:
    return session.execute(
        sa.select(sa.func.count()).select_from(Certification).where(Certification.beneficiary_id == person_id)
    ).scalar_one()


def test_batch_sent_twice_changes_nothing_the_second_time(client, session, engine, people, key):
    inside, other_name, outside = people
    body = {"batch_id": "2026-11-30.001", "rows": _rows(people)}
    first = client.post(URL.format(kind="sign_of_life"), json=body, headers={"X-Feed-Key": key})
    assert first.status_code == 201, first.text
    report = first.json()
    assert report["replayed"] is False and report["source"] == "weijian-dongcheng"
    assert (report["rows"], report["applied"], report["mismatched"], report["refused"]) == (6, 1, 1, 4)
    assert (report["applied_rows"], report["unchanged_rows"], report["mismatched_rows"]) == ([1], [], [2])
    assert [(r["row"], r["code"]) for r in report["refused_rows"]] == [
        (3, "out_of_region"),
        (4, "not_on_roll"),
        (5, "bad_date"),
        (6, "bad_detail"),
    ]
    session.expire_all()
    assert _certs(session, inside.id) == 1
    assert _certs(session, other_name.id) == 0 and _certs(session, outside.id) == 0

    before, events = snapshot(engine), audit_count(engine)
    again = client.post(
        URL.format(kind="sign_of_life"), json=body, headers={"Authorization": f"Bearer {key}"}
    )
    assert again.status_code == 200, again.text
    assert again.json() == {**report, "replayed": True}
    assert audit_count(engine) == events
    assert snapshot(engine) == before

    # The same rows under a new batch id: a new batch, but every row is already recorded.
    later = client.post(
        URL.format(kind="sign_of_life"),
        json={**body, "batch_id": "2026-11-30.002"},
        headers={"X-Feed-Key": key},
    )
    assert later.status_code == 201
    assert (later.json()["applied_rows"], later.json()["unchanged_rows"]) == ([], [1, 2])

    stored = client.get("/api/v1/feeds/batches/2026-11-30.001", headers={"X-Feed-Key": key})
    assert stored.status_code == 200 and stored.json() == report
    # Everything the batch did was recorded with the source as actor, and the chains verify.
    actors = {
        e.action: e.actor
        for e in session.execute(sa.select(AuditEvent).where(AuditEvent.action.like("feed.%"))).scalars()
    }
    assert actors["feed.batch"] == actors["feed.import"] == "feed_source:weijian-dongcheng"
    assert actors["feed.mismatch"] == "feed_source:weijian-dongcheng"
    assert verify_chain(session).ok


def test_same_batch_id_with_other_content_is_refused(client, session, engine, people, key):
    rows = _rows(people)
    headers = {"X-Feed-Key": key}
    assert (
        client.post(
            URL.format(kind="sign_of_life"), json={"batch_id": "b1", "rows": rows[:1]}, headers=headers
        ).status_code
        == 201
    )
    before, events = snapshot(engine), audit_count(engine)
    other = client.post(
        URL.format(kind="sign_of_life"), json={"batch_id": "b1", "rows": rows[:2]}, headers=headers
    )
    assert other.status_code == 409 and other.json()["error"] == "feed_batch_conflict"
    assert other.json()["params"] == {"batch_id": "b1"}
    same_id_other_kind = client.post(
        URL.format(kind="death"), json={"batch_id": "b1", "rows": rows[:1]}, headers=headers
    )
    assert same_id_other_kind.status_code == 409
    assert snapshot(engine) == before and audit_count(engine) == events


def test_kind_not_allowed_for_the_source(client, engine, people, key):
    before = snapshot(engine)
    r = client.post(
        URL.format(kind="detention"),
        json={
            "batch_id": "d1",
            "rows": [{"id_number": people[0].id_number, "name": "王建国", "start_date": "2026-11-01"}],
        },
        headers={"X-Feed-Key": key},
    )
    assert r.status_code == 403 and r.json()["error"] == "feed_kind_not_allowed"
    assert r.json()["params"] == {"kind": "detention"}
    assert snapshot(engine) == before


def test_unknown_rotated_and_revoked_keys_are_refused(client, session, engine, people, key):
    body = {"batch_id": "k1", "rows": _rows(people)[:1]}
    url = URL.format(kind="sign_of_life")
    for headers in ({}, {"X-Feed-Key": "lcf_not-a-key"}, {"Authorization": "Bearer nonsense"}):
        r = client.post(url, json=body, headers=headers)
        assert r.status_code == 401 and r.json()["error"] == "feed_key_invalid"
    new = sources.rotate_key(session, "weijian-dongcheng", actor="system:test").key
    session.commit()
    assert client.post(url, json=body, headers={"X-Feed-Key": key}).status_code == 401
    assert client.post(url, json=body, headers={"X-Feed-Key": new}).status_code == 201
    sources.revoke_key(session, "weijian-dongcheng", actor="system:test", reason="contract ended")
    session.commit()
    before = snapshot(engine)
    r = client.post(url, json={**body, "batch_id": "k2"}, headers={"X-Feed-Key": new})
    assert r.status_code == 401 and r.json()["error"] == "feed_key_invalid"
    assert client.get("/api/v1/feeds/batches/k1", headers={"X-Feed-Key": new}).status_code == 401
    assert snapshot(engine) == before
    stored = session.execute(sa.text("SELECT key_sha256, active FROM feed_sources")).one()
    assert stored == (None, False)
    assert new not in str(snapshot(engine))  # the key itself is stored nowhere


def test_csv_batch_reports_rows_by_spreadsheet_row(client, people, key):
    inside = people[0]
    csv_text = (
        "id_number,name,event_date,source\n"
        f"{inside.id_number},王建国,{agency_today().isoformat()},office_visit\n"
        f"{inside.id_number},,{agency_today().isoformat()},office_visit\n"
    )
    headers = {"X-Feed-Key": key, "Content-Type": "text/csv"}
    r = client.post(
        URL.format(kind="sign_of_life") + "?batch_id=csv-1", content=csv_text.encode(), headers=headers
    )
    assert r.status_code == 201, r.text
    assert (r.json()["applied"], r.json()["refused_rows"][0]["row"], r.json()["refused_rows"][0]["code"]) == (
        1,
        3,
        "name_missing",
    )
    no_id = client.post(URL.format(kind="sign_of_life"), content=csv_text.encode(), headers=headers)
    assert no_id.status_code == 422 and no_id.json()["error"] == "feed_batch_id_missing"
    bad = client.post(
        URL.format(kind="sign_of_life") + "?batch_id=csv-2", content=b"id_number,name\n1,2\n", headers=headers
    )
    assert bad.status_code == 422 and bad.json()["error"] == "feed_batch_unreadable"
    nul = client.post(
        URL.format(kind="sign_of_life") + "?batch_id=csv-3",
        content=csv_text.replace("王建国", "王\x00建国").encode(),
        headers=headers,
    )
    assert nul.status_code == 422 and nul.json()["error"] == "feed_batch_unreadable"
    assert client.get("/api/v1/feeds/batches/csv-2", headers={"X-Feed-Key": key}).status_code == 404


def test_another_sources_batch_is_not_found(client, session, people, key):
    other = add_source(session, "gongan-xicheng", ["death"], region_code="110102")
    assert (
        client.post(
            URL.format(kind="sign_of_life"),
            json={"batch_id": "mine", "rows": _rows(people)[:1]},
            headers={"X-Feed-Key": key},
        ).status_code
        == 201
    )
    r = client.get("/api/v1/feeds/batches/mine", headers={"X-Feed-Key": other})
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def test_oversized_batch_is_refused_with_413(make_client, engine, people, key):
    client = make_client(max_feed_batch_bytes=2000)
    before = snapshot(engine)
    rows = _rows(people)[:1] * 40
    r = client.post(
        URL.format(kind="sign_of_life"), json={"batch_id": "big", "rows": rows}, headers={"X-Feed-Key": key}
    )
    assert r.status_code == 413 and r.json()["error"] == "payload_too_large"
    assert snapshot(engine) == before


def test_batches_per_source_are_rate_limited(make_client, people, key):
    client = make_client(limits=LimitSettings(feed_batch="2/minute"))
    url = URL.format(kind="sign_of_life")
    answers = [
        client.post(url, json={"batch_id": f"r{i}", "rows": _rows(people)[:1]}, headers={"X-Feed-Key": key})
        for i in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[2].json()["error"] == "rate_limited" and "Retry-After" in answers[2].headers


def test_the_same_batch_sent_twice_at_once_is_imported_once(make_client, session, engine, people, key):
    import threading

    clients = [make_client(), make_client()]
    body = {"batch_id": "together", "rows": _rows(people)}
    barrier = threading.Barrier(2)
    answers: list[int] = []

    def send(client) -> None:
        barrier.wait()
        answers.append(
            client.post(URL.format(kind="sign_of_life"), json=body, headers={"X-Feed-Key": key}).status_code
        )

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(answers) == [200, 201]
    with engine.connect() as conn:
        runs = conn.execute(
            sa.text("SELECT count(*) FROM feed_runs WHERE file_name LIKE '%together'")
        ).scalar_one()
        batches = conn.execute(sa.text("SELECT count(*) FROM feed_batches")).scalar_one()
    assert (runs, batches) == (1, 1)
    assert _certs(session, people[0].id) == 1
