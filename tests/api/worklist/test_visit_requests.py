"""Home-visit requests on both databases: asked for by the person (public, status-lookup rules), a family
helper or staff; scheduled with a notice; closed as done or could-not-reach; one transition function;
an audit event per change; the state in the status lookup (fast path and route alike)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from api.audit import AuditEvent, verify_chain
from api.beneficiaries.models import Certification
from api.core.errors import ApiError
from api.core.settings import LimitSettings
from api.notify.models import OutboxMessage
from api.worklist import visits
from api.worklist.models import OPEN_STATES, VisitRequest
from shared.enums import CertificationMethod, CertificationResult, StaffRole, VisitState

PUBLIC = "/api/v1/visit-requests"
STAFF = "/api/v1/visits"


def ask(client, person, name, **extra):
    body = {
        "id_number": person.id_number,
        "name": name,
        "phone": "13800000009",
        "reason": "bedridden",
        **extra,
    }
    headers = extra.pop("headers", None)
    body.pop("headers", None)
    return client.post(PUBLIC, json=body, headers=headers)


def events(session, request_id: int) -> list[str]:
    return list(
        session.execute(
            sa.select(AuditEvent.action)
            .where(AuditEvent.entity_type == "visit_request", AuditEvent.entity_id == str(request_id))
            .order_by(AuditEvent.seq)
        ).scalars()
    )


def open_request(session, person_id: int) -> VisitRequest:
    session.expire_all()
    return (
        session.execute(sa.select(VisitRequest).where(VisitRequest.beneficiary_id == person_id))
        .scalars()
        .all()[-1]
    )


def test_a_citizen_asks_once_and_gets_the_open_request_again(
    client, session, new_area, place, births
) -> None:
    person = place(new_area().villages[0], name="钱玉兰", birth=births.window_just_opened(84))
    first = ask(client, person, "钱 玉兰", note="腿脚不便")
    assert first.status_code == 201, first.text
    assert first.json()["created"] is True and first.json()["state"] == "requested"
    assert first.json()["requested_on"] == births.today.isoformat()
    again = ask(client, person, "钱玉兰", reason="other")
    assert again.status_code == 200 and again.json()["created"] is False
    rows = (
        session.execute(sa.select(VisitRequest).where(VisitRequest.beneficiary_id == person.id))
        .scalars()
        .all()
    )
    assert len(rows) == 1 and rows[0].reason.value == "bedridden" and rows[0].contact_phone == "13800000009"
    assert rows[0].requested_by == "self" and events(session, rows[0].id) == ["visit_request.create"]
    assert person.id_number not in first.text and "钱玉兰" not in first.text


def test_unknown_id_and_wrong_name_get_the_same_404(client, new_area, place, births) -> None:
    person = place(new_area().villages[0], name="孙大娘", birth=births.window_just_opened(80))
    from shared.idnumber import make_id_number

    wrong_name = ask(client, person, "孙小娘")
    unknown = client.post(
        PUBLIC,
        json={
            "id_number": make_id_number("110101", births.window_just_opened(80), 995),
            "name": "孙大娘",
            "phone": "13800000009",
            "reason": "elderly",
        },
    )
    assert wrong_name.status_code == unknown.status_code == 404
    assert wrong_name.json() == unknown.json() and wrong_name.json()["error"] == "not_found"
    bad = client.post(
        PUBLIC, json={"id_number": "123", "name": "x", "phone": "13800000009", "reason": "elderly"}
    )
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_id_number"
    odd = ask(client, person, "孙大娘", reason="bored")
    assert odd.status_code == 422 and odd.json()["error"] == "validation_error"


def test_idempotency_key_returns_the_same_request_and_is_not_reused(
    client, session, new_area, place, births
) -> None:
    area = new_area()
    one = place(area.villages[0], name="甲", birth=births.window_just_opened(81))
    two = place(area.villages[0], name="乙", birth=births.window_just_opened(81))
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = ask(client, one, "甲", headers=key)
    again = ask(client, one, "甲", headers=key)  # a retry: the first answer again, nothing new
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    reused = ask(client, two, "乙", headers=key)
    assert reused.status_code == 422 and reused.json()["error"] == "idempotency_key_reused"
    short = ask(client, two, "乙", headers={"Idempotency-Key": "abc"})
    assert short.status_code == 400 and short.json()["error"] == "invalid_idempotency_key"
    assert (
        session.execute(
            sa.select(sa.func.count()).select_from(VisitRequest).where(VisitRequest.beneficiary_id == one.id)
        ).scalar_one()
        == 1
    )


def test_public_requests_are_rate_limited_like_the_status_lookup(
    make_client, new_area, place, births
) -> None:
    limited = make_client(limits=LimitSettings(person_lookup="2/hour"))
    person = place(new_area().villages[0], name="限流", birth=births.window_just_opened(81))
    answers = [ask(limited, person, "错名").status_code for _ in range(3)]
    assert answers[:2] == [404, 404] and answers[2] == 429
    last = ask(limited, person, "限流")
    assert (
        last.status_code == 429 and last.json()["error"] == "rate_limited" and "retry-after" in last.headers
    )


def test_a_family_helper_asks_for_a_bound_relative_only(
    client, session, new_area, place, births, make_helper
) -> None:
    from api.auth.models import HelperAccount, HelperBinding
    from api.auth.tokens import decode

    relative = place(new_area().villages[0], name="老父亲", birth=births.window_just_opened(88))
    stranger = place(new_area().villages[0], name="陌生人", birth=births.window_just_opened(88))
    headers = make_helper()
    helper_id = decode(
        headers["Authorization"].split()[1], key=client.app.state.settings.secret_key, now=datetime.now(UTC)
    ).account_id
    assert session.get(HelperAccount, helper_id) is not None
    binding = HelperBinding(helper_id=helper_id, beneficiary_id=relative.id, relationship_label="father")
    session.add(binding)
    session.commit()
    url = f"/api/v1/family/relatives/{binding.id}/visit-requests"
    body = {"phone": "13900000000", "reason": "bedridden"}
    made = client.post(url, json=body, headers=headers)
    assert made.status_code == 201, made.text
    assert open_request(session, relative.id).requested_by == f"helper:{helper_id}"
    other = HelperBinding(helper_id=helper_id, beneficiary_id=stranger.id, relationship_label="x")
    session.add(other)
    session.commit()
    session.delete(other)
    session.commit()
    assert (
        client.post(
            f"/api/v1/family/relatives/{other.id}/visit-requests", json=body, headers=headers
        ).status_code
        == 404
    )
    assert client.post(url, json=body).status_code == 401


def test_staff_open_requests_only_in_their_region(
    client, session, new_area, place, make_region_staff, births
) -> None:
    area, other = new_area(), new_area()
    mine = place(area.villages[0], name="本村人", birth=births.window_just_opened(75))
    theirs = place(other.villages[0], name="外村人", birth=births.window_just_opened(75))
    coordinator = make_region_staff(StaffRole.COORDINATOR, area.villages[0])
    body = {"name": "本村人", "id_number": mine.id_number, "reason": "disabled"}
    made = client.post(STAFF, json=body, headers=coordinator.headers)
    assert made.status_code == 201, made.text
    assert (
        made.json()["requested_by"] == f"staff:{coordinator.id}"
        and made.json()["id_number"] == mine.id_number
    )
    assert client.post(STAFF, json=body, headers=coordinator.headers).status_code == 200
    outside = client.post(
        STAFF, json={**body, "name": "外村人", "id_number": theirs.id_number}, headers=coordinator.headers
    )
    assert outside.status_code == 404 and outside.json()["error"] == "not_found"
    request_id = made.json()["request_id"]
    reviewer = make_region_staff(StaffRole.REVIEWER, area.township)
    assert client.get(f"{STAFF}/{request_id}", headers=reviewer.headers).status_code == 200
    far = make_region_staff(StaffRole.COORDINATOR, other.township)
    assert client.get(f"{STAFF}/{request_id}", headers=far.headers).status_code == 404
    assert (
        client.post(
            f"{STAFF}/{request_id}/could-not-reach", json={"reason": "not home"}, headers=reviewer.headers
        ).status_code
        == 403
    )


def _pair(settings):
    from tests.api.test_status import _pair as pair

    return pair(settings)


def test_scheduling_notifies_and_the_status_lookup_shows_the_visit(
    client, session, settings, new_area, place, make_region_staff, births
) -> None:
    area = new_area()
    person = place(area.villages[0], name="马德胜", birth=births.window_just_opened(86), bedridden=True)
    coordinator = make_region_staff(StaffRole.COORDINATOR, area.township, name="王协办")
    worker = make_region_staff(StaffRole.COORDINATOR, area.villages[0], name="李走访")
    stranger = make_region_staff(StaffRole.COORDINATOR, area.villages[1], name="别村人")
    assert ask(client, person, "马德胜").status_code == 201
    request_id = open_request(session, person.id).id
    url = f"{STAFF}/{request_id}/schedule"
    day = births.today + timedelta(days=3)

    past = client.post(
        url,
        json={"scheduled_on": (births.today - timedelta(days=1)).isoformat(), "worker_id": worker.id},
        headers=coordinator.headers,
    )
    assert past.status_code == 422 and past.json()["error"] == "past_date"
    wrong = client.post(
        url, json={"scheduled_on": day.isoformat(), "worker_id": stranger.id}, headers=coordinator.headers
    )
    assert wrong.status_code == 422 and wrong.json()["error"] == "invalid_worker"
    done = client.post(
        url, json={"scheduled_on": day.isoformat(), "worker_id": worker.id}, headers=coordinator.headers
    )
    assert done.status_code == 200, done.text
    assert (done.json()["state"], done.json()["worker_name"]) == ("scheduled", "李走访")

    notice = session.execute(
        sa.select(OutboxMessage).where(
            OutboxMessage.beneficiary_id == person.id, OutboxMessage.template == "visit_scheduled"
        )
    ).scalar_one()
    assert "李走访" in notice.body and f"{day.year}年{day.month}月{day.day}日" in notice.body  # zh-Hans dates
    assert notice.recipient == "13800000009"

    fast, slow = _pair(settings)
    answers = [
        c.post(
            "/api/v1/status",
            content=json.dumps({"id_number": person.id_number, "name": "马德胜"}),
            headers={"content-type": "application/json"},
        )
        for c in (fast, slow)
    ]
    assert answers[0].json() == answers[1].json()
    visit = answers[0].json()["visit"]
    assert visit == {
        "state": "scheduled",
        "requested_on": births.today.isoformat(),
        "scheduled_on": day.isoformat(),
        "worker_name": "李走访",
        "closed_on": None,
    }
    # Moving the visit sends a new notice; the same schedule twice does not.
    later = (day + timedelta(days=1)).isoformat()
    assert (
        client.post(
            url, json={"scheduled_on": later, "worker_id": worker.id}, headers=coordinator.headers
        ).status_code
        == 200
    )
    assert (
        client.post(
            url, json={"scheduled_on": later, "worker_id": worker.id}, headers=coordinator.headers
        ).status_code
        == 200
    )
    assert (
        session.execute(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.beneficiary_id == person.id)
        ).scalar_one()
        == 2
    )
    assert events(session, request_id) == [
        "visit_request.create",
        "visit_request.scheduled",
        "visit_request.reschedule",
        "visit_request.reschedule",
    ]
    assert verify_chain(session).ok


def test_closing_a_visit_done_or_could_not_reach(
    client, session, new_area, place, make_region_staff, births
) -> None:
    area = new_area()
    person = place(area.villages[0], name="黄秀兰", birth=births.window_just_opened(83))
    other = place(area.villages[0], name="赵不来", birth=births.window_just_opened(83))
    coordinator = make_region_staff(StaffRole.COORDINATOR, area.villages[0])
    h = coordinator.headers
    ask(client, person, "黄秀兰")
    ask(client, other, "赵不来")
    rid, oid = open_request(session, person.id).id, open_request(session, other.id).id

    early = client.post(f"{STAFF}/{rid}/done", json={}, headers=h)
    assert early.status_code == 409 and early.json()["error"] == "invalid_transition"
    schedule = {"scheduled_on": births.today.isoformat(), "worker_id": coordinator.id}
    assert client.post(f"{STAFF}/{rid}/schedule", json=schedule, headers=h).status_code == 200
    none_yet = client.post(f"{STAFF}/{rid}/done", json={}, headers=h)
    assert none_yet.status_code == 409 and none_yet.json()["error"] == "no_certification"
    # The on-site face check certified the person (recorded as the recording path does).
    cert = Certification(
        beneficiary_id=person.id,
        window_start=births.today.replace(day=1),
        window_end=births.today,
        method=CertificationMethod.STAFF_ONSITE,
        operator_kind="staff",
        operator_id=coordinator.id,
        result=CertificationResult.PASSED,
        evidence=[],
        certified_at=datetime.now(UTC),
        local_date=births.today,
    )
    foreign = Certification(
        beneficiary_id=other.id,
        window_start=births.today.replace(day=1),
        window_end=births.today,
        method=CertificationMethod.SELF_FACE,
        operator_kind="self",
        result=CertificationResult.PASSED,
        evidence=[],
        certified_at=datetime.now(UTC),
        local_date=births.today,
    )
    session.add_all([cert, foreign])
    session.commit()
    wrong = client.post(f"{STAFF}/{rid}/done", json={"certification_id": foreign.id}, headers=h)
    assert wrong.status_code == 422 and wrong.json()["error"] == "invalid_certification"
    closed = client.post(f"{STAFF}/{rid}/done", json={}, headers=h)
    assert closed.status_code == 200 and closed.json()["state"] == "done"
    assert closed.json()["certification_id"] == cert.id and closed.json()["closed_at"] is not None
    again = client.post(f"{STAFF}/{rid}/could-not-reach", json={"reason": "gone"}, headers=h)
    assert again.status_code == 409 and again.json()["error"] == "invalid_transition"

    gone = client.post(f"{STAFF}/{oid}/could-not-reach", json={"reason": "无人应答，电话停机"}, headers=h)
    assert gone.status_code == 200 and gone.json()["outcome_note"] == "无人应答，电话停机"
    status = client.post("/api/v1/status", json={"id_number": other.id_number, "name": "赵不来"}).json()
    assert (
        status["visit"]["state"] == "could_not_reach"
        and status["visit"]["closed_on"] == births.today.isoformat()
    )
    # Closed: the person may ask again, and gets a new request.
    assert ask(client, other, "赵不来").status_code == 201
    assert events(session, oid) == ["visit_request.create", "visit_request.could_not_reach"]


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        (
            old,
            new,
            (old, new)
            in {
                (VisitState.REQUESTED, VisitState.SCHEDULED),
                (VisitState.SCHEDULED, VisitState.SCHEDULED),
                (VisitState.SCHEDULED, VisitState.DONE),
                (VisitState.REQUESTED, VisitState.COULD_NOT_REACH),
                (VisitState.SCHEDULED, VisitState.COULD_NOT_REACH),
            },
        )
        for old in VisitState
        for new in VisitState
    ],
)
def test_transition_allows_exactly_the_drawn_moves(
    session, new_area, place, births, old, new, allowed
) -> None:
    person = place(new_area().villages[0], name="状态", birth=births.window_just_opened(70))
    now = datetime.now(UTC)
    request = VisitRequest(
        beneficiary_id=person.id,
        open_for=person.id if old in OPEN_STATES else None,
        state=old,
        reason="other",
        requested_by_kind="self",
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    if allowed:
        visits.transition(session, request, new, actor="system:test", now=now)
        assert request.state is new and (request.open_for is None) == (
            new in (VisitState.DONE, VisitState.COULD_NOT_REACH)
        )
    else:
        with pytest.raises(ApiError) as refused:
            visits.transition(session, request, new, actor="system:test", now=now)
        assert (refused.value.status_code, refused.value.code) == (409, "invalid_transition")
        assert request.state is old
    session.rollback()


def test_simultaneous_requests_for_one_person_make_one_request(
    client, session, new_area, place, births
) -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    person = place(new_area().villages[0], name="同时", birth=births.window_just_opened(85))
    threads = 6
    barrier = threading.Barrier(threads)

    def one(_: int):
        barrier.wait()
        return ask(client, person, "同时")

    with ThreadPoolExecutor(threads) as pool:
        answers = list(pool.map(one, range(threads)))
    assert sorted(a.status_code for a in answers) == [200] * (threads - 1) + [201], [a.text for a in answers]
    assert (
        session.execute(
            sa.select(sa.func.count())
            .select_from(VisitRequest)
            .where(VisitRequest.beneficiary_id == person.id)
        ).scalar_one()
        == 1
    )
    assert verify_chain(session).ok
