"""GET /api/v1/worklist on both databases: who is on it (region subtree, states, special groups from the
first day of the window), the order, the filters, the counts per village and what each entry carries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from api.beneficiaries.models import ReferenceFace
from shared.enums import PaymentState, StaffRole, SuspensionReason

URL = "/api/v1/worklist"


def listed(client, staff, **params) -> dict:
    resp = client.get(URL, headers=staff.headers, params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def ids(page: dict) -> list[int]:
    return [e["person_id"] for e in page["items"]]


def test_who_is_on_the_list_and_in_which_order(client, new_area, place, make_region_staff, births) -> None:
    area = new_area()
    village = area.villages[0]
    # Special groups show from the first day of their window; others only in the reminder period.
    aged = place(
        village,
        name="高龄甲",
        birth=births.window_just_opened(85),
        certified_on=births.in_window_before_opened(),
    )
    bedridden = place(
        village,
        name="卧床乙",
        birth=births.window_just_opened(70),
        certified_on=births.in_window_before_opened(),
        bedridden=True,
    )
    early = place(
        village,
        name="普通丙",
        birth=births.window_just_opened(70),
        certified_on=births.in_window_before_opened(),
    )
    closing = place(
        village,
        name="临期丁",
        birth=births.window_closing(70),
        certified_on=births.in_window_before_closing(),
    )
    overdue = place(village, name="逾期戊", birth=births.window_just_opened(70))
    suspended = place(
        village,
        name="暂停己",
        birth=births.window_just_opened(70),
        payment_state=PaymentState.SUSPENDED,
        suspended_since=f"{births.today:%Y-%m}",
    )
    certified = place(village, name="已认庚", birth=births.window_just_opened(85), certified_on=births.today)
    coordinator = make_region_staff(StaffRole.COORDINATOR, village)

    page = listed(client, coordinator)
    # Suspended, overdue, then fewest days left (the same deadline: by name, 卧 before 高).
    assert ids(page) == [suspended.id, overdue.id, closing.id, bedridden.id, aged.id]
    assert early.id not in ids(page) and certified.id not in ids(page)
    by_id = {e["person_id"]: e for e in page["items"]}
    assert [by_id[i]["state"] for i in ids(page)] == ["suspended", "overdue", "due", "due", "due"]
    assert by_id[closing.id]["days_left"] <= 30 < by_id[aged.id]["days_left"]
    assert by_id[aged.id]["special_groups"] == ["aged"] and by_id[aged.id]["age"] == 85
    assert by_id[bedridden.id]["special_groups"] == ["bedridden"]
    assert by_id[closing.id]["special_groups"] == []
    assert page["home_visit_age"] == 80 and page["total"] == 5


def test_entries_carry_full_identity_regions_reference_and_visit(
    client, session, new_area, place, make_region_staff, births
) -> None:
    area = new_area()
    person = place(area.villages[1], name="刘桂芝", birth=births.window_just_opened(82), lives_alone=True)
    coordinator = make_region_staff(StaffRole.COORDINATOR, area.township)
    entry = listed(client, coordinator)["items"][0]
    assert (entry["id_number"], entry["name"]) == (person.id_number, "刘桂芝")
    assert [r["code"] for r in entry["regions"]] == ["11", "1101", "110101", area.township, area.villages[1]]
    assert entry["regions"][-1]["level"] == "village" and entry["regions"][-1]["name"].startswith("第2社区")
    assert entry["special_groups"] == ["aged", "lives_alone"]
    assert (entry["reference_face"], entry["reference_outdated"], entry["visit"]) == (False, False, None)

    old = datetime.now(UTC) - timedelta(days=6 * 365)
    session.add(
        ReferenceFace(
            beneficiary_id=person.id, source="id_photo", template=[0.1, 0.2], active=True, created_at=old
        )
    )
    session.commit()
    entry = listed(client, coordinator)["items"][0]
    assert (entry["reference_face"], entry["reference_outdated"]) == (True, True)
    session.add(
        ReferenceFace(beneficiary_id=person.id, source="onsite_enrolment", template=[0.3], active=True)
    )
    session.commit()
    entry = listed(client, coordinator)["items"][0]
    assert (entry["reference_face"], entry["reference_outdated"]) == (True, False)

    asked = client.post(
        "/api/v1/visit-requests",
        json={"id_number": person.id_number, "name": "刘桂芝", "phone": "13800000001", "reason": "elderly"},
    )
    assert asked.status_code == 201, asked.text
    entry = listed(client, coordinator)["items"][0]
    assert entry["visit"]["state"] == "requested" and entry["visit"]["reason"] == "elderly"


def test_region_subtree_scope(client, new_area, place, make_region_staff, births) -> None:
    area, other = new_area(), new_area()
    here = place(area.villages[0], name="本村", birth=births.window_just_opened(70))
    next_door = place(area.villages[1], name="邻村", birth=births.window_just_opened(70))
    elsewhere = place(other.villages[0], name="外乡", birth=births.window_just_opened(70))
    mine = {here.id, next_door.id, elsewhere.id}

    village_staff = make_region_staff(StaffRole.COORDINATOR, area.villages[0])
    township_staff = make_region_staff(StaffRole.COORDINATOR, area.township)
    county_reviewer = make_region_staff(StaffRole.REVIEWER, "110101")
    national_admin = make_region_staff(StaffRole.ADMIN, None)
    assert set(ids(listed(client, village_staff))) == {here.id}
    assert set(ids(listed(client, township_staff))) == {here.id, next_door.id}
    assert mine <= set(ids(listed(client, county_reviewer, limit=500)))
    assert mine <= set(ids(listed(client, national_admin, limit=500)))
    unit_admin = make_region_staff(StaffRole.UNIT_ADMIN, None)
    assert client.get(URL, headers=unit_admin.headers).status_code == 403
    assert client.get(URL).status_code == 401


def test_filters_and_counts_per_village(client, new_area, place, make_region_staff, births) -> None:
    area = new_area()
    first, second = area.villages
    aged = place(
        first, name="甲", birth=births.window_just_opened(81), certified_on=births.in_window_before_opened()
    )
    overdue = place(first, name="乙", birth=births.window_just_opened(60))
    disabled_overdue = place(second, name="丙", birth=births.window_just_opened(60), severely_disabled=True)
    staff = make_region_staff(StaffRole.ADMIN, area.township)

    page = listed(client, staff)
    assert {(v["region_code"], v["count"]) for v in page["villages"]} == {(first, 2), (second, 1)}
    assert set(ids(listed(client, staff, village=first))) == {aged.id, overdue.id}
    assert listed(client, staff, village=first)["villages"] == page["villages"]  # counts ignore `village`
    assert set(ids(listed(client, staff, state="overdue"))) == {overdue.id, disabled_overdue.id}
    special = listed(client, staff, special_only="true")
    assert set(ids(special)) == {aged.id, disabled_overdue.id}
    assert {(v["region_code"], v["count"]) for v in special["villages"]} == {(first, 1), (second, 1)}
    assert ids(listed(client, staff, visit_requested="true")) == []
    client.post(
        "/api/v1/visit-requests",
        json={
            "id_number": overdue.id_number,
            "name": "乙",
            "phone": "13800000002",
            "reason": "no_smartphone",
        },
    )
    assert ids(listed(client, staff, visit_requested="true")) == [overdue.id]
    two = listed(client, staff, limit=1, offset=1)
    assert two["total"] == 3 and len(two["items"]) == 1 and two["items"][0]["person_id"] == ids(page)[1]
    for bad in ({"state": "sleepy"}, {"village": "abc"}, {"limit": 0}):
        resp = client.get(URL, headers=staff.headers, params=bad)
        assert resp.status_code == 422 and resp.json()["error"] == "validation_error"


def test_detention_stopped_overseas_and_deceased_people_are_not_listed(
    client, session, new_area, place, make_region_staff, births
) -> None:
    from api.beneficiaries.models import Entitlement

    area = new_area()
    village = area.villages[0]
    detained = place(
        village,
        name="羁押",
        birth=births.window_just_opened(70),
        payment_state=PaymentState.SUSPENDED,
        suspended_since=f"{births.today:%Y-%m}",
    )
    session.execute(
        sa.update(Entitlement)
        .where(Entitlement.beneficiary_id == detained.id)
        .values(suspension_reason=SuspensionReason.DETENTION)
    )
    stopped = place(
        village, name="停发", birth=births.window_just_opened(85), payment_state=PaymentState.STOPPED
    )
    abroad = place(
        village,
        name="Abroad",
        birth=births.window_just_opened(85),
        residence_kind="overseas",
        country="US",
        time_zone="America/New_York",
    )
    deceased = place(village, name="已故", birth=births.window_just_opened(85))
    deceased.deceased_on = births.today - timedelta(days=3)
    session.commit()
    staff = make_region_staff(StaffRole.COORDINATOR, village)
    assert ids(listed(client, staff)) == []
    assert {detained.id, stopped.id, abroad.id, deceased.id}.isdisjoint(ids(listed(client, staff)))
