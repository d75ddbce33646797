"""Route × role × region: every staff route of the app, called by staff of another region, answers exactly
as it does for something that does not exist (the same status and body: no existence leak) or leaves the
person out of its list; called by staff of the person's county (a parent region of their village) it gets
through.

The table below is checked against the app's routes: a route that depends on the staff sign-in
(``current_staff``) and is missing from the table fails ``test_every_staff_route_is_in_the_table``, and a
table route that does not take the region scope (``staff_scope``) fails ``test_scoped_routes_take_the_scope``.
"""

from __future__ import annotations

import io
import itertools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.routing import APIRoute
from PIL import Image

from api.auth.deps import current_staff, staff_scope
from shared.cycle import agency_today
from shared.enums import StaffRole

VILLAGE = "110101001001"  # where every case's person lives
COUNTY = "110101"  # staff here (a parent region of the village) get through
OTHER_COUNTY = "110102"  # staff here are outsiders; nobody in this module lives there
UNKNOWN_ID = "999999999"

_seq = itertools.count(1)


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 90, 60)).save(buffer, format="JPEG")
    return buffer.getvalue()


@dataclass(frozen=True)
class Req:
    method: str
    path: str
    json: Any = None
    data: dict[str, str] | None = None
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None
    params: dict[str, str] | None = None


@dataclass(frozen=True)
class Probe:
    """What one case built: the request about the in-region thing, and how to judge the answers."""

    real: Req
    unknown: Req | None = None  # the same request about something that does not exist (item routes)
    unknown_status: int = 404
    seen: Callable[[Any], bool] | None = None  # list routes: does this answer show the thing?
    insider: frozenset[int] = frozenset({200})
    echo: tuple[str, str] | None = None  # (real key, unknown key) when the answer repeats the input
    context: dict[str, Any] = field(default_factory=dict)  # what prepare_staff needs


@dataclass
class Env:
    client: Any
    session: Any
    make_person: Any
    make_staff: Any
    admin: dict[str, str] = field(default_factory=dict)  # a national admin, to build cases over HTTP

    def person(self, name: str = "区域测"):
        return self.make_person(name=name, region_code=VILLAGE)

    def unknown_person(self) -> str:
        from shared.idnumber import make_id_number

        return make_id_number("110101", date(1911, 1, 1), next(_seq) % 1000)

    def manual_review(self) -> tuple[str, int, Any]:
        """A review item (one photo) about a new person in the village: (review id, evidence id, person)."""
        import sqlalchemy as sa

        from api.evidence.models import EvidenceFile
        from api.review.models import ReviewItem

        person = self.person("审核测")
        resp = self.client.post(
            "/api/v1/manual-review",
            data={"id_number": person.id_number, "name": person.name},
            files=[("files", ("me.jpg", jpeg(), "image/jpeg"))],
        )
        assert resp.status_code == 201, resp.text
        review_id = resp.json()["review_id"]
        self.session.expire_all()
        evidence_id = self.session.execute(
            sa.select(EvidenceFile.id)
            .join(ReviewItem, ReviewItem.id == EvidenceFile.review_item_id)
            .where(ReviewItem.public_id == review_id)
        ).scalar_one()
        return review_id, evidence_id, person

    def attestation(self) -> int:
        person = self.person("证明测")
        resp = self.client.post(
            "/api/v1/attestations",
            headers=self.admin,
            json={"id_number": person.id_number, "name": person.name, "reason": "cannot leave bed"},
        )
        assert resp.status_code == 201, resp.text
        return resp.json()["attestation_id"]

    def add(self, *rows) -> None:
        self.session.add_all(rows)
        self.session.flush()

    def certification(self, person):
        from api.beneficiaries.models import Certification
        from shared.enums import CertificationMethod, CertificationResult

        cert = Certification(
            beneficiary_id=person.id,
            window_start=date(2026, 1, 1),
            window_end=date(2026, 12, 31),
            method=CertificationMethod.SELF_FACE,
            operator_kind="self",
            result=CertificationResult.PASSED,
            evidence=[],
            certified_at=datetime(2026, 3, 3, 2, tzinfo=UTC),
            local_date=date(2026, 3, 3),
        )
        self.add(cert)
        return cert

    def institution(self):
        from api.institutions.models import Institution, InstitutionMember

        inst = Institution(name=f"单位{uuid.uuid4().hex[:8]}")
        self.add(inst)
        person = self.person("单位测")
        self.add(InstitutionMember(beneficiary_id=person.id, institution_id=inst.id))
        return inst, person


@dataclass(frozen=True)
class Case:
    build: Callable[[Env], Probe]
    outsider_region: str = OTHER_COUNTY
    insider_region: str = COUNTY
    # Called for each staff account the case makes (e.g. link a unit administrator to the unit).
    prepare_staff: Callable[[Env, Probe, int], None] | None = None


# --- the cases -------------------------------------------------------------------------------------------


def _staff_list(env: Env) -> Probe:
    _, staff_id = env.make_staff(StaffRole.COORDINATOR, with_id=True, region_code=VILLAGE)
    return Probe(Req("GET", "/api/v1/staff"), seen=lambda body: staff_id in [s["staff_id"] for s in body])


def _staff_create(env: Env) -> Probe:
    from tests.api.factories import ensure_regions

    ensure_regions(env.session, VILLAGE)  # the new account's region exists; the unknown one does not
    env.session.commit()
    body = {
        "username": f"scoped_{uuid.uuid4().hex[:8]}",
        "name": "新协管员",
        "role": "coordinator",
        "password": "long enough password",
    }
    return Probe(
        Req("POST", "/api/v1/staff", json={**body, "region_code": VILLAGE}),
        Req("POST", "/api/v1/staff", json={**body, "region_code": "110101001999"}),
        unknown_status=422,
        insider=frozenset({201}),
        echo=(VILLAGE, "110101001999"),
    )


def _onsite_challenge(env: Env) -> Probe:
    person = env.person()
    body = {"name": person.name, "id_card_last4": person.id_number[-4:]}
    return Probe(
        Req("POST", "/api/v1/onsite/challenges", json={**body, "id_number": person.id_number}),
        Req("POST", "/api/v1/onsite/challenges", json={**body, "id_number": env.unknown_person()}),
        insider=frozenset({201}),
    )


def _onsite_reference(env: Env) -> Probe:
    person = env.person()

    def req(number: str) -> Req:
        return Req(
            "POST",
            "/api/v1/onsite/references",
            data={
                "id_number": number,
                "name": person.name,
                "id_card_last4": person.id_number[-4:],
            },
            files=[("photo", ("face.jpg", jpeg(), "image/jpeg"))],
        )

    # The insider gets past the lookup to the face engine, which finds the tiny picture unusable (422).
    return Probe(req(person.id_number), req(env.unknown_person()), insider=frozenset({422}))


def _confirm_reference(env: Env) -> Probe:
    """A reference face another staff member added for a person of the village, waiting for a second one."""
    from api.beneficiaries.models import ReferenceFace
    from shared.enums import ReferenceSource

    person = env.person()
    _, adder = env.make_staff(StaffRole.COORDINATOR, with_id=True)
    ref = ReferenceFace(
        beneficiary_id=person.id,
        source=ReferenceSource.ONSITE_ENROLMENT,
        template=[0.0] * 128,
        model_name="dlib",
        detector="dlib",
        active=False,
        added_by_staff_id=adder,
        id_checked_by_staff_id=adder,
        awaiting_confirmation=True,
    )
    env.session.add(ref)
    env.session.commit()
    return Probe(
        Req("POST", f"/api/v1/onsite/references/{ref.id}/confirm"),
        Req("POST", f"/api/v1/onsite/references/{UNKNOWN_ID}/confirm"),
        insider=frozenset({200, 409}),  # confirmed, or already confirmed by an earlier insider
    )


def _deactivate_staff(env: Env) -> Probe:
    """An account of the village: an admin of its county may deactivate it, one of another county may not."""
    _, staff_id = env.make_staff(StaffRole.COORDINATOR, with_id=True, region_code=VILLAGE)
    return Probe(
        Req("POST", f"/api/v1/staff/{staff_id}/deactivate"),
        Req("POST", f"/api/v1/staff/{UNKNOWN_ID}/deactivate"),
        insider=frozenset({204, 403}),  # deactivated (admins), or not an admin's job (other roles)
    )


def _open_attestation(env: Env) -> Probe:
    person = env.person()
    body = {"name": person.name, "reason": "cannot leave bed"}
    return Probe(
        Req("POST", "/api/v1/attestations", json={**body, "id_number": person.id_number}),
        Req("POST", "/api/v1/attestations", json={**body, "id_number": env.unknown_person()}),
        insider=frozenset({201}),
    )


def _get_attestation(env: Env) -> Probe:
    att = env.attestation()
    return Probe(Req("GET", f"/api/v1/attestations/{att}"), Req("GET", f"/api/v1/attestations/{UNKNOWN_ID}"))


def _attestation_evidence(env: Env) -> Probe:
    att = env.attestation()

    def req(att_id: object) -> Req:
        return Req(
            "POST",
            f"/api/v1/attestations/{att_id}/evidence",
            data={"taken_on": agency_today().isoformat()},
            files=[("files", ("p.jpg", jpeg(), "image/jpeg"))],
        )

    return Probe(req(att), req(UNKNOWN_ID))


def _attestation_list(env: Env) -> Probe:
    att = env.attestation()
    return Probe(
        Req("GET", "/api/v1/attestations", params={"awaiting": "me"}),
        seen=lambda body: att in [a["attestation_id"] for a in body],
    )


def _attestation_signoff(env: Env) -> Probe:
    att = env.attestation()
    return Probe(
        Req("POST", f"/api/v1/attestations/{att}/signoffs", json={}),
        Req("POST", f"/api/v1/attestations/{UNKNOWN_ID}/signoffs", json={}),
    )


def _review_list(env: Env) -> Probe:
    review_id, _, _ = env.manual_review()
    return Probe(
        Req("GET", "/api/v1/review/items", params={"limit": "200"}),
        seen=lambda body: review_id in [i["review_id"] for i in body["items"]],
    )


def _review_item(env: Env) -> Probe:
    review_id, _, _ = env.manual_review()
    return Probe(
        Req("GET", f"/api/v1/review/items/{review_id}"), Req("GET", "/api/v1/review/items/no-such-item")
    )


def _review_evidence(env: Env) -> Probe:
    review_id, evidence_id, _ = env.manual_review()
    return Probe(
        Req("GET", f"/api/v1/review/items/{review_id}/evidence/{evidence_id}"),
        Req("GET", f"/api/v1/review/items/no-such-item/evidence/{evidence_id}"),
    )


def _review_decision(env: Env) -> Probe:
    review_id, _, _ = env.manual_review()
    body = {"approve": False, "reason": "the photo does not show the person"}
    return Probe(
        Req("POST", f"/api/v1/review/items/{review_id}/decision", json=body),
        Req("POST", "/api/v1/review/items/no-such-item/decision", json=body),
    )


def _stats(env: Env) -> Probe:
    env.person("统计测")
    env.session.commit()
    return Probe(
        Req("GET", "/api/v1/backoffice/stats", params={"as_of": "2026-11-22"}),
        seen=lambda body: COUNTY in [r["region_code"] for r in body["by_region"]],
    )


def _stats_csv(env: Env) -> Probe:
    env.person("统计测")
    env.session.commit()
    return Probe(
        Req("GET", "/api/v1/backoffice/stats/export.csv", params={"as_of": "2026-11-22"}),
        seen=lambda text: f"\nregion,{COUNTY}," in text,
    )


def _cycle_run(env: Env) -> Probe:
    env.person("周期测")
    env.session.commit()
    return Probe(
        Req("POST", "/api/v1/backoffice/cycle/run", json={"month": "2027-01"}),
        seen=lambda body: body["checked"] > 0,
    )


def _mismatch(env: Env) -> int:
    from api.comparison.models import FeedKind, FeedMismatch, FeedRun

    person = env.person("林黛玉")
    run = FeedRun(kind=FeedKind.DETENTION, file_name="d.csv", actor="system:test")
    env.add(run)
    row = {
        "row_number": 2,
        "id_number": person.id_number,
        "name": "林代玉",
        "event_date": "2026-10-01",
        "detail": "detention",
        "heir_name": None,
        "heir_phone": None,
    }
    item = FeedMismatch(
        feed_run_id=run.id,
        kind=FeedKind.DETENTION,
        row_number=2,
        beneficiary_id=person.id,
        feed_name="林代玉",
        row=row,
    )
    env.add(item)
    env.session.commit()
    return item.id


def _mismatch_list(env: Env) -> Probe:
    item_id = _mismatch(env)
    return Probe(
        Req("GET", "/api/v1/backoffice/feed-mismatches", params={"limit": "500"}),
        seen=lambda body: item_id in [i["id"] for i in body],
    )


def _mismatch_decision(env: Env) -> Probe:
    item_id = _mismatch(env)
    body = {"apply": False, "reason": "not the same person"}
    return Probe(
        Req("POST", f"/api/v1/backoffice/feed-mismatches/{item_id}/decision", json=body),
        Req("POST", f"/api/v1/backoffice/feed-mismatches/{UNKNOWN_ID}/decision", json=body),
    )


def _audit(env: Env) -> Probe:
    _, _, person = env.manual_review()  # review.open is recorded about the person's review item
    return Probe(
        Req("GET", "/api/v1/backoffice/audit", params={"id_number": person.id_number, "verify": "false"}),
        seen=lambda body: len(body["events"]) > 0,
    )


def _audit_unfiltered(env: Env) -> Probe:
    import sqlalchemy as sa

    from api.review.models import ReviewItem

    review_id, _, _ = env.manual_review()
    item_id = env.session.execute(
        sa.select(ReviewItem.id).where(ReviewItem.public_id == review_id)
    ).scalar_one()

    def seen(body) -> bool:
        return any(e["action"] == "review.open" and e["entity_id"] == str(item_id) for e in body["events"])

    return Probe(
        Req("GET", "/api/v1/backoffice/audit", params={"action": "review.open", "verify": "false"}), seen=seen
    )


def _spot_draw(env: Env) -> Probe:
    from tests.api.factories import TREE, ensure_regions

    for code in TREE:
        if code.startswith(COUNTY):
            ensure_regions(env.session, code)
    env.session.commit()
    half = f"{2030 + next(_seq) % 60}-H1"
    return Probe(
        Req("POST", "/api/v1/backoffice/spot-checks", json={"half_year": half, "region_code": COUNTY}),
        Req("POST", "/api/v1/backoffice/spot-checks", json={"half_year": half, "region_code": "110109"}),
        insider=frozenset({201}),
        echo=(COUNTY, "110109"),
    )


def _spot_check(env: Env, person) -> tuple[int, int]:
    from api.spotchecks.models import SpotCheck, SpotCheckItem

    cert = env.certification(person)
    check = SpotCheck(
        half_year=f"{2100 + next(_seq)}-H1",
        region_code="110101001",
        seed="0" * 64,
        townships=2,
        villages_per_township=2,
        per_village=5,
        created_by="system:test",
    )
    env.add(check)
    item = SpotCheckItem(
        spot_check_id=check.id, certification_id=cert.id, beneficiary_id=person.id, village_code=VILLAGE
    )
    env.add(item)
    env.session.commit()
    return check.id, item.id


def _spot_show(env: Env) -> Probe:
    check_id, _ = _spot_check(env, env.person("抽查测"))
    return Probe(
        Req("GET", f"/api/v1/backoffice/spot-checks/{check_id}"),
        Req("GET", f"/api/v1/backoffice/spot-checks/{UNKNOWN_ID}"),
    )


def _spot_outcome(env: Env) -> Probe:
    check_id, item_id = _spot_check(env, env.person("抽查测"))
    body = {"outcome": "confirmed", "note": None}
    return Probe(
        Req("POST", f"/api/v1/backoffice/spot-checks/{check_id}/items/{item_id}/outcome", json=body),
        Req("POST", f"/api/v1/backoffice/spot-checks/{check_id}/items/{UNKNOWN_ID}/outcome", json=body),
    )


def _disclosure(env: Env) -> Probe:
    env.person("公示测")
    env.session.commit()
    return Probe(
        Req("GET", f"/api/v1/backoffice/disclosure/{VILLAGE}/2026-H2.csv"),
        Req("GET", "/api/v1/backoffice/disclosure/110101001999/2026-H2.csv"),
        echo=(VILLAGE, "110101001999"),
    )


def _link_unit_admin(env: Env, probe: Probe, staff_id: int) -> None:
    from api.institutions.models import InstitutionAdmin

    env.add(InstitutionAdmin(staff_id=staff_id, institution_id=probe.context["institution"]))
    env.session.commit()


def _retirees(env: Env) -> Probe:
    inst, person = env.institution()
    env.session.commit()
    return Probe(
        Req("GET", "/api/v1/backoffice/institutions/mine/retirees"),
        seen=lambda body: person.id in [r["beneficiary_id"] for r in body],
        context={"institution": inst.id},
    )


def _submit_batch(env: Env) -> Probe:
    inst, person = env.institution()
    env.session.commit()
    statement = "all alive, checked on site today"
    return Probe(
        Req(
            "POST",
            "/api/v1/backoffice/institutions/mine/batches",
            json={"beneficiary_ids": [person.id], "statement": statement},
        ),
        Req(
            "POST",
            "/api/v1/backoffice/institutions/mine/batches",
            json={"beneficiary_ids": [int(UNKNOWN_ID)], "statement": statement},
        ),
        unknown_status=422,
        insider=frozenset({201}),
        context={"institution": inst.id},
    )


def _batch(env: Env) -> int:
    from api.institutions.models import BatchAttestation

    inst, person = env.institution()
    unit_admin = env.make_staff(StaffRole.UNIT_ADMIN, with_id=True)[1]
    batch = BatchAttestation(
        institution_id=inst.id,
        beneficiary_ids=[person.id],
        statement="all alive, checked on site today",
        submitted_by=unit_admin,
    )
    env.add(batch)
    env.session.commit()
    return batch.id


def _batch_list(env: Env) -> Probe:
    batch_id = _batch(env)
    return Probe(
        Req("GET", "/api/v1/backoffice/institutions/batches"),
        seen=lambda body: batch_id in [b["id"] for b in body],
    )


def _batch_decision(env: Env) -> Probe:
    batch_id = _batch(env)
    body = {"approve": False, "reason": "the statement is not signed"}
    return Probe(
        Req("POST", f"/api/v1/backoffice/institutions/batches/{batch_id}/decision", json=body),
        Req("POST", f"/api/v1/backoffice/institutions/batches/{UNKNOWN_ID}/decision", json=body),
    )


def _detention_release(env: Env) -> Probe:
    person = env.person("羁押测")
    body = {"released_on": "2026-11-01", "reason": "release record seen"}
    return Probe(
        Req(
            "POST",
            f"/api/v1/backoffice/entitlements/{person.entitlements[0].id}/detention-release",
            json=body,
        ),
        Req("POST", f"/api/v1/backoffice/entitlements/{UNKNOWN_ID}/detention-release", json=body),
        insider=frozenset({409}),  # past the lookup: this entitlement is not held for a detention
    )


def _record_change(env: Env) -> tuple[int, Any]:
    """A pending name change about a new person of the village, proposed by the national admin."""
    person = env.person("变更测")
    body = {"person_id": person.id, "field": "name", "value": "变更后", "reason": "ID card seen"}
    resp = env.client.post(f"{BACKOFFICE}/record-changes", headers=env.admin, json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"], person


def _record_change_propose(env: Env) -> Probe:
    person = env.person("提议测")
    body = {"field": "name", "value": "新名字", "reason": "ID card seen"}
    return Probe(
        Req("POST", f"{BACKOFFICE}/record-changes", json={**body, "person_id": person.id}),
        Req("POST", f"{BACKOFFICE}/record-changes", json={**body, "person_id": int(UNKNOWN_ID)}),
        insider=frozenset({201}),
    )


def _record_change_list(env: Env) -> Probe:
    change_id, _ = _record_change(env)
    return Probe(
        Req("GET", f"{BACKOFFICE}/record-changes", params={"limit": "500"}),
        seen=lambda body: change_id in [c["id"] for c in body],
    )


def _record_change_show(env: Env) -> Probe:
    change_id, _ = _record_change(env)
    return Probe(
        Req("GET", f"{BACKOFFICE}/record-changes/{change_id}"),
        Req("GET", f"{BACKOFFICE}/record-changes/{UNKNOWN_ID}"),
    )


def _record_change_decision(verb: str, body: dict[str, str]) -> Callable[[Env], Probe]:
    def build(env: Env) -> Probe:
        change_id, _ = _record_change(env)
        return Probe(
            Req("POST", f"{BACKOFFICE}/record-changes/{change_id}/{verb}", json=body),
            Req("POST", f"{BACKOFFICE}/record-changes/{UNKNOWN_ID}/{verb}", json=body),
        )

    return build


def _person_record(env: Env) -> Probe:
    person = env.person("记录测")
    return Probe(
        Req("GET", f"{BACKOFFICE}/people/{person.id}/record"),
        Req("GET", f"{BACKOFFICE}/people/{UNKNOWN_ID}/record"),
    )


def _worklist(env: Env) -> Probe:
    person = env.person("名单测")  # never certified: overdue, so on the list
    env.session.commit()
    return Probe(
        Req("GET", "/api/v1/worklist", params={"limit": "500"}),
        seen=lambda body: person.id in [e["person_id"] for e in body["items"]],
    )


def _open_visit(env: Env) -> Probe:
    person = env.person("上门测")
    body = {"name": person.name, "reason": "bedridden"}
    return Probe(
        Req("POST", "/api/v1/visits", json={**body, "id_number": person.id_number}),
        Req("POST", "/api/v1/visits", json={**body, "id_number": env.unknown_person()}),
        insider=frozenset({201}),
    )


def _visit(env: Env, *, scheduled: bool = False) -> int:
    person = env.person("上门测")
    resp = env.client.post(
        "/api/v1/visits",
        headers=env.admin,
        json={"id_number": person.id_number, "name": person.name, "reason": "bedridden"},
    )
    assert resp.status_code == 201, resp.text
    request_id = resp.json()["request_id"]
    if scheduled:
        _, worker = env.make_staff(StaffRole.COORDINATOR, with_id=True)
        done = env.client.post(
            f"/api/v1/visits/{request_id}/schedule",
            headers=env.admin,
            json={"scheduled_on": agency_today().isoformat(), "worker_id": worker},
        )
        assert done.status_code == 200, done.text
    return request_id


def _get_visit(env: Env) -> Probe:
    request_id = _visit(env)
    return Probe(Req("GET", f"/api/v1/visits/{request_id}"), Req("GET", f"/api/v1/visits/{UNKNOWN_ID}"))


def _schedule_visit(env: Env) -> Probe:
    request_id = _visit(env)
    _, worker = env.make_staff(StaffRole.COORDINATOR, with_id=True)  # national: covers everyone
    body = {"scheduled_on": agency_today().isoformat(), "worker_id": worker}
    return Probe(
        Req("POST", f"/api/v1/visits/{request_id}/schedule", json=body),
        Req("POST", f"/api/v1/visits/{UNKNOWN_ID}/schedule", json=body),
    )


def _visit_done(env: Env) -> Probe:
    request_id = _visit(env, scheduled=True)
    # Past the lookup: the person has no certification since the request yet (409 no_certification).
    return Probe(
        Req("POST", f"/api/v1/visits/{request_id}/done", json={}),
        Req("POST", f"/api/v1/visits/{UNKNOWN_ID}/done", json={}),
        insider=frozenset({409}),
    )


def _visit_unreached(env: Env) -> Probe:
    request_id = _visit(env)
    body = {"reason": "nobody at home twice"}
    return Probe(
        Req("POST", f"/api/v1/visits/{request_id}/could-not-reach", json=body),
        Req("POST", f"/api/v1/visits/{UNKNOWN_ID}/could-not-reach", json=body),
    )


def _visit_record(env: Env) -> Probe:
    request_id = _visit(env, scheduled=True)

    def req(visit_id: object) -> Req:
        return Req(
            "POST",
            f"/api/v1/visits/{visit_id}/record",
            data={
                "reason": "bedridden_no_camera",
                "notes": "seen in bed, talked",
                "visited_on": agency_today().isoformat(),
            },
            files=[("photos", ("v.jpg", jpeg(), "image/jpeg"))],
        )

    return Probe(req(request_id), req(UNKNOWN_ID), insider=frozenset({201}))


def _recovery_case(env: Env, state: str = "notified") -> int:
    from tests.api.backoffice.recovery_cases import make_case

    return make_case(env.session, env.make_person, region_code=VILLAGE, name="追缴测", state=state)


def _recovery_list(env: Env) -> Probe:
    case_id = _recovery_case(env)
    return Probe(Req("GET", RECOVERY), seen=lambda body: case_id in [c["id"] for c in body])


def _recovery_show(env: Env) -> Probe:
    case_id = _recovery_case(env)
    return Probe(Req("GET", f"{RECOVERY}/{case_id}"), Req("GET", f"{RECOVERY}/{UNKNOWN_ID}"))


def _recovery_step(env: Env) -> Probe:
    case_id = _recovery_case(env)
    body = {"to": "refused", "note": "the heir refuses to repay"}
    return Probe(
        Req("POST", f"{RECOVERY}/{case_id}/steps", json=body),
        Req("POST", f"{RECOVERY}/{UNKNOWN_ID}/steps", json=body),
    )


def _recovery_repayment(env: Env) -> Probe:
    case_id = _recovery_case(env)
    body = {"amount_cents": 10_000, "kind": "instalment"}
    return Probe(
        Req("POST", f"{RECOVERY}/{case_id}/repayments", json=body),
        Req("POST", f"{RECOVERY}/{UNKNOWN_ID}/repayments", json=body),
        insider=frozenset({201}),
    )


def _credit_list(env: Env) -> Probe:
    case_id = _recovery_case(env, state="refused")
    resp = env.client.post(
        f"{RECOVERY}/{case_id}/steps", headers=env.admin, json={"to": "credit_listed", "note": "refused"}
    )
    assert resp.status_code == 200, resp.text
    return Probe(Req("GET", f"{RECOVERY}/credit-list.csv"), seen=lambda text: f"\n{case_id}," in text)


RECOVERY = "/api/v1/backoffice/recovery-cases"


def _payroll_month(env: Env) -> tuple[Any, int]:
    """A person of the village suspended by the run of 2026-11 (never certified): (person, the detail's
    reference in that month's payroll file)."""
    import sqlalchemy as sa

    from api.audit import AuditEvent
    from api.core.region_paths import RegionPaths
    from api.cycle_jobs.service import run_month
    from shared.months import YearMonth
    from shared.policy import PolicyTable

    person = env.person("代发测")
    env.session.commit()
    run_month(env.session, YearMonth(2026, 11), policy=PolicyTable(), region_paths=RegionPaths(), actor="t")
    env.session.commit()
    ref = env.session.execute(
        sa.select(AuditEvent.seq).where(
            AuditEvent.action == "entitlement.suspend",
            AuditEvent.entity_id == str(person.entitlements[0].id),
        )
    ).scalar_one()
    return person, ref


def _return_line(ref: int, id_number: str) -> bytes:
    return b"R" + str(ref).zfill(20).encode() + id_number.encode() + b"FACCTCLSD"


def _payroll_export(env: Env) -> Probe:
    person, _ = _payroll_month(env)
    return Probe(
        Req("GET", "/api/v1/backoffice/payroll/2026-11.csv"), seen=lambda body: person.id_number in body
    )


def _payroll_return(env: Env) -> Probe:
    person, ref = _payroll_month(env)

    def req(line: bytes) -> Req:
        return Req(
            "POST",
            "/api/v1/backoffice/payroll/2026-11/return",
            files=[("file", ("r.txt", line, "text/plain"))],
        )

    return Probe(
        req(_return_line(ref, person.id_number)),
        req(_return_line(ref + 10_000_000, person.id_number)),
        unknown_status=422,
    )


def _payment_failure(env: Env) -> int:
    from api.payroll.models import PaymentFailure
    from shared.months import YearMonth

    person, ref = _payroll_month(env)
    case = PaymentFailure(
        ref=ref,
        month=YearMonth(2026, 11),
        entitlement_id=person.entitlements[0].id,
        action="SUSP",
        amount_cents=0,
        reason_code="ACCTCLSD",
        file_sha256="0" * 64,
    )
    env.session.add(case)
    env.session.commit()
    return case.id


def _payment_failures(env: Env) -> Probe:
    case = _payment_failure(env)
    return Probe(
        Req("GET", "/api/v1/backoffice/payroll/failures"), seen=lambda body: case in [f["id"] for f in body]
    )


def _resolve_failure(env: Env) -> Probe:
    case = _payment_failure(env)
    body = {"reason": "account reopened"}
    return Probe(
        Req("POST", f"/api/v1/backoffice/payroll/failures/{case}/resolve", json=body),
        Req("POST", f"/api/v1/backoffice/payroll/failures/{UNKNOWN_ID}/resolve", json=body),
    )


def _tipoff_case(env: Env, person=None) -> int:
    """A public tip-off about a person of the village: the case's id."""
    import sqlalchemy as sa

    from api.cases.models import Case as CaseRow

    person = person or env.person("举报测")
    resp = env.client.post(
        "/api/v1/tipoffs",
        json={
            "subject_name": person.name,
            "subject_id_number": person.id_number,
            "description": "邻居说这位老人已经去世了。",
        },
    )
    assert resp.status_code == 201, resp.text
    return env.session.execute(
        sa.select(CaseRow.id).where(CaseRow.reference == resp.json()["reference"])
    ).scalar_one()


def _case_list(env: Env) -> Probe:
    case_id = _tipoff_case(env)
    return Probe(
        Req("GET", f"{BACKOFFICE}/cases", params={"limit": "500"}),
        seen=lambda body: case_id in [c["id"] for c in body],
    )


def _case_show(env: Env) -> Probe:
    case_id = _tipoff_case(env)
    return Probe(Req("GET", f"{BACKOFFICE}/cases/{case_id}"), Req("GET", f"{BACKOFFICE}/cases/{UNKNOWN_ID}"))


def _phone_tipoff(env: Env) -> Probe:
    env.person("电话测")  # the village exists
    body = {"subject_name": "电话测", "description": "电话里说这位老人已经去世了。"}
    return Probe(
        Req("POST", f"{BACKOFFICE}/cases", json={**body, "region_code": VILLAGE}),
        Req("POST", f"{BACKOFFICE}/cases", json={**body, "region_code": "110109001001"}),
        insider=frozenset({201}),
        echo=(VILLAGE, "110109001001"),
    )


def _case_action(action: str, body: Any) -> Callable[[Env], Probe]:
    def build(env: Env) -> Probe:
        case_id = _tipoff_case(env)
        return Probe(
            Req("POST", f"{BACKOFFICE}/cases/{case_id}/{action}", json=body),
            Req("POST", f"{BACKOFFICE}/cases/{UNKNOWN_ID}/{action}", json=body),
        )

    return build


def _case_person(env: Env) -> Probe:
    person = env.person("关联测")
    return _case_action("person", {"id_number": person.id_number})(env)


def _case_visit(env: Env) -> Probe:
    import sqlalchemy as sa

    from api.beneficiaries.models import Beneficiary
    from api.worklist.models import VisitRecord

    request_id = _visit(env, scheduled=True)
    recorded = env.client.post(
        f"/api/v1/visits/{request_id}/record",
        headers=env.admin,
        data={
            "reason": "bedridden_no_camera",
            "notes": "seen in bed",
            "visited_on": agency_today().isoformat(),
        },
        files=[("photos", ("v.jpg", jpeg(), "image/jpeg"))],
    )
    assert recorded.status_code == 201, recorded.text
    record = env.session.execute(
        sa.select(VisitRecord).where(VisitRecord.visit_request_id == request_id)
    ).scalar_one()
    case_id = _tipoff_case(env, env.session.get(Beneficiary, record.beneficiary_id))
    body = {"visit_record_id": record.id}
    return Probe(
        Req("POST", f"{BACKOFFICE}/cases/{case_id}/visits", json=body),
        Req("POST", f"{BACKOFFICE}/cases/{UNKNOWN_ID}/visits", json=body),
    )


def _case_evidence(env: Env) -> Probe:
    case_id = _tipoff_case(env)

    def req(which: object) -> Req:
        return Req(
            "POST", f"{BACKOFFICE}/cases/{which}/evidence", files=[("files", ("e.jpg", jpeg(), "image/jpeg"))]
        )

    return Probe(req(case_id), req(UNKNOWN_ID))


# Monthly death reports: a month long past (every deadline gone), a different one per case.
def _death_month(back: int) -> str:
    from shared.months import YearMonth

    return str(YearMonth.of(agency_today()).plus(-back))


def _village_tree(env: Env) -> None:
    from tests.api.factories import ensure_regions

    ensure_regions(env.session, VILLAGE)
    env.session.commit()


def _death_report_submit(env: Env) -> Probe:
    _village_tree(env)
    body = {"month": _death_month(3), "none_this_month": True}
    return Probe(
        Req("POST", f"{BACKOFFICE}/death-reports", json={**body, "village_code": VILLAGE}),
        Req("POST", f"{BACKOFFICE}/death-reports", json={**body, "village_code": "110101001999"}),
        insider=frozenset({201}),
    )


def _death_report_units(env: Env) -> Probe:
    _village_tree(env)
    return Probe(
        Req("GET", f"{BACKOFFICE}/death-reports", params={"month": _death_month(4)}),
        seen=lambda body: f"village:{VILLAGE}" in [u["unit"] for u in body["units"]],
    )


def _death_report_show(env: Env) -> Probe:
    _village_tree(env)
    body = {"month": _death_month(5), "none_this_month": True, "village_code": VILLAGE}
    resp = env.client.post(f"{BACKOFFICE}/death-reports", headers=env.admin, json=body)
    assert resp.status_code == 201, resp.text
    return Probe(
        Req("GET", f"{BACKOFFICE}/death-reports/{resp.json()['id']}"),
        Req("GET", f"{BACKOFFICE}/death-reports/{UNKNOWN_ID}"),
    )


def _death_report_consolidate(env: Env) -> Probe:
    _village_tree(env)
    body = {"month": _death_month(6), "accept_missing": True}
    url = f"{BACKOFFICE}/death-reports/consolidations"
    return Probe(
        Req("POST", url, json={**body, "region_code": "110101001"}),
        Req("POST", url, json={**body, "region_code": "110101999"}),
        insider=frozenset({201}),
    )


def _death_report_remind(env: Env) -> Probe:
    _village_tree(env)
    return Probe(
        Req("POST", f"{BACKOFFICE}/death-reports/reminders", json={"month": _death_month(7)}),
        seen=lambda body: f"village:{VILLAGE}" in [r["unit"] for r in body],
    )


BACKOFFICE = "/api/v1/backoffice"
CASES: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/staff"): Case(_staff_list),
    ("POST", "/api/v1/staff"): Case(_staff_create),
    ("POST", "/api/v1/onsite/challenges"): Case(_onsite_challenge),
    ("POST", "/api/v1/onsite/references"): Case(_onsite_reference),
    ("POST", "/api/v1/onsite/references/{reference_id}/confirm"): Case(_confirm_reference),
    ("POST", "/api/v1/staff/{staff_id}/deactivate"): Case(_deactivate_staff),
    ("GET", "/api/v1/worklist"): Case(_worklist),
    ("POST", "/api/v1/visits"): Case(_open_visit),
    ("GET", "/api/v1/visits/{request_id}"): Case(_get_visit),
    ("POST", "/api/v1/visits/{request_id}/schedule"): Case(_schedule_visit),
    ("POST", "/api/v1/visits/{request_id}/done"): Case(_visit_done),
    ("POST", "/api/v1/visits/{request_id}/could-not-reach"): Case(_visit_unreached),
    ("POST", "/api/v1/visits/{request_id}/record"): Case(_visit_record),
    ("POST", "/api/v1/attestations"): Case(_open_attestation),
    # Waiting for the village's signature: the insider is the village's own account; the outsider a
    # village account of another county (the same level, so only the scope keeps it out).
    ("GET", "/api/v1/attestations"): Case(
        _attestation_list, insider_region=VILLAGE, outsider_region="110102001001"
    ),
    ("GET", "/api/v1/attestations/{attestation_id}"): Case(_get_attestation),
    ("POST", "/api/v1/attestations/{attestation_id}/evidence"): Case(_attestation_evidence),
    # A sign-off needs an account at the next level (the village): the insider is the village's own.
    ("POST", "/api/v1/attestations/{attestation_id}/signoffs"): Case(
        _attestation_signoff, insider_region=VILLAGE
    ),
    ("GET", "/api/v1/review/items"): Case(_review_list),
    ("GET", "/api/v1/review/items/{review_id}"): Case(_review_item),
    ("GET", "/api/v1/review/items/{review_id}/evidence/{evidence_id}"): Case(_review_evidence),
    ("POST", "/api/v1/review/items/{review_id}/decision"): Case(_review_decision),
    ("GET", f"{BACKOFFICE}/stats"): Case(_stats),
    ("GET", f"{BACKOFFICE}/stats/export.csv"): Case(_stats_csv),
    ("POST", f"{BACKOFFICE}/cycle/run"): Case(_cycle_run),
    ("GET", f"{BACKOFFICE}/feed-mismatches"): Case(_mismatch_list),
    ("POST", f"{BACKOFFICE}/feed-mismatches/{{item_id}}/decision"): Case(_mismatch_decision),
    ("GET", f"{BACKOFFICE}/audit"): Case(_audit),
    ("POST", f"{BACKOFFICE}/spot-checks"): Case(_spot_draw),
    ("GET", f"{BACKOFFICE}/spot-checks/{{check_id}}"): Case(_spot_show),
    ("POST", f"{BACKOFFICE}/spot-checks/{{check_id}}/items/{{item_id}}/outcome"): Case(_spot_outcome),
    ("GET", f"{BACKOFFICE}/disclosure/{{village_code}}/{{half_year}}.{{fmt}}"): Case(_disclosure),
    ("GET", f"{BACKOFFICE}/institutions/mine/retirees"): Case(_retirees, prepare_staff=_link_unit_admin),
    ("POST", f"{BACKOFFICE}/institutions/mine/batches"): Case(_submit_batch, prepare_staff=_link_unit_admin),
    ("GET", f"{BACKOFFICE}/institutions/batches"): Case(_batch_list),
    ("POST", f"{BACKOFFICE}/institutions/batches/{{batch_id}}/decision"): Case(_batch_decision),
    ("POST", f"{BACKOFFICE}/entitlements/{{entitlement_id}}/detention-release"): Case(_detention_release),
    ("GET", RECOVERY): Case(_recovery_list),
    ("GET", f"{RECOVERY}/credit-list.csv"): Case(_credit_list),
    ("GET", f"{RECOVERY}/{{case_id}}"): Case(_recovery_show),
    ("POST", f"{RECOVERY}/{{case_id}}/steps"): Case(_recovery_step),
    ("POST", f"{RECOVERY}/{{case_id}}/repayments"): Case(_recovery_repayment),
    ("GET", f"{BACKOFFICE}/payroll/{{month}}.{{fmt}}"): Case(_payroll_export),
    ("POST", f"{BACKOFFICE}/payroll/{{month}}/return"): Case(_payroll_return),
    ("GET", f"{BACKOFFICE}/payroll/failures"): Case(_payment_failures),
    ("POST", f"{BACKOFFICE}/payroll/failures/{{failure_id}}/resolve"): Case(_resolve_failure),
    ("GET", f"{BACKOFFICE}/cases"): Case(_case_list),
    ("POST", f"{BACKOFFICE}/cases"): Case(_phone_tipoff),
    ("GET", f"{BACKOFFICE}/cases/{{case_id}}"): Case(_case_show),
    ("POST", f"{BACKOFFICE}/cases/{{case_id}}/assign"): Case(_case_action("assign", {})),
    ("POST", f"{BACKOFFICE}/cases/{{case_id}}/notes"): Case(_case_action("notes", {"text": "上门核查"})),
    ("POST", f"{BACKOFFICE}/cases/{{case_id}}/close"): Case(
        _case_action("close", {"outcome": "unfounded", "note": "查无实据"})
    ),
    ("POST", f"{BACKOFFICE}/cases/{{case_id}}/person"): Case(_case_person),
    ("POST", f"{BACKOFFICE}/cases/{{case_id}}/visits"): Case(_case_visit),
    ("POST", f"{BACKOFFICE}/cases/{{case_id}}/evidence"): Case(_case_evidence),
    ("POST", f"{BACKOFFICE}/record-changes"): Case(_record_change_propose),
    ("GET", f"{BACKOFFICE}/record-changes"): Case(_record_change_list),
    ("GET", f"{BACKOFFICE}/record-changes/{{change_id}}"): Case(_record_change_show),
    ("POST", f"{BACKOFFICE}/record-changes/{{change_id}}/approve"): Case(
        _record_change_decision("approve", {"note": "checked"})
    ),
    ("POST", f"{BACKOFFICE}/record-changes/{{change_id}}/reject"): Case(
        _record_change_decision("reject", {"reason": "not shown"})
    ),
    ("GET", f"{BACKOFFICE}/people/{{person_id}}/record"): Case(_person_record),
    ("POST", f"{BACKOFFICE}/death-reports"): Case(_death_report_submit),
    ("GET", f"{BACKOFFICE}/death-reports"): Case(_death_report_units),
    ("GET", f"{BACKOFFICE}/death-reports/{{report_id}}"): Case(_death_report_show),
    ("POST", f"{BACKOFFICE}/death-reports/consolidations"): Case(_death_report_consolidate),
    ("POST", f"{BACKOFFICE}/death-reports/reminders"): Case(_death_report_remind),
}
# Staff routes that are about no person, with the reason.
EXEMPT = {
    ("GET", "/api/v1/staff/me"): "the caller's own account",
    # what a receipt's QR code says is public (the /r/<token> page shows anyone the same masked facts)
    ("POST", "/api/v1/receipts/scan"): "a receipt check: the same masked facts the public check page shows",
}
# Staff routes whose service applies the scope from the staff account (api/worklist/scope.py staff_scope)
# instead of taking the StaffScope dependency; the behavioural test below covers them like the others.
SCOPED_IN_SERVICE = {
    ("GET", "/api/v1/worklist"),
    ("GET", "/api/v1/visits/{request_id}"),
    ("POST", "/api/v1/visits/{request_id}/schedule"),
    ("POST", "/api/v1/visits/{request_id}/done"),
    ("POST", "/api/v1/visits/{request_id}/could-not-reach"),
    ("POST", "/api/v1/visits/{request_id}/record"),
}
EXTRA = {"audit, unfiltered": ("GET", f"{BACKOFFICE}/audit", Case(_audit_unfiltered))}


# --- the route table against the app -------------------------------------------------------------------


def _calls(route: APIRoute) -> set[Any]:
    stack, calls = [route.dependant], set()
    while stack:
        current = stack.pop()
        calls.add(current.call)
        stack.extend(current.dependencies)
    return calls


def _allowed_roles(route: APIRoute) -> frozenset[StaffRole]:
    for call in _calls(route):
        allowed = getattr(call, "allowed_roles", None)
        if allowed is not None:
            return frozenset(allowed)
    return frozenset(StaffRole)


def _api_routes(routes) -> list[APIRoute]:
    """Every APIRoute of the app, also inside included routers (FastAPI ≥ 0.165 keeps an included router
    as one entry holding ``original_router``; older versions copied its routes into ``app.routes``)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif (inner := getattr(route, "original_router", None)) is not None:
            found += _api_routes(inner.routes)
    return found


def _staff_routes() -> dict[tuple[str, str], APIRoute]:
    from api.main import create_app

    return {
        (method, route.path): route
        for route in _api_routes(create_app().routes)
        if current_staff in _calls(route)
        for method in route.methods
    }


STAFF_ROUTES = _staff_routes()


def test_every_staff_route_is_in_the_table() -> None:
    missing = sorted(set(STAFF_ROUTES) - set(CASES) - set(EXEMPT))
    assert not missing, f"staff routes without a region-scope case in this table: {missing}"
    stale = sorted((set(CASES) | set(EXEMPT)) - set(STAFF_ROUTES))
    assert not stale, f"table entries for routes that are gone: {stale}"


def test_scoped_routes_take_the_scope() -> None:
    unscoped = sorted(
        key for key in CASES if key not in SCOPED_IN_SERVICE and staff_scope not in _calls(STAFF_ROUTES[key])
    )
    assert not unscoped, f"staff routes that never read the region scope: {unscoped}"


# --- calling each route as an outsider and as an insider -----------------------------------------------


def _role_for(key: tuple[str, str]) -> StaffRole:
    allowed = _allowed_roles(STAFF_ROUTES[key])
    return StaffRole.ADMIN if StaffRole.ADMIN in allowed else min(allowed)


def _call(client, req: Req, headers: dict[str, str]):
    return client.request(
        req.method,
        req.path,
        headers=headers,
        json=req.json,
        data=req.data,
        files=req.files,
        params=req.params,
    )


def _body(resp) -> Any:
    return resp.json() if resp.headers.get("content-type", "").startswith("application/json") else resp.text


@pytest.fixture
def env(client, session, make_person, make_staff) -> Env:
    return Env(client, session, make_person, make_staff, admin=make_staff(StaffRole.ADMIN))


PARAMS = [pytest.param(key, case, id=f"{key[0]} {key[1]}") for key, case in CASES.items()] + [
    pytest.param((method, path), case, id=name) for name, (method, path, case) in EXTRA.items()
]


@pytest.mark.parametrize(("key", "case"), PARAMS)
def test_outsiders_are_answered_as_for_the_unknown_and_insiders_get_through(
    env: Env, key, case: Case
) -> None:
    probe = case.build(env)
    role = _role_for(key)
    headers = {}
    for who, region in (("outsider", case.outsider_region), ("insider", case.insider_region)):
        headers[who], staff_id = env.make_staff(role, with_id=True, region_code=region)
        if case.prepare_staff is not None:
            case.prepare_staff(env, probe, staff_id)

    outside = _call(env.client, probe.real, headers["outsider"])
    if probe.unknown is not None:
        unknown = _call(env.client, probe.unknown, headers["outsider"])
        assert unknown.status_code == probe.unknown_status, unknown.text
        assert outside.status_code == unknown.status_code, f"{key}: {outside.status_code} {outside.text}"
        expected = _body(unknown)
        if probe.echo is not None:
            real_key, unknown_key = probe.echo
            # the message and the code's parameters repeat what was asked for; nothing else may differ
            expected = json.loads(json.dumps(expected).replace(unknown_key, real_key))
        assert _body(outside) == expected
    else:
        assert outside.status_code == 200, outside.text
        assert not probe.seen(_body(outside)), f"{key}: an outsider sees the person"

    inside = _call(env.client, probe.real, headers["insider"])
    assert inside.status_code in probe.insider, f"{key}: insider got {inside.status_code} {inside.text}"
    if probe.seen is not None:
        assert probe.seen(_body(inside)), f"{key}: an insider does not see the person"


def test_a_sibling_village_is_outside_too(env: Env) -> None:
    person = env.person("邻村测")
    sibling = env.make_staff(StaffRole.COORDINATOR, region_code="110101001002")
    own = env.make_staff(StaffRole.COORDINATOR, region_code=VILLAGE)
    body = {"id_number": person.id_number, "name": person.name, "id_card_last4": person.id_number[-4:]}
    assert env.client.post("/api/v1/onsite/challenges", headers=sibling, json=body).status_code == 404
    assert env.client.post("/api/v1/onsite/challenges", headers=own, json=body).status_code == 201


def test_national_staff_see_everyone(env: Env) -> None:
    review_id, _, _ = env.manual_review()
    national = env.make_staff(StaffRole.REVIEWER)
    assert env.client.get(f"/api/v1/review/items/{review_id}", headers=national).status_code == 200


def test_regional_statistics_count_only_their_people(env: Env) -> None:
    import sqlalchemy as sa

    from api.beneficiaries.models import Beneficiary, Entitlement

    env.person("趋势测")  # never certified: the November run suspends them
    env.session.commit()
    assert (
        env.client.post(
            "/api/v1/backoffice/cycle/run", headers=env.admin, json={"month": "2026-11"}
        ).status_code
        == 200
    )
    params = {"as_of": "2026-11-22"}
    county = env.client.get(
        "/api/v1/backoffice/stats",
        headers=env.make_staff(StaffRole.REVIEWER, region_code=COUNTY),
        params=params,
    ).json()
    outside = env.client.get(
        "/api/v1/backoffice/stats",
        headers=env.make_staff(StaffRole.REVIEWER, region_code=OTHER_COUNTY),
        params=params,
    ).json()
    national = env.client.get("/api/v1/backoffice/stats", headers=env.admin, params=params).json()

    env.session.expire_all()
    suspended_here = env.session.execute(
        sa.select(sa.func.count())
        .select_from(Entitlement)
        .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
        .where(Beneficiary.region_code.startswith(COUNTY), Entitlement.suspended_since == "2026-11")
    ).scalar_one()
    november = {s["month"]: s for s in county["trend"]}["2026-11"]
    assert november["suspended"] == suspended_here >= 1
    assert county["suspended"] >= suspended_here and county["people"] >= 1
    assert outside["people"] == 0 and outside["suspended"] == 0
    assert all(p["suspended"] == 0 for p in outside["trend"]) and outside["by_region"] == []
    assert {s["month"]: s for s in national["trend"]}["2026-11"]["suspended"] >= november["suspended"]
