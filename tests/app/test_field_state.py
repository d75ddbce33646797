"""The coordinators' work list and home visit, and the citizens' visit request, as state without a UI against
the real API in-process (no mocks): a citizen asks for a visit (once, whatever the retries), the request is
on the coordinator's list, scheduled with the coordinator as the visiting worker, and recorded without a face
check for a reviewer; a record for someone without a request opens one first; "could not reach"; the ID card
check's refusal reads in the app's language; and the whole face path — reference face (人脸建模), the
person's challenge on the coordinator's device with a real clip, the visit request closed, contact updated."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from PIL import Image

from app.citizen.visit_request import VisitRequestForm
from app.common.api_client import ApiClient
from app.common.capture import CaptureFlow, CapturePhase, CapturePlan
from app.common.identity import IdentityForm
from app.staff.console_state import ConsoleState
from app.staff.visit_state import VisitStep
from shared.enums import CycleState, StaffRole, VisitRecordReason, VisitRequestReason, VisitState
from shared.i18n import Translator

PASSWORD = "correct horse"


def jpeg(color: str = "white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def transport(client) -> httpx.ASGITransport:
    return httpx.ASGITransport(app=client.app)


@pytest.fixture
def sign_in(session, transport):
    """``await sign_in(role, region)`` → a signed-in ConsoleState of a new staff member of that region."""
    from api.auth import service

    async def make(role: StaffRole, region: str | None, name: str = "张协办") -> ConsoleState:
        username = f"f_{role.value}_{uuid.uuid4().hex[:8]}"
        service.create_staff(
            session,
            username=username,
            name=name,
            role=role,
            password=PASSWORD,
            region_code=region,
            actor="system:test",
        )
        session.commit()
        state = ConsoleState()
        assert await state.sign_in("http://test", username, PASSWORD, transport=transport), state.error
        return state

    return make


async def _ask(transport, person, name: str, reason=VisitRequestReason.ELDERLY) -> VisitRequestForm:
    form = VisitRequestForm.for_person(IdentityForm(id_text=person.id_number, name=name), reason)
    form.phone = "137 0013 7003"
    async with ApiClient("http://test", transport=transport) as api:
        assert await form.submit(api), form.notice
    return form


async def test_citizen_request_then_schedule_and_record_without_a_face_check(
    session, transport, new_area, place, births, sign_in
) -> None:
    village = new_area().villages[0]
    person = place(
        village,
        name="钱玉兰",
        birth=births.window_just_opened(84),
        certified_on=births.in_window_before_opened(),
    )
    others = place(
        village,
        name="孙玉梅",
        birth=births.window_just_opened(85),
        certified_on=births.in_window_before_opened(),
    )

    async with ApiClient("http://test", transport=transport, retries=0) as api:
        form = VisitRequestForm.for_person()
        assert not await form.submit(api)  # nothing typed: nothing sent
        assert set(form.errors()) == {"identity", "phone", "reason"} and form.ack is None
        form.identity.id_text, form.identity.name = person.id_number, "钱玉英"  # a wrong name
        form.phone, form.reason = "137 0013 7003", VisitRequestReason.ELDERLY
        assert not await form.submit(api)
        assert form.notice.key == "error.not_found"
        form.identity.name = "钱玉兰"
        assert await form.submit(api)
        assert form.ack.created and form.ack.state is VisitState.REQUESTED
        first = form.ack
        form.ack = None  # the answer was lost: "send" again with the form's key gets the first answer
        assert await form.submit(api)
        assert form.ack == first
        again = VisitRequestForm.for_person(form.identity, VisitRequestReason.NO_SMARTPHONE)
        again.phone = "13700137003"  # another request for the person: the open one is the answer
        assert await again.submit(api)
        assert not again.ack.created and again.ack.state is VisitState.REQUESTED

    coordinator = await sign_in(StaffRole.COORDINATOR, village)
    work = coordinator.worklist
    assert await work.load(coordinator.field_client)
    assert {e.name for e in work.entries} == {"钱玉兰", "孙玉梅"} and work.page.villages[0].count == 2
    work.toggle_visit_requested()
    assert await work.load(coordinator.field_client)
    [entry] = work.entries
    assert entry.person_id == person.id and entry.visit.state is VisitState.REQUESTED
    assert entry.id_number == person.id_number  # in full: the ID card is checked against it
    work.toggle_visit_requested()
    work.set_state(CycleState.SUSPENDED)
    assert await work.load(coordinator.field_client) and work.entries == []
    assert work.entry(others.id) is None

    visit = coordinator.open_person(entry)
    assert coordinator.open_person(entry) is visit  # going back to the person keeps the visit
    assert await visit.load_request(coordinator.field_client)
    assert (
        visit.request.contact_phone == "137 0013 7003" and visit.request.reason is VisitRequestReason.ELDERLY
    )
    field = coordinator.field_client
    assert not await visit.schedule(field, "2026-13-01")
    assert visit.notice.key == "visit.schedule.error.date"
    assert not await visit.schedule(field, (visit.today - timedelta(days=1)).isoformat())
    assert visit.notice.key == "error.past_date"  # the API's code, in the app's words
    assert await visit.schedule(field, visit.today.isoformat())
    assert (
        visit.request.state is VisitState.SCHEDULED and visit.request.worker_id == coordinator.staff.staff_id
    )

    record = visit.record_form
    assert not await visit.submit_record(field)
    assert set(record.errors()) == {"reason", "notes", "photos"}
    assert record.add_photo("x.gif", b"GIF89a....") == "visit.record.error.type" and record.photos == []
    record.reason, record.notes = VisitRecordReason.BEDRIDDEN_NO_CAMERA, "本人卧床，神志清楚，交谈确认健在"
    assert record.add_photo("visit-1.jpg", jpeg()) is None
    assert await visit.submit_record(field), visit.notice
    assert visit.record.photos == 1 and visit.record.review_status == "pending"
    assert visit.request.state is VisitState.DONE

    reviewer = await sign_in(StaffRole.ADMIN, None, name="王审核")
    assert await reviewer.load_queue()
    item = next(i for i in reviewer.queue if i.review_id == visit.record.review_id)
    assert item.kind == "home_visit" and item.holder_name == "钱*兰"
    for state in (coordinator, reviewer):
        await state.sign_out()


async def test_a_record_for_someone_without_a_request_opens_one_first(
    session, transport, new_area, place, births, sign_in
) -> None:
    from api.worklist.models import VisitRequest

    village = new_area().villages[1]
    person = place(village, name="黄振华", birth=births.window_just_opened(81), severely_disabled=True)
    coordinator = await sign_in(StaffRole.COORDINATOR, village)
    assert await coordinator.worklist.load(coordinator.field_client)
    [entry] = coordinator.worklist.entries
    assert entry.visit is None and entry.state is CycleState.OVERDUE
    visit = coordinator.open_person(entry)
    assert not await visit.schedule(coordinator.field_client, visit.today.isoformat())
    assert visit.notice.key == "visit.request.none"
    visit.record_form.reason, visit.record_form.notes = VisitRecordReason.DEMENTIA, "本人认知障碍，家属在场"
    visit.record_form.add_photo("a.jpg", jpeg("gray"))
    visit.record_form.add_photo("b.jpg", jpeg("black"))
    assert visit.request_reason() is VisitRequestReason.DISABLED  # from the person's groups
    assert await visit.submit_record(coordinator.field_client), visit.notice
    assert visit.record.photos == 2 and visit.request.state is VisitState.DONE
    assert visit.request.requested_by == f"staff:{coordinator.staff.staff_id}"
    session.expire_all()
    assert (
        session.execute(
            sa.select(sa.func.count())
            .select_from(VisitRequest)
            .where(VisitRequest.beneficiary_id == person.id)
        ).scalar_one()
        == 1
    )
    await coordinator.sign_out()


async def test_could_not_reach_and_the_id_card_refusal_in_the_apps_language(
    session, transport, new_area, place, births, sign_in
) -> None:
    village = new_area().villages[0]
    person = place(
        village,
        name="刘桂芝",
        birth=births.window_just_opened(85),
        certified_on=births.in_window_before_opened(),
        lives_alone=True,
    )
    await _ask(transport, person, "刘桂芝")
    coordinator = await sign_in(StaffRole.COORDINATOR, village)
    assert await coordinator.worklist.load(coordinator.field_client)
    visit = coordinator.open_person(coordinator.worklist.entries[0])
    assert visit.steps == [
        VisitStep.ID_CARD,
        VisitStep.REFERENCE,
        VisitStep.FACE,
        VisitStep.CONTACT,
        VisitStep.DONE,
    ]  # no reference face: 人脸建模 on the visit

    assert not visit.confirm_id() and visit.id_error_key() == "visit.id.error.not_seen"
    visit.id_seen, visit.last4 = True, "12"
    assert not visit.confirm_id() and visit.id_error_key() == "visit.id.error.last4"
    wrong = "0000" if not person.id_number.endswith("0000") else "1111"
    visit.last4 = wrong
    assert visit.confirm_id() and visit.step_after_id() is VisitStep.REFERENCE
    assert not await visit.enrol_reference(coordinator.field_client, jpeg())
    assert visit.id_card_refused and visit.reference is None
    assert visit.notice.render(Translator("zh-Hant")) == "身分證後 4 位與檔案不符，請核對證件。"
    assert visit.notice.render(Translator("en")).startswith(
        "The last 4 characters of the ID card do not match"
    )

    field = coordinator.field_client
    assert not await visit.could_not_reach(field, "无")
    assert visit.notice.key == "visit.unreached.error.reason"
    assert await visit.could_not_reach(field, "三次上门家中无人")
    assert visit.request.state is VisitState.COULD_NOT_REACH and not visit.request_open
    assert not await visit.schedule(field, visit.today.isoformat())
    assert visit.notice.key == "visit.request.none"
    await coordinator.sign_out()


@pytest.mark.face
async def test_the_face_path_reference_challenge_closes_the_request_and_updates_contact(
    face_client, fixed_actions, session, transport, new_area, place, births, sign_in
) -> None:
    from tests.api.cert.clips import PASSING_ACTIONS, live_frames, reference_photo

    village = new_area().villages[0]
    person = place(
        village,
        name="马德胜",
        birth=births.window_just_opened(87),
        certified_on=births.in_window_before_opened(),
        bedridden=True,
    )
    await _ask(transport, person, "马德胜", VisitRequestReason.BEDRIDDEN)
    coordinator = await sign_in(StaffRole.COORDINATOR, village)
    field = coordinator.field_client
    assert await coordinator.worklist.load(field)
    visit = coordinator.open_person(coordinator.worklist.entries[0])
    assert not visit.entry.reference_face
    visit.id_seen, visit.last4 = True, person.id_number[-4:].lower()
    assert visit.confirm_id()

    assert await visit.enrol_reference(field, reference_photo()), visit.notice
    assert visit.reference.source == "onsite_enrolment" and not visit.needs_reference
    assert visit.step_after_id() is VisitStep.FACE

    class ClipCamera:  # the frames of a real recorded clip, taken 200 ms apart on the flow's clock
        def __init__(self) -> None:
            self.frames = [data for data, _ in live_frames()]
            self.taken = 0

        async def start(self, rear: bool = False) -> None: ...

        async def take_picture(self) -> bytes:
            self.taken += 1
            return self.frames[(self.taken - 1) % len(self.frames)]

        async def stop(self) -> None: ...

    camera = ClipCamera()
    fixed_actions(PASSING_ACTIONS)
    plan = CapturePlan(per_action=len(camera.frames) // 2, interval_s=0.0, settle_s=0.0, neutral=0, tail=0)
    flow = CaptureFlow(
        coordinator.face_api(),
        camera,
        visit.challenge_source(field),
        rear=True,
        hints=False,
        plan=lambda challenge: plan,
        clock=lambda: camera.taken * 0.2,
    )
    await flow.run()
    assert flow.phase is CapturePhase.DONE and flow.passed, (flow.result, flow.notice)
    assert flow.result.receipt.method == "staff_onsite" and flow.receipt_qr_png.startswith(b"\x89PNG")

    assert await visit.face_checked(field, flow.result, flow.receipt_qr_png), visit.notice
    assert visit.passed and visit.request.state is VisitState.DONE  # scheduled for today, then done
    assert visit.request.worker_id == coordinator.staff.staff_id and visit.request.certification_id

    assert not await visit.update_contact(field, "phone?", "")
    assert visit.notice.key == "family.error.phone"
    assert await visit.update_contact(field, "13700137099", "多福巷 12 号"), visit.notice
    assert visit.contact.changed
    await coordinator.sign_out()
