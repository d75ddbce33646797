"""The back-office commands in a fresh process (as a clerk runs them): feed import with an error report,
the monthly run twice, disclosure list and spot-check draw, and the audit chain afterwards."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.shared_data import REPO_ROOT


def lifecert(url: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "--database-url", url, *args],
        check=False,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> str:
    from api.core.db import make_engine, make_sessionmaker, session_scope, upgrade
    from api.demo import seed_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'demo.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        seed_demo(session)
    engine.dispose()
    return url


def test_commands_end_to_end(demo_db, tmp_path):
    from api.demo import DEMO_PEOPLE

    person = next(p for p in DEMO_PEOPLE if p.name == "张建国")
    feed = tmp_path / "deaths.csv"
    feed.write_text(
        "id_number,name,death_date,source,heir_name,heir_phone\n"
        f"{person.id_number},张建国,2026-08-03,cremation,张小明,13700000000\n"
        "123,nobody,2026-01-01,death,,\n",
        encoding="utf-8",
    )
    first = lifecert(
        demo_db, "feed", "import", "death", str(feed), "--paid-through", "2026-11", "--quiet", cwd=tmp_path
    )
    assert first.returncode == 1, first.stderr  # one row rejected
    assert (
        "1 applied" in first.stdout
        and "1 recovery cases (1 of 3,000 yuan or more: credit list if refused)" in first.stdout
    )
    assert "18 characters" in (tmp_path / "deaths.errors.csv").read_text(encoding="utf-8-sig")
    again = lifecert(
        demo_db, "feed", "import", "death", str(feed), "--paid-through", "2026-11", "--quiet", cwd=tmp_path
    )
    assert "0 applied, 1 unchanged" in again.stdout

    bad = lifecert(demo_db, "feed", "import", "detention", str(feed), cwd=tmp_path)
    assert bad.returncode == 2 and "missing: start_date" in bad.stderr

    run = lifecert(demo_db, "cycle", "run", "--month", "2026-11", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    rerun = lifecert(demo_db, "cycle", "run", "--month", "2026-11", cwd=tmp_path)
    assert "0 suspended, 0 resumed, 0 reminders" in rerun.stdout and "nothing changed" in rerun.stdout
    assert lifecert(demo_db, "cycle", "run", "--month", "2026-13", cwd=tmp_path).returncode == 2

    sent = lifecert(demo_db, "notify", "send", "--via", f"file:{tmp_path / 'outbox.jsonl'}", cwd=tmp_path)
    assert sent.returncode == 0 and "张小明" in (tmp_path / "outbox.jsonl").read_text(encoding="utf-8")

    listed = lifecert(
        demo_db,
        "disclosure",
        person.region,
        "2026-H2",
        "--pdf",
        str(tmp_path / "list.pdf"),
        "--posting-from",
        "2026-11-23",
        cwd=tmp_path,
    )
    assert listed.returncode == 0, listed.stderr
    assert "posted 2026-11-23 to 2026-12-01" in listed.stdout
    assert (tmp_path / "list.pdf").read_bytes().startswith(b"%PDF")

    draw = lifecert(demo_db, "spotcheck", "draw", "2026-H2", "110101", cwd=tmp_path)
    assert draw.returncode == 0, draw.stderr  # the demo county has 2 townships × 2 villages
    assert (
        "townships 110101001, 110101002; villages 110101001001, 110101001002, 110101002001, 110101002002"
        in (draw.stdout)
    )
    too_many = lifecert(demo_db, "spotcheck", "draw", "2026-H1", "110101", "--townships", "3", cwd=tmp_path)
    assert too_many.returncode == 2 and "needs 3" in too_many.stderr

    verify = lifecert(demo_db, "audit", "verify", cwd=tmp_path)
    assert verify.returncode == 0 and "audit chain OK" in verify.stdout
