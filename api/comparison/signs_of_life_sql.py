"""A sign-of-life feed on PostgreSQL, set-based: the rows are COPYed into a temporary staging table, matched
against the roll with joins, and certified with one INSERT … SELECT. Same rules and same per-row results as
the row-by-row path (:mod:`api.comparison.service` with :func:`record_signs_of_life`, which SQLite keeps).

Where each rule lives:

* parsing and row validation: :func:`api.comparison.rows.read_feed_lines` (the same parser feeds the COPY);
* the name check: rows whose stored name equals the feed's name are matched in SQL (equal text normalises
  equally); the few others are read back and compared with :func:`normalise_name` in Python;
* the certification window: computed in Python with :func:`shared.cycle.window_for` (through
  ``signs_of_life._window``) once per (region, benefit, birth month) the feed touches, written to a small
  temporary table and joined — the SQL only compares dates against those bounds. Windows are whole months
  and follow each other, so a sign of life on or before today is in the current window exactly when it is
  on or after the window's start;
* duplicates (a window already certified, or two rows for one person): the first row (lowest row number)
  certifies, later ones are unchanged — as the row-by-row path does in file order;
* audit events: one hash-chained event per certification, written by :func:`bulk_audit.append_many` in row
  order (the chain is sequential HMAC, so it is computed in Python; the rows go in with COPY).

Name mismatches (the review list) and suspended payments that resume are few and go through the same
Python code as the row-by-row path.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from api.beneficiaries.models import Entitlement
from api.comparison.bulk_audit import PendingEvent, _text, append_many
from api.comparison.feed import FeedContext, FeedPerson, FeedReport, Matched
from api.comparison.mismatches import open_mismatches
from api.comparison.models import FeedKind, FeedRun
from api.comparison.rows import FeedRow, RowError, id_problem, normalise_name
from api.comparison.signs_of_life import _window
from api.core.db import utcnow
from api.core.operator import OperatorKind
from api.payments.resume import resume_after_certification
from api.payments.transitions import held_by_detention
from shared.enums import BenefitType, CertificationMethod, CertificationResult, PaymentState

PROGRESS_STEP = 5000


def usable(session: Session) -> bool:
    """The set-based path needs PostgreSQL through psycopg (COPY)."""
    dialect = session.get_bind().dialect
    return dialect.name == "postgresql" and dialect.driver == "psycopg"


def import_signs_of_life(
    session: Session,
    rows: Iterator[FeedRow | RowError],
    *,
    ctx: FeedContext,
    run: FeedRun,
    report: FeedReport,
    region_code: str | None,
    bar: Any,
) -> None:
    """Every row of a sign-of-life feed, set-based (see the module's doc); fills ``report``."""
    dbapi = session.connection().connection.dbapi_connection
    if dbapi is None:
        raise RuntimeError("the session's database connection is closed")
    cur: Any = dbapi.cursor()
    n = int(run.id)
    stage, cand, win, new = f"feed_stage_{n}", f"feed_cand_{n}", f"feed_win_{n}", f"feed_new_{n}"
    try:
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute(
            f"CREATE TEMP TABLE {stage} (row_number integer NOT NULL, id_number text NOT NULL, "
            "name text NOT NULL, event_date date NOT NULL, detail text NOT NULL, heir_name text, "
            "heir_phone text) ON COMMIT DROP"
        )
        staged: list[int] = []
        count = 0
        shown = 0
        with cur.copy(f"COPY {stage} FROM STDIN") as copy:
            write = copy.write_row
            for item in rows:
                report.rows += 1
                if isinstance(item, RowError):
                    report.errors.append(item)
                else:
                    count += 1
                    write(
                        (
                            item.row_number,
                            item.id_number,
                            item.name,
                            item.event_date,
                            item.detail,
                            item.heir_name,
                            item.heir_phone,
                        )
                    )
                    if report.per_row:
                        staged.append(item.row_number)
                if report.rows - shown >= PROGRESS_STEP:
                    bar.update(report.rows - shown)
                    shown = report.rows
        bar.update(report.rows - shown)
        stopped = PaymentState.STOPPED.value
        # One row per (feed row, certifiable entitlement): NULL person columns for an ID number not on the
        # roll, NULL entitlement columns for a person without an entitlement that is not stopped.
        cur.execute(
            f"CREATE TEMP TABLE {cand} ON COMMIT DROP AS "
            "SELECT s.row_number, s.id_number, s.name, s.event_date, s.detail, s.heir_name, s.heir_phone, "
            "b.id AS person_id, b.name AS person_name, b.birth_date, b.region_code, b.time_zone, "
            "b.deceased_on, extract(month FROM b.birth_date)::integer AS birth_month, "
            "e.id AS ent_id, e.benefit_type, e.payment_state "
            f"FROM {stage} s LEFT JOIN beneficiaries b ON b.id_number = s.id_number "
            f"LEFT JOIN entitlements e ON e.beneficiary_id = b.id AND e.payment_state <> '{stopped}'"
        )
        cur.execute(f"ANALYZE {cand}")
        done: set[int] = set()  # rows already reported (refused, or on the review list)
        done |= _not_on_roll(cur, cand, ctx, report)
        pairs = cur.execute(
            f"SELECT DISTINCT region_code, benefit_type FROM {cand} WHERE person_id IS NOT NULL"
        ).fetchall()
        outside, out_rows = _outside(session, cur, cand, ctx, report, region_code, {r for r, _ in pairs})
        done |= out_rows
        similar, mismatches = _names(cur, cand, outside)
        if mismatches:
            open_mismatches(session, FeedKind.SIGN_OF_LIFE, mismatches, run, report, ctx.actor)
            done |= {m.row.row_number for m in mismatches}
        params: dict[str, Any] = {"outside": outside, "similar": similar, "today": ctx.today}
        _windows(session, cur, win, ctx, pairs)
        refused, cut = _refusals(cur, cand, win, params)
        _certify(cur, cand, win, new, params, cut, run)
        applied = _audit_and_resume(session, cur, new, ctx, run)
        for row_number in sorted(refused):
            id_number, message = refused[row_number]
            report.errors.append(RowError(row_number, id_number, message))
        done |= set(refused)
        certified = applied - set(refused)
        report.applied += len(certified)
        report.unchanged += count - len(done) - len(certified)
        if report.per_row:
            report.applied_rows.extend(sorted(certified))
            report.unchanged_rows.extend(r for r in staged if r not in done and r not in certified)
    finally:
        for table in (new, win, cand, stage):
            cur.execute(f"DROP TABLE IF EXISTS {table}")
        cur.close()


_MATCHED = (
    "c.person_id IS NOT NULL AND c.region_code <> ALL(%(outside)s) "
    "AND (c.person_name = c.name OR c.row_number = ANY(%(similar)s))"
)
_WIN_JOIN = (
    "w.region_code = c.region_code AND w.benefit_type = c.benefit_type AND w.birth_month = c.birth_month"
)


def _not_on_roll(cur: Any, cand: str, ctx: FeedContext, report: FeedReport) -> set[int]:
    rows = cur.execute(
        f"SELECT row_number, id_number FROM {cand} WHERE person_id IS NULL ORDER BY row_number"
    ).fetchall()
    for row_number, id_number in rows:
        problem = id_problem(id_number, ctx.today)
        report.errors.append(
            RowError(row_number, id_number, problem, "invalid_id_number")
            if problem
            else RowError(row_number, id_number, "this ID number is not on the roll", "not_on_roll")
        )
    return {r for r, _ in rows}


def _outside(
    session: Session,
    cur: Any,
    cand: str,
    ctx: FeedContext,
    report: FeedReport,
    region_code: str | None,
    codes: set[str],
) -> tuple[list[str], set[int]]:
    """The region codes outside the sender's subtree, and the rows refused for them."""
    if region_code is None:
        return [], set()
    outside = sorted(c for c in codes if region_code not in ctx.region_paths.path(session, c))
    if not outside:
        return [], set()
    rows = cur.execute(
        f"SELECT DISTINCT row_number, id_number FROM {cand} WHERE region_code = ANY(%s) ORDER BY row_number",
        (outside,),
    ).fetchall()
    for row_number, id_number in rows:
        report.errors.append(
            RowError(
                row_number,
                id_number,
                f"this person is outside the sender's region {region_code}",
                "out_of_region",
            )
        )
    return outside, {r for r, _ in rows}


def _names(cur: Any, cand: str, outside: list[str]) -> tuple[list[int], list[Matched]]:
    """Rows whose name is not the stored text: those that normalise equal (matched after all), and the
    name mismatches (for the review list), in row order."""
    similar: list[int] = []
    mismatches: list[Matched] = []
    for (
        row_number,
        id_number,
        name,
        event_date,
        detail,
        heir_name,
        heir_phone,
        person_id,
        person_name,
        birth_date,
        region,
        zone,
        deceased_on,
    ) in cur.execute(
        "SELECT DISTINCT ON (row_number) row_number, id_number, name, event_date, detail, heir_name, "
        "heir_phone, person_id, person_name, birth_date, region_code, time_zone, deceased_on "
        f"FROM {cand} WHERE person_id IS NOT NULL AND region_code <> ALL(%s) AND person_name <> name "
        "ORDER BY row_number",
        (outside,),
    ):
        if normalise_name(person_name) == normalise_name(name):
            similar.append(row_number)
            continue
        person = FeedPerson(person_id, id_number, person_name, birth_date, region, zone, deceased_on)
        row = FeedRow(row_number, id_number, name, event_date, detail, heir_name, heir_phone)
        mismatches.append(Matched(person, row))
    return similar, mismatches


def _windows(session: Session, cur: Any, win: str, ctx: FeedContext, pairs: list[tuple]) -> None:
    """Today's window for every (region, benefit, birth month) of the feed's people: computed by the same
    cached ``window_for`` as the row-by-row path, written to a small table the SQL joins."""
    cur.execute(
        f"CREATE TEMP TABLE {win} (region_code text, benefit_type text, birth_month integer, "
        "window_start date, window_end date) ON COMMIT DROP"
    )
    rows = []  # computed before the COPY: a region's path may need a query on this connection
    for region, benefit in pairs:
        if benefit is None:
            continue
        policy = ctx.policy.policy_for(ctx.region_paths.path(session, region), BenefitType(benefit))
        for month in range(1, 13):
            current = _window(policy, month, ctx.today.year, ctx.today.month)
            rows.append((region, benefit, month, current.start, current.end))
    with cur.copy(f"COPY {win} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cur.execute(f"ANALYZE {win}")


def _refusals(
    cur: Any, cand: str, win: str, params: dict[str, Any]
) -> tuple[dict[int, tuple[str, str]], dict[int, int]]:
    """Matched rows that cannot certify, with the message (same checks, same order as
    ``record_signs_of_life``), and for a row refused at an entitlement outside the window, that
    entitlement (the ones before it still certify, as on the row-by-row path)."""
    refused: dict[int, tuple[str, str]] = {}
    cut: dict[int, int] = {}
    for row_number, id_number, deceased_on, event_date, ent_id, start, end in cur.execute(
        f"SELECT c.row_number, c.id_number, c.deceased_on, c.event_date, c.ent_id, w.window_start, "
        f"w.window_end FROM {cand} c LEFT JOIN {win} w ON {_WIN_JOIN} WHERE {_MATCHED} "
        "AND (c.deceased_on IS NOT NULL OR c.event_date > %(today)s OR c.ent_id IS NULL "
        "OR c.event_date < w.window_start) ORDER BY c.row_number, c.ent_id",
        params,
    ):
        if row_number in refused:
            continue
        if deceased_on is not None:
            message = f"recorded as deceased on {deceased_on}: a sign of life needs a clerk's review"
        elif event_date > params["today"]:
            message = f"event_date {event_date} is in the future"
        elif ent_id is None:
            message = "no active or suspended entitlement to certify"
        else:
            message = (
                f"the sign of life on {event_date} is before the current window "
                f"({start} to {end}); it cannot certify it"
            )
            cut[row_number] = ent_id
        refused[row_number] = (id_number, message)
    return refused, cut


def _certify(
    cur: Any, cand: str, win: str, new: str, params: dict[str, Any], cut: dict[int, int], run: FeedRun
) -> None:
    """The certifications to write (first row per entitlement and window, none already passed), with their
    ids taken from the table's sequence in row order, then one INSERT … SELECT."""
    passed = CertificationResult.PASSED.value
    cur.execute(
        f"CREATE TEMP TABLE {new} ON COMMIT DROP AS "
        "SELECT nextval(pg_get_serial_sequence('certifications', 'id')) AS id, f.* FROM ("
        "SELECT DISTINCT ON (c.ent_id, w.window_start) c.row_number, c.person_id, c.ent_id, "
        "c.payment_state, c.region_code, c.event_date, c.detail, w.window_start, w.window_end "
        f"FROM {cand} c JOIN {win} w ON {_WIN_JOIN} "
        "LEFT JOIN unnest(%(cut_rows)s::integer[], %(cut_ents)s::bigint[]) AS x(row_number, first_out) "
        "ON x.row_number = c.row_number "
        f"WHERE {_MATCHED} AND c.deceased_on IS NULL AND c.event_date <= %(today)s "
        "AND c.event_date >= w.window_start AND (x.first_out IS NULL OR c.ent_id < x.first_out) "
        "ORDER BY c.ent_id, w.window_start, c.row_number) f "
        "WHERE NOT EXISTS (SELECT 1 FROM certifications k WHERE k.entitlement_id = f.ent_id "
        f"AND k.window_start = f.window_start AND k.result = '{passed}') "
        "ORDER BY f.row_number, f.ent_id",
        {**params, "cut_rows": list(cut), "cut_ents": list(cut.values())},
    )
    cur.execute(
        "INSERT INTO certifications (id, beneficiary_id, entitlement_id, window_start, window_end, method, "
        "operator_kind, operator_id, result, evidence, certified_at, local_date, created_at) "
        "SELECT id, person_id, ent_id, window_start, window_end, %(method)s, %(kind)s, %(run)s, %(passed)s, "
        "('[\"feed:' || %(run)s || ':row:' || row_number || '\",\"source:' || detail || '\"]')::json, "
        "(event_date + time '04:00') AT TIME ZONE 'UTC', event_date, %(created)s "
        f"FROM {new}",
        {
            "method": CertificationMethod.DATA_COMPARISON.value,
            "kind": OperatorKind.FEED.value,
            "run": int(run.id),
            "passed": passed,
            "created": utcnow(),
        },
    )


def _audit_and_resume(session: Session, cur: Any, new: str, ctx: FeedContext, run: FeedRun) -> set[int]:
    """One audit event per new certification (row order), then the suspended payments they resume; the
    rows that certified something."""
    method = CertificationMethod.DATA_COMPARISON.value
    passed = CertificationResult.PASSED.value
    sources: dict[str, str] = {}
    events: list[PendingEvent] = []
    resumes: list[tuple[int, int, Any]] = []
    applied: set[int] = set()
    for cid, row_number, pid, ent_id, state, region, event_date, detail, start, end in cur.execute(
        "SELECT id, row_number, person_id, ent_id, payment_state, region_code, event_date, detail, "
        f"window_start, window_end FROM {new} ORDER BY id"
    ):
        source = sources.get(detail)
        if source is None:
            source = sources[detail] = _text(detail)
        day, first, last = event_date.isoformat(), start.isoformat(), end.isoformat()
        events.append(
            PendingEvent(
                actor=ctx.actor,
                action="certification.record",
                entity_type="certification",
                entity_id=cid,
                # the canonical JSON (sorted keys) of the row-by-row path's ``after``
                after_text=(
                    f'{{"beneficiary_id":{pid},"entitlement_id":{ent_id},"local_date":"{day}",'
                    f'"method":"{method}","result":"{passed}","source":{source},"window":["{first}","{last}"]}}'
                ),
                reason=f"data comparison feed {run.id}, row {row_number}",
                region=region,
                plain=True,
            )
        )
        applied.add(row_number)
        if state == PaymentState.SUSPENDED.value:
            resumes.append((cid, ent_id, event_date))
    append_many(session, events)
    for cid, ent_id, event_date in resumes:
        ent = session.get_one(Entitlement, ent_id)
        if held_by_detention(ent):
            continue  # certified, but a detention stays suspended until a release or a reviewer
        resume_after_certification(
            session,
            ent,
            certification_id=cid,
            certified_on=event_date,
            policy=ctx.policy,
            region_paths=ctx.region_paths,
            actor=ctx.actor,
        )
    return applied
