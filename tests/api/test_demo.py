"""The demo roster: seeded idempotently, every demo person answers the status lookup as described."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from api.audit import verify_chain
from api.beneficiaries.models import Beneficiary
from api.cli import main as cli_main
from api.core.db import make_sessionmaker, session_scope
from api.core.settings import Settings
from api.demo import DEMO_PEOPLE, seed_demo
from api.policy_loader import load_policy

EXPECTED_STATE = {
    "张建国": ["certified"],
    "李秀英": ["due"],
    "王德明": ["suspended"],
    "陈美华": ["certified"],
    "刘志强": ["certified", "certified"],
    "赵淑珍": ["certified"],
    "孙国庆": ["overdue"],
    "周丽娟": ["certified"],
    "吴天佑": ["due"],
    "郑桂兰": ["stopped"],
    "刘桂芝": ["due"],
    "马德胜": ["due"],
    "钱玉兰": ["due"],
    "黄振华": ["overdue"],
    "周秀云": ["certified"],
    "郭淑华": ["certified"],
    "吴建华": ["certified"],
}
# The README's table: these three keep their ID numbers and names.
README_PEOPLE = {
    "110101195506120115": "张建国",
    "11010119500308022X": "李秀英",
    "110101194811020319": "王德明",
}


def test_seed_is_idempotent_and_audited(engine) -> None:
    factory = make_sessionmaker(engine)
    policy = load_policy(Settings().policy_file)
    with session_scope(factory) as s:
        first = seed_demo(s, policy=policy)
    with session_scope(factory) as s:
        assert seed_demo(s, policy=policy) == 0
    with factory() as s:
        numbers = set(s.execute(sa.select(Beneficiary.id_number)).scalars())
        assert {p.id_number for p in DEMO_PEOPLE} <= numbers
        assert first == len(DEMO_PEOPLE)
        assert verify_chain(s).ok


def test_every_demo_person_answers_as_described(client, engine) -> None:
    with session_scope(make_sessionmaker(engine)) as s:
        seed_demo(s, policy=load_policy(Settings().policy_file))
    assert set(EXPECTED_STATE) == {p.name for p in DEMO_PEOPLE}
    for p in DEMO_PEOPLE:
        resp = client.post("/api/v1/status", json={"id_number": p.id_number, "name": p.name})
        assert resp.status_code == 200, (p.name, resp.text)
        states = [e["state"] for e in resp.json()["entitlements"]]
        assert states == EXPECTED_STATE[p.name], (p.name, p.note, resp.json())
        for e in resp.json()["entitlements"]:
            if e["state"] == "suspended":
                # Missed the window right before this one: suspended from this window's first month.
                assert e["suspended_since"] == e["window_start"][:7], (p.name, e)
        visit = resp.json()["visit"]
        if p.visit is None:
            assert visit is None, (p.name, visit)
        else:
            assert visit["state"] == "requested" and visit["scheduled_on"] is None, (p.name, visit)


def test_readme_people_and_the_shape_of_the_roster() -> None:
    from api.demo import DEMO_REGIONS

    assert {p.id_number: p.name for p in DEMO_PEOPLE if p.id_number in README_PEOPLE} == README_PEOPLE
    townships = [r.code for r in DEMO_REGIONS if r.level.value == "township" and r.parent_code == "110101"]
    villages = {t: [r.code for r in DEMO_REGIONS if r.parent_code == t] for t in townships}
    assert len(townships) >= 2 and all(len(v) >= 2 for v in villages.values()), villages
    lengths = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}
    assert all(len(r.code) == lengths[r.level.value] for r in DEMO_REGIONS)
    aged = [p for p in DEMO_PEOPLE if p.birth.year <= 1945 and not p.deceased]  # 80 or more in 2026
    assert len(aged) >= 3
    assert any(p.bedridden for p in DEMO_PEOPLE) and any(p.visit for p in DEMO_PEOPLE)


def test_cli_db_upgrade_and_audit_verify(db_url, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LIFECERT_DATABASE_URL", db_url)
    assert cli_main(["db", "upgrade"]) == 0
    assert cli_main(["audit", "verify"]) == 0
    assert "audit chain OK" in capsys.readouterr().out


def test_lifecert_demo_serves_the_demo_people_and_stops_on_ctrl_c(tmp_path) -> None:
    """The README's first command, minus the web client: a fresh SQLite DB, migrate, seed, serve, Ctrl-C."""
    import json
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "LIFECERT_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "LIFECERT_ENV": "test",  # no background face-model loading in this test
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "demo", "--no-client", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        person = DEMO_PEOPLE[0]
        body = json.dumps({"id_number": person.id_number, "name": person.name}).encode()
        deadline = time.monotonic() + 60
        answer = None
        while time.monotonic() < deadline and answer is None:
            try:
                req = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/v1/status", body, {"content-type": "application/json"}
                )
                with urllib.request.urlopen(req, timeout=5) as resp:
                    answer = json.loads(resp.read())
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stdout.read()
                time.sleep(0.3)
        assert answer is not None, "the demo API did not answer within 60 s"
        assert answer["masked_name"] == "张*国" and answer["entitlements"][0]["state"] == "certified"
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode in (0, 130), out
    assert person.id_number in out and person.name in out  # the demo people are printed on start
    assert (
        "demo-coordinator-2" in out and "110101002001 隆福寺社区" in out
    )  # and the staff with their regions


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_lifecert_demo_serves_both_web_apps_and_stops_them_on_ctrl_c(tmp_path) -> None:
    """`lifecert demo` with its web apps: the citizens' app and the staff app each answer on their own port
    (``--client-port`` / ``--staff-port``), both URLs are printed, and Ctrl-C stops both subprocesses."""
    import os
    import re
    import signal
    import subprocess
    import sys
    import time

    import httpx

    from api.demo import client_available

    assert client_available("app.citizen") and client_available("app.staff")
    api_port, citizen_port, staff_port = _free_port(), _free_port(), _free_port()
    env = {
        **os.environ,
        "LIFECERT_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "LIFECERT_ENV": "test",
    }
    env.pop("DISPLAY", None)
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "api.cli",
                "demo",
                "--port",
                str(api_port),
                "--client-port",
                str(citizen_port),
                "--staff-port",
                str(staff_port),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        pending = {
            f"http://127.0.0.1:{api_port}/healthz",
            f"http://127.0.0.1:{citizen_port}/",
            f"http://127.0.0.1:{staff_port}/",
        }
        deadline = time.monotonic() + 180
        while pending and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            for url in sorted(pending):
                try:
                    if httpx.get(url, timeout=2).is_success:
                        pending.discard(url)
                except httpx.TransportError:
                    pass
            time.sleep(0.3)
        assert not pending, f"{sorted(pending)} did not answer within 180 s:\n{log.read_text()[-3000:]}"
        started = dict(
            re.findall(
                r"^(citizens' app|staff app): http://127\.0\.0\.1:\d+ +\(pid (\d+)\)$",
                log.read_text(),
                re.MULTILINE,
            )
        )
        assert set(started) == {"citizens' app", "staff app"}, log.read_text()
        for what, module, port in (
            ("citizens' app", "app.citizen", citizen_port),
            ("staff app", "app.staff", staff_port),
        ):
            cmdline = Path(f"/proc/{started[what]}/cmdline").read_bytes().split(b"\0")
            assert [b"-m", module.encode(), b"--port", str(port).encode()] == cmdline[1:5], cmdline
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    out = log.read_text()
    assert proc.returncode in (0, 130), out
    assert f"citizens' app: http://127.0.0.1:{citizen_port} " in out
    assert f"staff app: http://127.0.0.1:{staff_port} " in out
    assert "sign in as demo-admin" in out
    for pid in started.values():  # Ctrl-C stopped both web apps (the demo waited for them)
        assert not Path(f"/proc/{pid}").exists(), f"web app {pid} still runs"


def test_demo_staff_accounts_sign_in_with_their_regions(client, engine) -> None:
    from api.demo import DEMO_STAFF_PASSWORD, DEMO_STAFF_USERNAME, seed_demo_staff

    expected = {
        "demo-coordinator": ("coordinator", "110101001001"),
        "demo-coordinator-2": ("coordinator", "110101002001"),
        "demo-reviewer": ("reviewer", "110101"),
        DEMO_STAFF_USERNAME: ("admin", "110101"),
    }
    with session_scope(make_sessionmaker(engine)) as s:
        assert sorted(seed_demo_staff(s)) == sorted(expected)
    with session_scope(make_sessionmaker(engine)) as s:
        assert seed_demo_staff(s) == []  # idempotent
    for username, (role, region) in expected.items():
        ok = client.post(
            "/api/v1/auth/staff/login", json={"username": username, "password": DEMO_STAFF_PASSWORD}
        )
        assert ok.status_code == 200, ok.text
        me = client.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {ok.json()['access_token']}"})
        assert me.status_code == 200 and (me.json()["role"], me.json()["region_code"]) == (role, region), (
            me.text
        )


def test_demo_work_lists_follow_the_coordinators_villages(client, engine) -> None:
    from api.demo import DEMO_STAFF_PASSWORD, seed_demo_staff

    with session_scope(make_sessionmaker(engine)) as s:
        seed_demo(s, policy=load_policy(Settings().policy_file))
        seed_demo_staff(s)

    def names(username: str) -> dict[str, dict]:
        token = client.post(
            "/api/v1/auth/staff/login", json={"username": username, "password": DEMO_STAFF_PASSWORD}
        ).json()["access_token"]
        page = client.get("/api/v1/worklist", headers={"Authorization": f"Bearer {token}"})
        assert page.status_code == 200, page.text
        return {e["name"]: e for e in page.json()["items"]}

    first, second, county = names("demo-coordinator"), names("demo-coordinator-2"), names("demo-admin")
    assert {"王德明", "孙国庆"} <= set(first) and not {"马德胜", "钱玉兰", "刘桂芝"} & set(first)
    assert set(second) == {"马德胜", "钱玉兰"}
    assert second["马德胜"]["special_groups"] == ["aged", "bedridden"]
    assert second["钱玉兰"]["visit"]["state"] == "requested"
    assert {"刘桂芝", "黄振华", "王德明", "马德胜"} <= set(county)
    assert (
        county["黄振华"]["state"] == "overdue" and "severely_disabled" in county["黄振华"]["special_groups"]
    )
    assert "陈美华" not in county  # Hangzhou is outside the county


def test_demo_refuses_to_run_in_production(monkeypatch, tmp_path, capsys) -> None:
    from api.demo import run_demo

    monkeypatch.setenv("LIFECERT_ENV", "production")
    monkeypatch.setenv("LIFECERT_SECRET_KEY", "Qm7vR2xK9pL4wN8sT1yB6cF3hJ0dG5zE")
    monkeypatch.setenv("LIFECERT_AUDIT__KEY", "an audit key of at least 32 characters")
    monkeypatch.setenv("LIFECERT_STORAGE__ENCRYPTION_KEY", "a storage key of at least 32 characters")
    # production needs PostgreSQL (never reached: the demo refuses first)
    monkeypatch.setenv("LIFECERT_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/prod")
    assert run_demo(with_client=False) == 2
    assert "not in production" in capsys.readouterr().err
    assert not (tmp_path / "prod.sqlite3").exists()  # nothing was created or seeded
