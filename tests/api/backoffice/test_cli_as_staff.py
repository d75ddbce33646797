"""``--as-staff USERNAME`` on the commands that act on people: a fresh process (as a clerk runs it) gets the
account's region scope and role check, and the audit trail names the account — on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from api.audit import AuditEvent
from api.beneficiaries.models import Entitlement
from api.cycle_jobs.models import CycleRun
from shared.enums import PaymentState, StaffRole
from tests.api.backoffice.test_cli import lifecert

VILLAGE, OTHER_VILLAGE = "110101001001", "110102001001"


def _staff(session, username: str, role: StaffRole, region: str) -> int:
    from api.auth import service
    from tests.api.factories import ensure_regions

    ensure_regions(session, region)
    staff = service.create_staff(
        session,
        username=username,
        name=username,
        role=role,
        password="correct horse",
        region_code=region,
        actor="system:test",
    )
    session.commit()
    return staff.id


def test_commands_run_as_a_staff_account_stay_in_its_region(db_url, session, make_person, tmp_path):
    ours = make_person(name="本县人", region_code=VILLAGE)  # never certified: overdue
    theirs = make_person(name="外县人", region_code=OTHER_VILLAGE)
    county_admin = _staff(session, "county_admin", StaffRole.ADMIN, "110101")
    _staff(session, "other_admin", StaffRole.ADMIN, "110102")
    _staff(session, "other_coordinator", StaffRole.COORDINATOR, OTHER_VILLAGE)

    refused = lifecert(
        db_url, "cycle", "run", "--month", "2026-11", "--as-staff", "other_coordinator", cwd=tmp_path
    )
    assert refused.returncode == 2 and "needs: admin" in refused.stderr
    nobody = lifecert(db_url, "cycle", "run", "--month", "2026-11", "--as-staff", "nobody", cwd=tmp_path)
    assert nobody.returncode == 2 and "no active staff account" in nobody.stderr

    run = lifecert(db_url, "cycle", "run", "--month", "2026-11", "--as-staff", "county_admin", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "1 entitlements checked, 1 suspended" in run.stdout
    session.expire_all()
    states = {
        e.beneficiary_id: e.payment_state
        for e in session.execute(
            sa.select(Entitlement).where(Entitlement.beneficiary_id.in_([ours.id, theirs.id]))
        ).scalars()
    }
    assert states == {ours.id: PaymentState.SUSPENDED, theirs.id: PaymentState.ACTIVE}
    cycle_run = session.execute(sa.select(CycleRun).order_by(CycleRun.id.desc())).scalars().first()
    assert cycle_run.region_code == "110101" and cycle_run.actor == f"staff:{county_admin}"
    assert session.execute(
        sa.select(AuditEvent.actor).where(AuditEvent.action == "cycle.run")
    ).scalars().all() == [f"staff:{county_admin}"]

    outside = lifecert(
        db_url, "disclosure", VILLAGE, "2026-H2", "--as-staff", "other_coordinator", cwd=tmp_path
    )
    unknown = lifecert(db_url, "disclosure", "110101001999", "2026-H2", cwd=tmp_path)
    assert outside.returncode == unknown.returncode == 2
    assert outside.stderr.replace(VILLAGE, "X") == unknown.stderr.replace("110101001999", "X")
    listed = lifecert(db_url, "disclosure", VILLAGE, "2026-H2", "--as-staff", "county_admin", cwd=tmp_path)
    assert listed.returncode == 0 and ": 1 people;" in listed.stdout, listed.stderr

    far = lifecert(
        db_url, "spotcheck", "draw", "2026-H2", "110101", "--as-staff", "other_admin", cwd=tmp_path
    )
    none = lifecert(db_url, "spotcheck", "draw", "2026-H2", "110109", cwd=tmp_path)
    assert far.returncode == none.returncode == 2
    assert far.stderr.replace("110101", "X") == none.stderr.replace("110109", "X")
