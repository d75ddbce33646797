"""The README's "Your first face certification, step by step", followed as written.

The steps are read from README.md: each numbered step has a driver here, and every **bold** label of the
step must be the text of the widget the driver presses or reads at that moment; the `code` values (user,
password, ID number, name, the last four characters) are typed as they stand in the README; the demo is
started by the README's own command (`lifecert demo`, on free ports) and its URLs are those of the steps.
Change a label in the app or a step in the README without the other and this test fails.

The camera of both apps shows frames of a real clip (tests/e2e/scripted_camera.py), switched to each action
when the app asks for it — the newcomer's own face plays 王德明 for the reference photo and the challenge.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    SMALL_PHONE_VIEWPORT,
    free_port,
    open_scripted_camera_page,
    stop_group,
    wait_http,
)
from tests.e2e.flutter import TIMEOUT_MS, expect_text, open_app, tap, text_of, type_into, widget
from tests.shared_data import REPO_ROOT, require_shared

DECISION_TIMEOUT_MS = 240_000  # the demo loads its face models on the first photo
SECTION = "### Your first face certification, step by step"
DEMO_PORTS = {"8000": "api", "8550": "citizen", "8551": "staff"}
INSTRUCTIONS = {"请张开嘴": "open_mouth", "请眨眨眼": "blink"}


@dataclass(frozen=True)
class Step:
    number: int
    text: str

    @property
    def labels(self) -> list[str]:
        return re.findall(r"\*\*(.+?)\*\*", self.text)

    @property
    def values(self) -> list[str]:
        return re.findall(r"`([^`]+)`", self.text)

    @property
    def urls(self) -> list[str]:
        return re.findall(r"http://127\.0\.0\.1:\d+", self.text)


def readme_steps(readme: str) -> list[Step]:
    """The numbered list under SECTION, each step's lines joined."""
    start = readme.index(SECTION)
    end = readme.find("\n### ", start + len(SECTION))
    section = readme[start : end if end > 0 else None]
    found = re.findall(r"^(\d+)\. (.*?)(?=^\d+\. |^\S|\Z)", section, re.M | re.S)
    return [Step(int(n), " ".join(body.split())) for n, body in found]


def first_command(readme: str) -> str:
    """The README's first shell command: the demo's."""
    block = re.search(r"```bash\n(.+?)\n```", readme, re.S)
    assert block, "README has no bash block"
    return block.group(1).strip()


@dataclass
class Demo:
    urls: dict[str, str]  # api / citizen / staff → the running demo's URL
    log: Path
    pages: dict[str, object] = field(default_factory=dict)

    def url(self, readme_url: str) -> str:
        port = readme_url.rsplit(":", 1)[1]
        return self.urls[DEMO_PORTS[port]]


@pytest.fixture(scope="module")
def demo(chromium_path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """`lifecert demo` as the README's first command names it, on free ports, with a fresh database; test
    mode fixes the challenge to the two actions the clip can show."""
    require_shared("faces", "videos", "d10.mp4")
    readme = (REPO_ROOT / "README.md").read_text()
    command = first_command(readme).split("&&")[-1].split()
    assert command[:2] == [".venv/bin/lifecert", "demo"], command
    lifecert = Path(sys.executable).with_name("lifecert")
    work = tmp_path_factory.mktemp("newcomer")
    ports = {name: free_port() for name in ("api", "citizen", "staff")}
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    env.update(
        LIFECERT_DATABASE_URL=f"sqlite:///{work / 'demo.sqlite3'}",
        LIFECERT_DATA_DIR=str(work / "data"),
        LIFECERT_ENV="test",
        LIFECERT_CERTIFICATION__CHALLENGE_FIXED_ACTIONS="open_mouth,blink",
        # the staff's face check and the citizen's certification are fed the same recorded clip (a person
        # would be filmed twice): the replay refusal would rightly refuse the second
        LIFECERT_CERTIFICATION__REFUSE_REPLAYED_FRAMES="false",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(REPO_ROOT),
    )
    log = work / "demo.log"
    with log.open("wb") as out:
        args = [
            str(lifecert),
            *command[1:],
            "--port",
            str(ports["api"]),
            "--client-port",
            str(ports["citizen"]),
            "--staff-port",
            str(ports["staff"]),
        ]
        proc = subprocess.Popen(
            args, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    try:
        wait_http(f"{urls['api']}/healthz", proc, log, timeout=180)
        wait_http(urls["citizen"], proc, log)
        wait_http(urls["staff"], proc, log)
        yield Demo(urls, log)
    finally:
        stop_group(proc)  # the demo and the two web apps it started


def press(page, label: str, identifier: str, timeout: int = TIMEOUT_MS) -> None:
    """Press the widget the README names by ``label``: it must show that text."""
    shows(page, identifier, label, timeout)
    tap(page, identifier)


def shows(page, identifier: str, label: str, timeout: int = TIMEOUT_MS) -> None:
    """Wait until the widget's text, label or accessible tree (a checkbox's name) holds ``label``."""
    node = widget(page, identifier)
    node.wait_for(timeout=timeout)
    page.wait_for_function(
        """([id, label]) => { const n = document.querySelector(`[flt-semantics-identifier="${id}"]`);
             if (!n) return false;
             const nodes = [n, ...n.querySelectorAll("*")];
             const names = [n.innerText, ...nodes.map(e => e.getAttribute("aria-label"))];
             return names.some(t => t && t.includes(label)); }""",
        arg=[identifier, label],
        timeout=timeout,
    )


def person_card(page, name: str) -> str:
    widget(page, "worklist-person-0").wait_for(state="attached", timeout=TIMEOUT_MS)
    for i in range(page.locator('[flt-semantics-identifier^="worklist-person-"]').count()):
        if name in text_of(page, f"worklist-person-{i}"):
            return f"worklist-person-{i}"
    raise AssertionError(f"{name} is not on the work list")


# One driver per README step, in order: (step, demo, the staff page, shots) → None.


def start_the_demo(step: Step, demo: Demo, staff, shots) -> None:
    assert ".venv/bin/lifecert demo" in step.values
    (line,) = step.values[1:]
    label, readme_url = line.split(" ", 1)
    printed = f"{label} {demo.url(readme_url)}"  # the README's line, on this run's port
    assert printed in demo.log.read_text(errors="replace"), f"the demo did not print {printed!r}"


def sign_in(step: Step, demo: Demo, staff, shots) -> None:
    user, password = step.values
    open_app(staff, demo.url(step.urls[0]), "console-username")
    type_into(staff, "console-username", user)
    type_into(staff, "console-password", password)
    shots(staff, "staff-sign-in")
    (sign,) = step.labels
    press(staff, sign, "console-sign-in")


def open_the_person(step: Step, demo: Demo, staff, shots) -> None:
    worklist, name, start = step.labels
    press(staff, worklist, "staff-home-worklist")
    card = person_card(staff, name)
    shots(staff, "worklist")
    tap(staff, card)
    press(staff, start, "person-start")


def check_the_id_card(step: Step, demo: Demo, staff, shots) -> None:
    seen, next_ = step.labels
    (last4,) = step.values
    press(staff, seen, "visit-id-seen")
    type_into(staff, "visit-id-last4", last4)
    shots(staff, "id-card")
    press(staff, next_, "visit-id-next")


def take_the_reference_photo(step: Step, demo: Demo, staff, shots) -> None:
    open_, take, saved = step.labels
    press(staff, open_, "visit-reference-open")
    press(staff, take, "visit-reference-take")
    widget(staff, "visit-reference-done").wait_for(timeout=DECISION_TIMEOUT_MS)
    shows(staff, "visit-reference-done", saved)
    shots(staff, "reference-saved")


def check_the_reference_with_his_face(step: Step, demo: Demo, staff, shots) -> None:
    """The same-visit live check that puts a staff-added reference in use (docs/security.md, finding 4)."""
    from tests.e2e.scripted_camera import act

    next_, start, *instructions, passed = step.labels
    assert set(INSTRUCTIONS) <= set(instructions), "the challenge of the test clip is named in the README"
    press(staff, next_, "visit-reference-next")
    press(staff, start, "camera-start")
    for instruction in instructions:
        expect_text(staff, "camera-instruction", re.escape(instruction))
        act(staff, INSTRUCTIONS[instruction])
    widget(staff, "visit-face-result").wait_for(timeout=DECISION_TIMEOUT_MS)
    act(staff, "neutral")
    shows(staff, "visit-face-result", passed)
    shots(staff, "reference-checked")


def open_the_citizens_app(step: Step, demo: Demo, staff, shots) -> None:
    citizen = staff.context.new_page()  # the same camera (the context's fake device)
    demo.pages["citizen"] = citizen
    self_, agree = step.labels
    open_app(citizen, demo.url(step.urls[0]), "home-certify-self")
    shots(citizen, "citizen-home")
    press(citizen, self_, "home-certify-self")
    widget(citizen, "consent-agree").wait_for(timeout=TIMEOUT_MS)
    shots(citizen, "consent")
    press(citizen, agree, "consent-agree")


def type_who(step: Step, demo: Demo, staff, shots) -> None:
    citizen = demo.pages["citizen"]
    id_number, name = step.values
    widget(citizen, "identity-id").wait_for(timeout=TIMEOUT_MS)
    type_into(citizen, "identity-id", id_number)
    type_into(citizen, "identity-name", name)
    demo.pages["who"] = (id_number, name)
    shots(citizen, "identity")
    (next_,) = step.labels
    press(citizen, next_, "identity-next")


def follow_the_instructions(step: Step, demo: Demo, staff, shots) -> None:
    from tests.e2e.scripted_camera import act

    citizen = demo.pages["citizen"]
    start, *instructions = step.labels
    assert set(INSTRUCTIONS) <= set(instructions), "the challenge of the test clip is named in the README"
    press(citizen, start, "camera-start")
    for instruction in instructions:
        expect_text(citizen, "camera-instruction", re.escape(instruction))
        shots(citizen, f"camera-{INSTRUCTIONS[instruction]}")
        act(citizen, INSTRUCTIONS[instruction])
    widget(citizen, "outcome-title").wait_for(timeout=DECISION_TIMEOUT_MS)
    act(citizen, "neutral")


def see_the_receipt(step: Step, demo: Demo, staff, shots) -> None:
    citizen = demo.pages["citizen"]
    passed, method, home = step.labels
    expect_text(citizen, "outcome-title", re.escape(passed))
    expect_text(citizen, "receipt-certified", re.escape(method))
    expect_text(citizen, "receipt-name", r"王\*明")
    expect_text(citizen, "receipt-valid-until", "有效期至")
    assert widget(citizen, "receipt-qr").count() == 1
    shots(citizen, "receipt")
    press(citizen, home, "outcome-home")


def see_the_status(step: Step, demo: Demo, staff, shots) -> None:
    citizen = demo.pages["citizen"]
    check, submit, certified = step.labels
    press(citizen, check, "home-check-status")
    id_number, name = demo.pages["who"]
    widget(citizen, "status-id").wait_for(timeout=TIMEOUT_MS)
    type_into(citizen, "status-id", id_number)
    type_into(citizen, "status-name", name)
    press(citizen, submit, "status-submit")
    expect_text(citizen, "result-0-state", re.escape(certified))
    shots(citizen, "status")


DRIVERS: list[Callable[[Step, Demo, object, object], None]] = [
    start_the_demo,
    sign_in,
    open_the_person,
    check_the_id_card,
    take_the_reference_photo,
    check_the_reference_with_his_face,
    open_the_citizens_app,
    type_who,
    follow_the_instructions,
    see_the_receipt,
    see_the_status,
]


def test_readme_steps_are_numbered_and_each_has_a_driver() -> None:
    steps = readme_steps((REPO_ROOT / "README.md").read_text())
    assert [s.number for s in steps] == list(range(1, len(DRIVERS) + 1)), [s.number for s in steps]
    assert all(s.labels or s.values for s in steps)


def test_a_newcomer_follows_the_readme(demo: Demo, playwright_session, chromium_path, shots) -> None:
    from tests.e2e.scripted_camera import segments_from

    segments = segments_from(require_shared("faces", "videos", "d10.mp4"))
    browser, staff = open_scripted_camera_page(
        playwright_session, chromium_path, segments, SMALL_PHONE_VIEWPORT
    )
    try:
        for step, drive in zip(readme_steps((REPO_ROOT / "README.md").read_text()), DRIVERS, strict=True):
            drive(step, demo, staff, shots)
    finally:
        browser.close()
