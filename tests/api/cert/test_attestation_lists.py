"""``GET /api/v1/attestations?awaiting=me`` and ``?opened_by=me`` over HTTP on SQLite and PostgreSQL: each
level of the chain sees an attestation exactly when its signature is the next one (village, then township,
then county), never outside its region, never a second time after signing another level; the opener sees
their attestations while they collect."""

from __future__ import annotations

import io

from PIL import Image

from shared.cycle import agency_today
from shared.enums import StaffRole

VILLAGE, SIBLING_VILLAGE, TOWNSHIP, OTHER_TOWNSHIP, COUNTY = (
    "110101001001",
    "110101001002",
    "110101001",
    "110101002",
    "110101",
)


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 60)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _ids(client, headers, **params) -> list[int]:
    resp = client.get("/api/v1/attestations", headers=headers, params=params)
    assert resp.status_code == 200, resp.text
    return [a["attestation_id"] for a in resp.json()]


def _open(client, headers, person, name: str) -> int:
    resp = client.post(
        "/api/v1/attestations",
        headers=headers,
        json={
            "id_number": person.id_number,
            "name": name,
            "reason": "cannot leave bed",
            "witness_name": "邻居王",
        },
    )
    assert resp.status_code == 201, resp.text
    return resp.json()["attestation_id"]


def test_each_level_sees_the_attestation_when_its_signature_is_next(client, make_person, make_staff):
    opener = make_staff(StaffRole.COORDINATOR, region_code=VILLAGE)
    sibling = make_staff(StaffRole.COORDINATOR, region_code=SIBLING_VILLAGE)
    township = make_staff(StaffRole.REVIEWER, region_code=TOWNSHIP)
    other_township = make_staff(StaffRole.COORDINATOR, region_code=OTHER_TOWNSHIP)
    county = make_staff(StaffRole.COORDINATOR, region_code=COUNTY)
    national = make_staff(StaffRole.ADMIN)
    person = make_person(name="列表测", region_code=VILLAGE)
    att = _open(client, opener, person, "列表测")
    base = f"/api/v1/attestations/{att}"

    def waiting() -> dict[str, bool]:
        return {
            who: att in _ids(client, headers, awaiting="me")
            for who, headers in {
                "opener": opener,
                "sibling": sibling,
                "township": township,
                "other_township": other_township,
                "county": county,
                "national": national,
            }.items()
        }

    nobody_else = {"sibling": False, "other_township": False, "national": False}
    assert waiting() == {"opener": True, "township": False, "county": False, **nobody_else}
    assert att in _ids(client, opener, opened_by="me")
    assert att not in _ids(client, sibling, opened_by="me")

    assert client.post(f"{base}/signoffs", headers=opener, json={}).status_code == 200
    assert waiting() == {"opener": False, "township": True, "county": False, **nobody_else}
    assert client.post(f"{base}/signoffs", headers=township, json={}).status_code == 200
    assert waiting() == {"opener": False, "township": False, "county": True, **nobody_else}

    listed = client.get("/api/v1/attestations", headers=county, params={"awaiting": "me"}).json()
    shown = next(a for a in listed if a["attestation_id"] == att)
    assert shown["next_signoff"] == "county" and [s["level"] for s in shown["signoffs"]] == [
        "village",
        "township",
    ]
    assert shown["holder_name"] == "列*测" and shown["witness_name"] == "邻居王" and shown["opened_at"]

    assert client.post(f"{base}/signoffs", headers=county, json={}).status_code == 200
    evidence = client.post(
        f"{base}/evidence",
        headers=opener,
        data={"taken_on": agency_today().isoformat()},
        files=[("files", ("p.jpg", jpeg(), "image/jpeg"))],
    )
    assert evidence.status_code == 200 and evidence.json()["status"] == "in_review", evidence.text
    assert not any(waiting().values())
    assert att not in _ids(client, opener, opened_by="me")  # in review now: no longer collecting


def test_an_account_that_signed_one_level_is_not_asked_for_the_next(client, session, make_person, make_staff):
    from api.auth.models import StaffUser

    opener = make_staff(StaffRole.COORDINATOR, region_code=VILLAGE)
    mover, mover_id = make_staff(StaffRole.COORDINATOR, with_id=True, region_code=VILLAGE)
    person = make_person(name="换岗测", region_code=VILLAGE)
    att = _open(client, opener, person, "换岗测")
    assert client.post(f"/api/v1/attestations/{att}/signoffs", headers=mover, json={}).status_code == 200
    session.get(StaffUser, mover_id).region_code = TOWNSHIP  # moved up to the township
    session.commit()
    assert att not in _ids(client, mover, awaiting="me")  # signing again would be 403 same_staff
    assert att in _ids(client, make_staff(StaffRole.COORDINATOR, region_code=TOWNSHIP), awaiting="me")


def test_the_list_needs_exactly_one_filter_and_a_field_role(client, make_staff):
    coordinator = make_staff(StaffRole.COORDINATOR, region_code=VILLAGE)
    for params in ({}, {"awaiting": "me", "opened_by": "me"}):
        resp = client.get("/api/v1/attestations", headers=coordinator, params=params)
        assert resp.status_code == 422 and resp.json()["error"] == "list_filter", resp.text
    bad = client.get("/api/v1/attestations", headers=coordinator, params={"awaiting": "someone"})
    assert bad.status_code == 422 and bad.json()["error"] == "validation_error"
    unit = client.get(
        "/api/v1/attestations", headers=make_staff(StaffRole.UNIT_ADMIN), params={"awaiting": "me"}
    )
    assert unit.status_code == 403 and unit.json()["error"] == "forbidden"
    assert client.get("/api/v1/attestations", params={"awaiting": "me"}).status_code == 401
