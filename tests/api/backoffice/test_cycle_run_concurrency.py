"""Two runs of one month at the same time (issue 16, finding 6), in two real processes on SQLite and
PostgreSQL: every overdue entitlement is suspended once (one audit event each), every late-certified one is
resumed once (one back-pay record each), and there is one run record with changes — the other run is
refused or, when it only started after the first had finished, changes nothing. ``lifecert cycle run``
refuses a month another run holds, with a clear message, and writes nothing."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from api.audit import AuditEvent
from api.beneficiaries.models import Entitlement
from api.certification.models import PaymentResumption
from api.cycle_jobs.models import CycleRun
from shared.enums import PaymentState
from tests.shared_data import REPO_ROOT

OVERDUE = 120
LATE = 15
MONTH = "2026-11"

DRIVER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path

    import api.models  # noqa: F401
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.core.region_paths import RegionPaths
    from api.cycle_jobs.month_lock import RunInProgress
    from api.cycle_jobs.service import run_month
    from shared.months import YearMonth
    from shared.policy import PolicyTable

    url, ready, go = sys.argv[1:4]
    engine = make_engine(url)
    with engine.connect() as conn:  # connected and imported before the start signal
        conn.exec_driver_sql("SELECT 1")
    Path(ready).touch()
    while not Path(go).exists():
        time.sleep(0.002)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            report = run_month(
                session, YearMonth.parse("MONTH"), policy=PolicyTable(), region_paths=RegionPaths(),
                actor="system:" + Path(ready).stem,
            )
    except RunInProgress as exc:
        print("refused:", exc)
        sys.exit(3)
    print("ran", len(report.suspended), len(report.resumed))
    """
).replace("MONTH", MONTH)


def _seed(session, make_person) -> None:
    people = [
        make_person(name="钱多多", birth=date(1950, 11, 15), certified_on=date(2024, 12, 1))
        for _ in range(OVERDUE)
    ] + [
        make_person(
            name="冯晓",
            birth=date(1950, 11, 16),
            payment_state=PaymentState.SUSPENDED,
            suspended_since="2026-09",
            certified_on=date(2026, 10, 20),
        )
        for _ in range(LATE)
    ]
    ids = [p.id for p in people]
    session.execute(
        sa.update(Entitlement)
        .where(Entitlement.beneficiary_id.in_(ids))
        .values(entitled_since=date(2020, 1, 1))
    )
    session.commit()


def _counts(session) -> tuple[int, int, list[tuple[int, int, str | None]]]:
    session.expire_all()
    suspends = session.execute(
        sa.select(sa.func.count(), sa.func.count(sa.distinct(AuditEvent.entity_id))).where(
            AuditEvent.action == "entitlement.suspend"
        )
    ).one()
    assert suspends[0] == suspends[1], f"an entitlement was suspended twice: {suspends}"
    resumptions = session.execute(
        sa.select(sa.func.count(), sa.func.count(sa.distinct(PaymentResumption.entitlement_id)))
    ).one()
    assert resumptions[0] == resumptions[1], f"back pay recorded twice: {resumptions}"
    runs = session.execute(
        sa.select(CycleRun.suspended, CycleRun.resumed, CycleRun.state).where(CycleRun.month == MONTH)
    ).all()
    return suspends[0], resumptions[0], [tuple(r) for r in runs]


def _wait_for(paths: list[Path], procs: list[subprocess.Popen]) -> None:
    while not all(p.exists() for p in paths):
        for proc in procs:
            assert proc.poll() is None, proc.communicate()
        time.sleep(0.01)


def test_two_simultaneous_runs_change_everything_once(db_url, session, make_person, tmp_path) -> None:
    _seed(session, make_person)
    script = tmp_path / "driver.py"
    script.write_text(DRIVER, encoding="utf-8")
    go = tmp_path / "go"
    ready = [tmp_path / "first.ready", tmp_path / "second.ready"]
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), db_url, str(r), str(go)],
            cwd=REPO_ROOT,
            env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for r in ready
    ]
    try:
        _wait_for(ready, procs)
        go.touch()  # both start their run now
        results = [p.communicate(timeout=300) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    codes = [p.returncode for p in procs]
    outputs = [out + err for out, err in results]
    assert sorted(codes) in ([0, 0], [0, 3]), outputs
    suspended, resumed, runs = _counts(session)
    assert (suspended, resumed) == (OVERDUE, LATE), outputs
    assert [r for r in runs if r[0] or r[1]] == [(OVERDUE, LATE, None)], runs
    assert all(state is None for *_, state in runs)  # nothing left "running"
    if codes == [0, 0]:  # the second started after the first had finished: a no-op run
        assert any(o.startswith("ran 0 0") for o in outputs), outputs
    else:
        refused = outputs[codes.index(3)]
        assert f"a cycle run of {MONTH} is already in progress" in refused, refused


def _hold_month(db_url: str, engine):
    """Hold the month as a running run would (PostgreSQL: its advisory lock; SQLite: its running row)."""
    from api.cycle_jobs.month_lock import LOCK_NAMESPACE, RUNNING

    conn = engine.connect()
    if db_url.startswith("postgresql"):
        conn.execute(sa.select(sa.func.pg_advisory_lock(LOCK_NAMESPACE, 202611)))
        return conn, lambda: conn.execute(sa.select(sa.func.pg_advisory_unlock(LOCK_NAMESPACE, 202611)))
    from api.core.db import utcnow

    conn.execute(
        sa.insert(CycleRun).values(
            month=MONTH,
            actor="system:other",
            state=RUNNING,
            report={},
            created_at=utcnow(),
            suspended=0,
            resumed=0,
            reminders=0,
        )
    )
    conn.commit()

    def release() -> None:
        conn.execute(sa.delete(CycleRun).where(CycleRun.state == RUNNING))
        conn.commit()

    return conn, release


def test_cli_refuses_a_month_in_progress(db_url, engine, session, make_person) -> None:
    overdue = make_person(name="孙悟", birth=date(1950, 11, 18), certified_on=date(2024, 12, 1))
    session.execute(
        sa.update(Entitlement)
        .where(Entitlement.beneficiary_id == overdue.id)
        .values(entitled_since=date(2020, 1, 1))
    )
    session.commit()
    conn, release = _hold_month(db_url, engine)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "api.cli", "--database-url", db_url, "cycle", "run", "--month", MONTH],
            cwd=REPO_ROOT,
            env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 3, proc.stdout + proc.stderr
        assert f"a cycle run of {MONTH} is already in progress" in proc.stderr
        assert "changed nothing" in proc.stderr
        session.expire_all()
        ent = session.execute(
            sa.select(Entitlement).where(Entitlement.beneficiary_id == overdue.id)
        ).scalar_one()
        assert ent.payment_state is PaymentState.ACTIVE
    finally:
        release()
        conn.close()


def test_an_abandoned_running_row_is_taken_over(db_url, engine, session, make_person) -> None:
    """SQLite: a run whose process died leaves its "running" row; an hour later the month is free again."""
    if db_url.startswith("postgresql"):
        return  # the advisory lock ends with the dead process's connection
    from datetime import timedelta

    from api.core.db import utcnow
    from api.core.region_paths import RegionPaths
    from api.cycle_jobs.month_lock import RUNNING
    from api.cycle_jobs.service import run_month
    from shared.months import YearMonth
    from shared.policy import PolicyTable

    with engine.begin() as conn:
        conn.execute(
            sa.insert(CycleRun).values(
                month="2026-12",
                actor="system:dead",
                state=RUNNING,
                report={},
                created_at=utcnow() - timedelta(hours=2),
                suspended=0,
                resumed=0,
                reminders=0,
            )
        )
    run_month(
        session, YearMonth(2026, 12), policy=PolicyTable(), region_paths=RegionPaths(), actor="system:test"
    )
    session.commit()
    states = session.execute(
        sa.select(CycleRun.state, CycleRun.actor).where(CycleRun.month == "2026-12")
    ).all()
    assert [tuple(s) for s in states] == [(None, "system:test")]


def test_run_does_not_resume_again_what_a_certification_resumed_meanwhile(
    db_url, engine, session, make_person
) -> None:
    """PostgreSQL (SQLite has one writer, so the run reads after the certification's commit): a certification
    holds the person (FOR UPDATE, as every certification path does) and resumes the entitlement with back
    pay; the run, started meanwhile, waits for the person and then finds the entitlement active — one
    back-pay record, not two."""
    if not db_url.startswith("postgresql"):
        return
    import threading

    from api.beneficiaries.models import Beneficiary
    from api.certification.models import PaymentResumption
    from api.core.db import make_sessionmaker
    from api.core.region_paths import RegionPaths
    from api.cycle_jobs.service import run_month
    from api.payments.resume import resume_after_certification
    from shared.months import YearMonth
    from shared.policy import PolicyTable

    person = make_person(
        name="冯晓",
        birth=date(1950, 11, 16),
        payment_state=PaymentState.SUSPENDED,
        suspended_since="2026-09",
        certified_on=date(2026, 10, 20),
    )
    session.execute(
        sa.update(Entitlement)
        .where(Entitlement.beneficiary_id == person.id)
        .values(entitled_since=date(2020, 1, 1))
    )
    session.commit()
    cert_id = session.execute(
        sa.text("SELECT id FROM certifications WHERE beneficiary_id = :p"), {"p": person.id}
    ).scalar_one()
    sessions = make_sessionmaker(engine)
    certifying = sessions()
    certifying.get(Beneficiary, person.id, with_for_update=True)
    ent = certifying.execute(
        sa.select(Entitlement).where(Entitlement.beneficiary_id == person.id)
    ).scalar_one()
    resume_after_certification(
        certifying,
        ent,
        certification_id=cert_id,
        certified_on=date(2026, 10, 20),
        policy=PolicyTable(),
        region_paths=RegionPaths(),
        actor="self",
    )
    certifying.flush()
    outcome: dict[str, object] = {}

    def run() -> None:
        with sessions() as s:
            outcome["report"] = run_month(
                s, YearMonth(2026, 12), policy=PolicyTable(), region_paths=RegionPaths(), actor="system:test"
            )
            s.commit()

    thread = threading.Thread(target=run)
    thread.start()
    # wait until the run waits for the person's lock; each poll in its own transaction: PostgreSQL shows
    # one transaction the same pg_stat_activity snapshot throughout, so polling inside one never sees the
    # wait begin (the CI run that hung here for 100 minutes)
    deadline = time.monotonic() + 120
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watch:
        while not watch.execute(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
        ).scalar():
            assert thread.is_alive(), outcome
            assert time.monotonic() < deadline, "the run never waited for the person's lock"
            time.sleep(0.01)
    certifying.commit()
    certifying.close()
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert outcome["report"].resumed == []
    session.expire_all()
    count = session.execute(
        sa.select(sa.func.count())
        .select_from(PaymentResumption)
        .where(PaymentResumption.entitlement_id == ent.id)
    ).scalar_one()
    assert count == 1
