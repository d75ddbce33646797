"""A receipt anyone can check, in Chromium against the real API and staff app: the QR code's URL opens the
check page on a phone (390×844), and a coordinator's camera, pointed at the QR code, gets it checked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest

from shared.cycle import agency_today
from tests.e2e.conftest import (
    SMALL_PHONE_VIEWPORT,
    free_port,
    open_scripted_camera_page,
    running_stack,
    seed,
    stack_env,
)
from tests.e2e.flutter import TIMEOUT_MS, expect_text, open_app, tap, type_into, widget


@dataclass(frozen=True)
class ReceiptStack:
    api_url: str
    staff_url: str
    token: str


@pytest.fixture(scope="module")
def receipt_stack(chromium_path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReceiptStack]:
    import sqlalchemy as sa

    from api.beneficiaries.models import Beneficiary, Certification
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.core.settings import DEV_SECRET_KEY
    from api.demo import seed_demo_staff
    from api.receipts.models import Receipt
    from api.receipts.service import public
    from tests.api.test_receipt_history import certify

    work = tmp_path_factory.mktemp("receipt-check")
    db_url = f"sqlite:///{work / 'lifecert.sqlite3'}"
    certified, *_ = seed(db_url)
    engine = make_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as session:
        seed_demo_staff(session)
        person = session.execute(
            sa.select(Beneficiary).where(Beneficiary.id_number == certified.id_number)
        ).scalar_one()
        receipt = session.get(Receipt, certify(session, person, agency_today() - timedelta(days=2)))
        # the token the person got when certifying (lookups by ID number and name carry none), signed with
        # the key the API below runs with (the development key: stack_env sets none)
        token = public(
            receipt, session.get(Certification, receipt.certification_id), person, key=DEV_SECRET_KEY
        )
    engine.dispose()
    api_port = free_port()
    env = stack_env(db_url, work) | {"LIFECERT_PUBLIC_URL": f"http://127.0.0.1:{api_port}"}
    assert token.token is not None
    with running_stack(work, env, api_port=api_port) as running:
        yield ReceiptStack(running.api_url, running.staff_url, token.token)


def qr_png(stack: ReceiptStack) -> bytes:
    resp = httpx.post(f"{stack.api_url}/api/v1/receipts/qr", json={"token": stack.token})
    assert resp.status_code == 200
    return resp.content


def test_any_phone_opens_the_check_page_from_the_qr_code(browser, receipt_stack: ReceiptStack, shots) -> None:
    from api.receipts.scan import read_qr

    url = read_qr(qr_png(receipt_stack))
    assert url == f"{receipt_stack.api_url}/r/{receipt_stack.token}"
    page = browser.new_context(viewport=SMALL_PHONE_VIEWPORT, locale="zh-CN").new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, timeout=TIMEOUT_MS)
    assert "这张回执有效" in page.inner_text("#verdict")
    assert "张*国" in page.inner_text("main") and "有效期至" in page.inner_text("main")
    assert all(r.startswith(receipt_stack.api_url) for r in requests), requests
    shots(page, "check-page")
    page.goto(url + "?lang=en", timeout=TIMEOUT_MS)
    assert "This receipt is valid" in page.inner_text("#verdict")
    with page.expect_download() as pdf:
        page.evaluate(
            '() => { const a = document.querySelector(\'a[href$="lang=en"][href*=".pdf"]\');'
            " a.setAttribute('download', 'receipt.pdf'); a.click(); }"
        )
    assert pdf.value.path().read_bytes().startswith(b"%PDF")
    page.context.close()


def test_a_coordinator_checks_a_receipt_with_the_staff_camera(
    playwright_session, chromium_path, receipt_stack: ReceiptStack, shots
) -> None:
    import cv2
    import numpy as np

    from tests.e2e.scripted_camera import still_segments

    code = cv2.imdecode(np.frombuffer(qr_png(receipt_stack), np.uint8), cv2.IMREAD_COLOR)
    desk = np.full((720, 960, 3), 200, np.uint8)  # the receipt held up in front of the camera
    desk[120 : 120 + 480, 240 : 240 + 480] = cv2.resize(code, (480, 480), interpolation=cv2.INTER_AREA)
    segments = still_segments(desk, width=960)
    browser, page = open_scripted_camera_page(
        playwright_session, chromium_path, segments, SMALL_PHONE_VIEWPORT
    )
    try:
        open_app(page, receipt_stack.staff_url, "console-username")
        type_into(page, "console-username", "demo-coordinator")
        type_into(page, "console-password", "lifecert-demo")
        tap(page, "console-sign-in")
        widget(page, "staff-home-receipts-scan").wait_for(state="attached", timeout=TIMEOUT_MS)
        tap(page, "staff-home-receipts-scan")
        tap(page, "scan-open")
        widget(page, "scan-take").wait_for(timeout=TIMEOUT_MS)
        shots(page, "scan-camera")
        tap(page, "scan-take")
        expect_text(page, "scan-verdict", "这张回执有效")
        expect_text(page, "scan-name", r"张\*国")
        shots(page, "scan-valid")
    finally:
        browser.close()
