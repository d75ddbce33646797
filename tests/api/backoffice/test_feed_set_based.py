"""The set-based sign-of-life import (PostgreSQL: COPY into a staging table, joins) against the row-by-row
path: the same feed, on the same database state, gives the same report row by row and writes the same
certifications, payment changes, review items and audit events; the audit chains verify after both."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from api.audit import AuditEvent, verify_chain
from api.beneficiaries.models import Beneficiary, Certification, Entitlement
from api.comparison.models import FeedKind, FeedMismatch
from api.comparison.rows import read_feed
from api.comparison.service import import_rows
from api.comparison.signs_of_life_sql import usable
from api.core.operator import OperatorKind
from shared.enums import BenefitType, CertificationMethod, CertificationResult, PaymentState
from shared.idnumber import make_id_number
from tests.api.backoffice.helpers import feed_ctx, write_csv

SOL = ["id_number", "name", "event_date", "source"]


def _feed(session, make_person, tmp_path: Path) -> Path:
    ok = make_person(name="王建国", birth=date(1950, 3, 15))
    spaced = make_person(name="阿依古丽·买买提", birth=date(1951, 7, 2))
    certified = make_person(name="赵已证", birth=date(1950, 3, 15))
    [ent] = certified.entitlements
    session.add(  # this window certified already (a face check in April)
        Certification(
            beneficiary_id=certified.id,
            entitlement_id=ent.id,
            window_start=date(2026, 3, 1),
            window_end=date(2027, 2, 28),
            method=CertificationMethod.SELF_FACE,
            operator_kind=OperatorKind.SELF,
            result=CertificationResult.PASSED,
            evidence=[],
            certified_at=datetime(2026, 4, 10, 2, 0, tzinfo=UTC),
            local_date=date(2026, 4, 10),
        )
    )
    dead = make_person(name="钱故去", birth=date(1949, 5, 5))
    dead.deceased_on = date(2026, 6, 1)
    suspended = make_person(
        name="孙暂停", birth=date(1952, 1, 9), payment_state=PaymentState.SUSPENDED, suspended_since="2026-03"
    )
    two = make_person(
        name="李两项",
        birth=date(1953, 9, 30),
        benefits=(BenefitType.ENTERPRISE_PENSION, BenefitType.SURVIVOR),
    )
    stopped = make_person(name="周停发", payment_state=PaymentState.STOPPED)
    other = make_person(name="吴名字")
    session.commit()
    unknown = make_id_number("110101", date(1940, 1, 1), 998)
    rows = [
        [ok.id_number, "王建国", "2026-11-02", "hospital"],  # applied
        [ok.id_number, "王建国", "2026-11-05", "medical_insurance"],  # same person again: unchanged
        [spaced.id_number, "阿依古丽 • 买买提", "2026-10-01", "hospital"],  # same name once normalised
        [certified.id_number, "赵已证", "2026-11-02", "hospital"],  # window already certified
        [dead.id_number, "钱故去", "2026-11-02", "hospital"],  # deceased: refused
        [suspended.id_number, "孙暂停", "2026-11-10", "office_visit"],  # certified, payment resumed
        [two.id_number, "李两项", "2026-11-11", "other"],  # both entitlements
        [stopped.id_number, "周停发", "2026-11-02", "hospital"],  # nothing to certify
        [other.id_number, "吴明字", "2026-11-02", "hospital"],  # name mismatch: review list
        [other.id_number, "吴明字", "2026-11-02", "hospital"],  # the same mismatch again: unchanged
        [ok.id_number, "王建国", "2026-12-30", "hospital"],  # in the future
        [ok.id_number, "王建国", "2026-02-10", "hospital"],  # before the current window
        [unknown, "李四", "2026-11-02", "hospital"],  # not on the roll
        ["110101195003150000", "坏号", "2026-11-02", "hospital"],  # invalid ID number
        [ok.id_number, "王建国", "2026-13-02", "hospital"],  # bad date
        [ok.id_number, "王建国", "2026-11-02", "telepathy"],  # bad source
        [ok.id_number, "", "2026-11-02", "hospital"],  # empty name
        ["", "王建国", "2026-11-02", "hospital"],  # empty ID number
    ]
    return write_csv(tmp_path / "sol.csv", SOL, rows)


def _run(session, path: Path, set_based: bool) -> tuple[dict[str, Any], int]:
    report = import_rows(
        session,
        FeedKind.SIGN_OF_LIFE,
        read_feed(path, FeedKind.SIGN_OF_LIFE),
        file_name=path.name,
        ctx=feed_ctx(),
        per_row=True,
        set_based=set_based,
    )
    session.flush()
    outcome = {
        "counts": (report.rows, report.applied, report.unchanged, report.mismatched),
        "errors": [(e.row_number, e.id_number, e.message, e.code) for e in report.errors],
        "applied": sorted(report.applied_rows),
        "unchanged": sorted(report.unchanged_rows),
        "mismatched": sorted(report.mismatched_rows),
    }
    return outcome, report.run_id


def _written(session, run_id: int, since_seq: int) -> dict[str, Any]:
    """What the run wrote, with the run's id and new row ids taken out (they differ between two runs)."""

    def plain(value: Any) -> str:
        return re.sub(rf"\bfeed([: ]){run_id}\b", r"feed\1RUN", str(value))

    certs = session.execute(
        sa.select(Certification).where(Certification.operator_id == run_id).order_by(Certification.id)
    ).scalars()
    events = session.execute(
        sa.select(AuditEvent).where(AuditEvent.seq > since_seq).order_by(AuditEvent.seq)
    ).scalars()
    return {
        "certifications": sorted(
            (
                c.beneficiary_id,
                c.entitlement_id,
                c.window_start,
                c.window_end,
                c.method,
                c.operator_kind,
                c.result,
                plain(c.evidence),
                c.certified_at,
                c.local_date,
            )
            for c in certs
        ),
        "entitlements": [
            (e.id, e.payment_state, e.suspended_since)
            for e in session.execute(sa.select(Entitlement).order_by(Entitlement.id)).scalars()
        ],
        "mismatches": sorted(
            (m.row_number, m.beneficiary_id, m.feed_name, plain(m.row))
            for m in session.execute(
                sa.select(FeedMismatch).where(FeedMismatch.feed_run_id == run_id)
            ).scalars()
        ),
        # entity ids of new rows differ; the action, subject and content (ids masked) must not
        "audit": sorted((e.action, e.entity_type, plain(_masked(e.after)), plain(e.reason)) for e in events),
    }


NEW_IDS = {"id", "reference", "feed_mismatch_id", "certification_id", "case_id"}


def _masked(value: Any) -> Any:
    """An audit snapshot without the ids of rows the run created (and random case references)."""
    if isinstance(value, dict):
        return {k: "NEW" if k in NEW_IDS else _masked(v) for k, v in value.items()}
    return value


def test_set_based_and_row_by_row_give_the_same_results(session, make_person, tmp_path):
    if not usable(session):
        pytest.skip("the set-based path runs on PostgreSQL only (SQLite keeps the row-by-row path)")
    path = _feed(session, make_person, tmp_path)
    seq0 = session.execute(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.seq), 0))).scalar_one()

    by_row, run_a = _run(session, path, set_based=False)
    written_by_row = _written(session, run_a, seq0)
    assert verify_chain(session).ok
    session.rollback()
    set_based, run_b = _run(session, path, set_based=True)
    written_set_based = _written(session, run_b, seq0)
    assert verify_chain(session).ok
    session.commit()

    for key in by_row:
        assert set_based[key] == by_row[key], key
    for key in written_by_row:
        assert written_set_based[key] == written_by_row[key], key
    # the scenario covers what it says (so the comparison cannot pass on two empty results)
    assert by_row["counts"] == (18, 4, 3, 1)
    codes = {e[0]: e[3] for e in by_row["errors"]}
    assert codes[14] == "not_on_roll" and codes[15] == "invalid_id_number" and codes[16] == "bad_date"
    assert len(written_by_row["certifications"]) == 5
    suspended = session.execute(sa.select(Beneficiary).where(Beneficiary.name == "孙暂停")).scalar_one()
    ent = session.execute(
        sa.select(Entitlement).where(Entitlement.beneficiary_id == suspended.id)
    ).scalar_one()
    assert ent.payment_state is PaymentState.ACTIVE

    # a second import of the same file changes nothing, on the set-based path too
    again, _ = _run(session, path, set_based=True)
    assert again["counts"] == (18, 0, 8, 0)
    assert verify_chain(session).ok
