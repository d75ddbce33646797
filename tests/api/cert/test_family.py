"""Family certification (代人认证) over HTTP: a helper binds a relative with the relative's live face,
then certifies only bound relatives; the helper is recorded as operator."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from api.auth.models import HelperBinding
from api.beneficiaries.models import Certification
from shared.enums import StaffRole
from tests.api.cert.clips import PASSING_ACTIONS, live_frames, multipart, reference_photo, still_frames
from tests.api.cert.conftest import confirm_reference, new_key

pytestmark = pytest.mark.face
NAME = "刘奶奶"


@pytest.fixture
def relative(face_client, make_person, make_staff):
    coordinator = make_staff(StaffRole.COORDINATOR)
    second = make_staff(StaffRole.REVIEWER)

    def make():
        person = make_person(name=NAME)
        resp = face_client.post(
            "/api/v1/onsite/references",
            headers=coordinator,
            data={
                "id_number": person.id_number,
                "name": NAME,
                "id_card_last4": person.id_number[-4:],
            },
            files={"photo": ("ref.jpg", reference_photo(), "image/jpeg")},
        )
        confirm_reference(face_client, resp, second)
        return person

    return make


def frames(client, challenge_id, headers, clip):
    return client.post(
        f"/api/v1/challenges/{challenge_id}/frames",
        headers={**headers, "Idempotency-Key": new_key()},
        **multipart(clip),
    )


def bind(client, helper, person, fixed_actions, clip=None):
    fixed_actions(PASSING_ACTIONS)
    resp = client.post(
        "/api/v1/family/relatives",
        headers=helper,
        json={"id_number": person.id_number, "name": NAME, "relationship": "mother"},
    )
    assert resp.status_code == 201, resp.text
    return frames(client, resp.json()["challenge_id"], helper, clip or live_frames())


@pytest.mark.usefixtures("replays_allowed")  # binds, then certifies, with the one sample clip
def test_bind_then_certify_a_relative(face_client, session, relative, make_helper, fixed_actions):
    helper, other_helper = make_helper(), make_helper()
    person = relative()
    bound = bind(face_client, helper, person, fixed_actions)
    assert bound.status_code == 200 and bound.json()["result"] == "passed", bound.text
    binding_id = bound.json()["binding_id"]
    listed = face_client.get("/api/v1/family/relatives", headers=helper).json()
    assert [(r["binding_id"], r["name"], r["relationship"]) for r in listed] == [
        (binding_id, "刘*奶", "mother")
    ]
    assert face_client.get("/api/v1/family/relatives", headers=other_helper).json() == []

    # Another helper can neither start nor submit a challenge for this relative.
    assert (
        face_client.post(
            f"/api/v1/family/relatives/{binding_id}/challenges", headers=other_helper
        ).status_code
        == 404
    )
    started = face_client.post(f"/api/v1/family/relatives/{binding_id}/challenges", headers=helper)
    assert started.status_code == 201
    challenge_id = started.json()["challenge_id"]
    assert frames(face_client, challenge_id, other_helper, live_frames()).status_code == 403
    assert frames(face_client, challenge_id, {}, live_frames()).status_code == 403

    done = frames(face_client, challenge_id, helper, live_frames())
    assert done.status_code == 200 and done.json()["result"] == "passed", done.text
    assert done.json()["receipt"]["method"] == "family_face"
    session.expire_all()
    cert = session.execute(
        sa.select(Certification).where(Certification.beneficiary_id == person.id)
    ).scalar_one()
    assert cert.method.value == "family_face" and cert.operator_kind == "helper"
    assert (
        face_client.post(
            "/api/v1/family/relatives",
            headers=helper,
            json={"id_number": person.id_number, "name": NAME, "relationship": "mother"},
        ).status_code
        == 409
    )  # already bound

    assert face_client.delete(f"/api/v1/family/relatives/{binding_id}", headers=helper).status_code == 204
    assert (
        face_client.post(f"/api/v1/family/relatives/{binding_id}/challenges", headers=helper).status_code
        == 404
    )


def test_binding_needs_the_relatives_live_face(face_client, session, relative, make_helper, fixed_actions):
    helper = make_helper()
    person = relative()
    failed = bind(face_client, helper, person, fixed_actions, clip=still_frames())
    assert failed.status_code == 200 and failed.json()["result"] == "failed"
    assert face_client.get("/api/v1/family/relatives", headers=helper).json() == []
    session.expire_all()
    assert (
        session.execute(
            sa.select(sa.func.count())
            .select_from(HelperBinding)
            .where(HelperBinding.beneficiary_id == person.id)
        ).scalar_one()
        == 0
    )


def test_bound_relatives_are_limited(face_client, session, make_person, make_helper, fixed_actions):
    from api.core.context import configure

    ctx = face_client.app.state.cert
    configure(face_client.app, ctx.cert.model_copy(update={"max_bound_relatives": 1}), ctx.engines)
    try:
        helper = make_helper()
        first = make_person(name=NAME)
        session.add(
            HelperBinding(helper_id=_helper_id(session), beneficiary_id=first.id, relationship_label="father")
        )
        session.commit()
        second = make_person(name=NAME)
        resp = face_client.post(
            "/api/v1/family/relatives",
            headers=helper,
            json={"id_number": second.id_number, "name": NAME, "relationship": "mother"},
        )
        assert resp.status_code == 409 and resp.json()["error"] == "too_many_relatives"
    finally:
        configure(face_client.app, ctx.cert, ctx.engines)


def _helper_id(session) -> int:
    from api.auth.models import HelperAccount

    return session.execute(sa.select(sa.func.max(HelperAccount.id))).scalar_one()
