"""Neighbour attestation and the review with the evidence in view, as the staff app's state against the
real API in-process (no UI, no mocks): a village coordinator opens an attestation and adds a photo and a
PDF, the village, township and county each sign with their own account (refusals arrive as catalog keys),
a county reviewer must open every file before approving, a signer cannot decide, and the approval certifies
the person."""

from __future__ import annotations

import io
from datetime import date, timedelta

import httpx
import pytest
from PIL import Image

from app.common.api_client import ApiClient, ApiError
from app.staff.attestation_state import MAX_EVIDENCE_BYTES, MAX_FILES, AttestationDesk, evidence_type
from app.staff.case_client import CaseClient
from app.staff.console_state import ConsoleState
from shared.cycle import agency_today
from shared.enums import CycleState, StaffRole
from shared.i18n import CATALOGS, Translator
from shared.schemas import StatusRequest
from tests.api import intake_samples

VILLAGE, SIBLING_VILLAGE, TOWNSHIP, COUNTY = "110101001001", "110101001002", "110101001", "110101"
PASSWORD = "correct horse"
PDF = intake_samples.pdf()  # a real one-page PDF: uploads are parsed, a fake is refused


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (150, 110, 80)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def accounts(module_engine) -> dict[str, str]:
    """One account per part: the village's coordinator (opens, signs the village), a coordinator of the
    next village, the township's and the county's signers (the county one a reviewer), a county reviewer."""
    from api.auth import service
    from api.core.db import make_sessionmaker
    from tests.api.factories import ensure_regions

    made = {}
    with make_sessionmaker(module_engine)() as session:
        for who, role, region in (
            ("village", StaffRole.COORDINATOR, VILLAGE),
            ("sibling", StaffRole.COORDINATOR, SIBLING_VILLAGE),
            ("township", StaffRole.COORDINATOR, TOWNSHIP),
            ("county", StaffRole.REVIEWER, COUNTY),
            ("reviewer", StaffRole.REVIEWER, COUNTY),
        ):
            ensure_regions(session, region)
            username = f"attest_{who}"
            service.create_staff(
                session,
                username=username,
                name=f"{who}签字人",
                role=role,
                password=PASSWORD,
                region_code=region,
                actor="system:test",
            )
            made[who] = username
        session.commit()
    return made


@pytest.fixture
def sign_in(client, accounts):
    states: list[ConsoleState] = []

    async def as_(who: str) -> ConsoleState:
        state = ConsoleState()
        assert await state.sign_in(
            "http://test", accounts[who], PASSWORD, transport=httpx.ASGITransport(app=client.app)
        )
        states.append(state)
        return state

    yield as_


async def _code_of(call) -> str:
    """The error code the API answers a call with."""
    try:
        await call
    except ApiError as exc:
        return exc.code
    raise AssertionError("the call succeeded")


def test_only_photos_videos_and_pdfs_within_the_limits() -> None:
    assert evidence_type(jpeg()) == ("image/jpeg", "jpg") and evidence_type(PDF) == ("application/pdf", "pdf")
    assert evidence_type(b"\x00\x00\x00\x18ftypmp42rest") == ("video/mp4", "mp4")
    desk = AttestationDesk()
    assert not desk.add_file("notes.txt", b"hello") and desk.problem_key == "attest.error.file_type"
    assert not desk.add_file("big.pdf", b"%PDF-" + b"0" * MAX_EVIDENCE_BYTES)
    assert desk.problem_key == "attest.error.file_size" and desk.pending == []
    for _ in range(MAX_FILES):
        assert desk.add_photo(jpeg()) and desk.problem_key is None
    assert not desk.add_file("one-more.pdf", PDF) and desk.problem_key == "attest.error.too_many"
    assert [f.name for f in desk.pending[:2]] == ["photo-1.jpg", "photo-2.jpg"]
    desk.drop_pending(0)
    assert len(desk.pending) == MAX_FILES - 1 and desk.pending[0].name == "photo-2.jpg"
    today = date(2026, 11, 22)
    assert desk.taken_date(today) == today
    desk.taken_on = "2026-11-20"
    assert desk.taken_date(today) == date(2026, 11, 20)
    for bad in ("2026-11-23", "20261120", "2026-13-01"):
        desk.taken_on = bad
        assert desk.taken_date(today) is None


async def test_open_add_evidence_sign_each_level_then_review_with_every_file_opened(
    client, make_person, sign_in
) -> None:
    person = make_person(name="邻证明", region_code=VILLAGE, birth=date(1944, 2, 2))
    stranger = make_person(name="邻村人", region_code="110101002001", birth=date(1944, 2, 3))
    coordinator = await sign_in("village")
    desk, cases = coordinator.attest, CaseClient(coordinator.client)

    # The form is checked before anything is sent.
    assert not await desk.open(cases) and desk.problem_key == "id.error.required"
    desk.form.id_text, desk.form.name = person.id_number, "邻证明"
    assert not await desk.open(cases) and desk.problem_key == "attest.error.reason"
    # Someone of another township is not found, exactly like an unknown person.
    desk.form.id_text, desk.form.name, desk.reason = stranger.id_number, "邻村人", "长期卧床，无法刷脸"
    assert not await desk.open(cases) and desk.error_key == "error.not_found"

    desk.form.id_text, desk.form.name, desk.witness = person.id_number, "邻证明", " 邻居  王桂香 "
    assert await desk.open(cases)
    att = desk.current
    assert att.required_signoffs == ["village", "township", "county"] and att.next_signoff == "village"
    assert att.witness_name == "邻居 王桂香" and att.holder_name == "邻*明" and att.evidence == []
    assert desk.form.id_text == "" and desk.reason == ""  # the form is ready for the next person
    assert att.attestation_id in [a.attestation_id for a in (await cases.opened_by_me())]

    assert not await desk.send_files(cases, today=agency_today())
    assert desk.problem_key == "attest.error.no_files"
    assert desk.add_photo(jpeg()) and desk.add_file("statement.pdf", PDF)
    desk.taken_on = (agency_today() + timedelta(days=1)).isoformat()
    assert not await desk.send_files(cases, today=agency_today())
    assert desk.problem_key == "attest.error.taken_on"
    desk.taken_on = ""
    assert await desk.send_files(cases, today=agency_today())
    assert [e.kind for e in desk.current.evidence] == ["photo", "document"] and desk.pending == []
    assert {e.uploaded_by.name for e in desk.current.evidence} == {"village签字人"}

    assert await desk.sign(cases, desk.current)
    assert [s.level for s in desk.current.signoffs] == ["village"] and desk.current.next_signoff == "township"
    # The same account may not sign the next level too.
    assert not await desk.sign(cases, desk.current) and desk.error_key == "attest.error.signed_before"
    assert "same_staff" in (await _code_of(cases.sign(desk.current.attestation_id, level="township")))
    assert (
        desk.message(Translator("zh-Hant")) == CATALOGS["zh-Hant"]["attest.error.signed_before"]
    )  # not English

    sibling = await sign_in("sibling")
    assert await sibling.attest.load_to_sign(CaseClient(sibling.client)) and sibling.attest.to_sign == []

    township = await sign_in("township")
    t_desk, t_cases = township.attest, CaseClient(township.client)
    assert await t_desk.load_to_sign(t_cases)
    waiting = next(a for a in t_desk.to_sign if a.attestation_id == att.attestation_id)
    county = await sign_in("county")
    c_desk, c_cases = county.attest, CaseClient(county.client)
    assert await c_desk.load_to_sign(c_cases)
    assert att.attestation_id not in [a.attestation_id for a in c_desk.to_sign]  # not the county's turn yet
    # The county signs what it was shown: the township level is next, not the county's.
    assert not await c_desk.sign(c_cases, waiting) and c_desk.error_key == "error.signoff_level"
    assert await t_desk.sign(t_cases, waiting)
    assert t_desk.last_signed.next_signoff == "county" and t_desk.to_sign == []
    # An outdated view (it still says "township") is refused as out of order.
    assert not await c_desk.sign(c_cases, waiting) and c_desk.error_key == "error.signoff_out_of_order"
    assert await c_desk.load_to_sign(c_cases)
    fresh = next(a for a in c_desk.to_sign if a.attestation_id == att.attestation_id)
    assert await c_desk.sign(c_cases, fresh)
    review_id = c_desk.last_signed.review_id
    assert review_id and c_desk.last_signed.status == "in_review"

    # The county signer is a reviewer too, but took part: never allowed to approve.
    signer_case = county.case
    assert await signer_case.load(c_cases, review_id)
    for e in signer_case.files:
        assert await signer_case.open_evidence(c_cases, e.evidence_id)
    assert signer_case.took_part and not signer_case.can_approve
    assert signer_case.approve_hint_key() == "error.same_staff"

    reviewer = await sign_in("reviewer")
    case, r_cases = reviewer.case, CaseClient(reviewer.client)
    assert await case.load(r_cases, review_id)
    assert case.item.approval_blocked == "evidence_not_opened" and len(case.unopened) == 2
    assert not case.can_approve and case.approve_hint_key() == "review.case.open_all"
    actions = [e.action for e in case.item.history]
    assert actions[0] == "opened" and actions.count("uploaded") == 2 and actions.count("signed") == 3
    assert [e.level for e in case.item.history if e.action == "signed"] == ["village", "township", "county"]
    # The API refuses an approval before every file is opened, whatever the button shows.
    assert not await reviewer.decide(review_id, approve=True, reason="材料齐全，同意")
    assert reviewer.error_key == "error.evidence_not_opened"

    photo, document = case.files
    data = await case.open_evidence(r_cases, photo.evidence_id)
    assert data is not None and data.startswith(b"\xff\xd8\xff") and case.contents[photo.evidence_id] == data
    assert [e.opened_by_me for e in case.files] == [True, False] and not case.can_approve
    assert await case.open_evidence(r_cases, document.evidence_id) == PDF
    assert case.can_approve and case.approve_hint_key() is None and case.item.approval_blocked is None
    viewed = [e for e in case.item.history if e.action == "viewed" and e.staff.name == "reviewer签字人"]
    assert {e.evidence_id for e in viewed} == {photo.evidence_id, document.evidence_id}

    assert await reviewer.decide(review_id, approve=True, reason="照片和签字齐全，同意")
    assert reviewer.last_decision == (True, "邻*明")
    async with ApiClient("http://test", transport=httpx.ASGITransport(app=client.app)) as api:
        status = await api.status(StatusRequest(id_number=person.id_number, name="邻证明"))
    assert [e.state for e in status.entitlements] == [CycleState.CERTIFIED]
    assert await desk.load_mine(cases) and att.attestation_id not in [a.attestation_id for a in desk.mine]

    await coordinator.sign_out()
    assert coordinator.attest.current is None and not coordinator.case.open


async def test_a_coordinator_resumes_an_attestation_and_a_closed_one_refuses_evidence(
    make_person, sign_in
) -> None:
    person = make_person(name="续办人", region_code=VILLAGE, birth=date(1943, 4, 4))
    coordinator = await sign_in("village")
    desk, cases = coordinator.attest, CaseClient(coordinator.client)
    desk.form.id_text, desk.form.name, desk.reason = person.id_number, "续办人", "行动不便，无法刷脸"
    assert await desk.open(cases)
    attestation_id = desk.current.attestation_id
    desk.add_photo(jpeg())
    desk.close()
    assert desk.current is None and desk.pending == []  # files not sent are dropped
    assert await desk.load_mine(cases)
    assert attestation_id in [a.attestation_id for a in desk.mine]
    assert await desk.resume(cases, attestation_id) and desk.current.attestation_id == attestation_id
    assert not await desk.resume(cases, 999_999_999) and desk.error_key == "error.not_found"
