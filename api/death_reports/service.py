"""Monthly death reports: submit (a village's coordinator, an institution's unit admin), consolidate (the
township, then the county), the list of who is late, and reminders to them.

* **Submit**: one report per unit and month (a month that has ended, deaths of that month or found then),
  either the list of deaths or ``none_this_month``. Submitting again replaces the report (audit event
  ``death_report.replace`` with before and after) until the level above consolidates it; after that, 409
  ``death_report_locked``. A report after its deadline is kept and marked late.
* **Consolidate**: a township takes in its villages' reports, a county its townships' consolidations and
  the reports of the institutions in the county. Every unit must have reported (409
  ``death_report_missing`` lists those that have not) unless the clerk consolidates without them
  (``accept_missing``), which is allowed only for units past their deadline — they are listed as late in
  the consolidation. Each listed death goes through the data comparison's death import
  (api/comparison/service.py ``import_rows``, kind death): the same matching by ID number and name, the
  same stop of payment, recovery case, heir notice and audit events as a death record from a data source;
  each row's outcome (applied, unchanged, mismatched — left for a reviewer —, not on the roll, outside the
  region …) is kept with the consolidation and answered back.
* **Late list / reminders**: every unit in the staff member's region scope with its deadline and status;
  a reminder is queued in the notify outbox for each staff account of each late unit (once a day) and an
  audit event ``death_report.remind`` is written per late unit.

Deadlines are calendar days of the month after the reported month (policy.toml ``death_report_*_day``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from api import audit
from api.auth.models import StaffUser
from api.comparison.feed import FeedContext
from api.comparison.models import FeedKind
from api.comparison.rows import FeedRow
from api.comparison.service import import_rows
from api.core.db import utcnow
from api.core.errors import ApiError
from api.core.region_paths import RegionPaths
from api.death_reports.models import DeathReport
from api.institutions.models import Institution, InstitutionAdmin
from api.notify import outbox
from api.regions.models import Region
from api.regions.scope import RegionScope
from shared.death_reports import (
    ConsolidationIn,
    ConsolidationPublic,
    DeathReportIn,
    DeathReportPublic,
    DeathRowPublic,
    LateList,
    ReminderPublic,
    ReporterKind,
    RowResult,
    UnitState,
    UnitStatus,
    deadline,
    unit_key,
)
from shared.enums import RegionLevel, StaffRole
from shared.idnumber import is_valid_id_number, mask_id, mask_name, normalise_id_number
from shared.months import YearMonth
from shared.policy import PolicyTable

NO_VILLAGE = "No such village."
NO_REGION = "No such region."


def _actor(staff: StaffUser) -> str:
    return f"staff:{staff.id}"


def reported_month(text: str, today: date) -> YearMonth:
    """The month a report is about: one that has ended (422 ``death_report_month_invalid`` otherwise)."""
    try:
        month = YearMonth.parse(text)
    except ValueError:
        month = None
    if month is None or month >= YearMonth.of(today):
        raise ApiError(
            422,
            "death_report_month_invalid",
            "Death reports are about a month that has ended (YYYY-MM, before this month).",
            params={"month": text},
        )
    return month


def _region_in_scope(session: Session, code: str, scope: RegionScope, message: str) -> Region:
    region = session.execute(
        sa.select(Region).where(Region.code == code, scope.covers(Region.code))
    ).scalar_one_or_none()
    if region is None:
        raise ApiError(404, "not_found", message)
    return region


def _county_of(session: Session, paths: RegionPaths, code: str | None) -> str | None:
    """The county on ``code``'s path (None without a region or above county level)."""
    if code is None:
        return None
    path = paths.path(session, code)
    levels = dict(session.execute(sa.select(Region.code, Region.level).where(Region.code.in_(path))).all())
    return next((c for c in path if levels.get(c) is RegionLevel.COUNTY), None)


@dataclass(frozen=True, slots=True)
class Unit:
    kind: ReporterKind
    key: str
    name: str
    parent_key: str | None
    region_code: str | None = None
    institution_id: int | None = None


def _reporting_unit(
    session: Session, body: DeathReportIn, staff: StaffUser, scope: RegionScope, paths: RegionPaths
) -> Unit:
    if staff.role is StaffRole.UNIT_ADMIN:
        if body.village_code is not None:
            raise ApiError(
                422, "death_report_unit_invalid", "A unit administrator reports for the unit, not a village."
            )
        link = session.get(InstitutionAdmin, staff.id)
        if link is None:
            raise ApiError(403, "forbidden", "This account does not administer an institution.")
        inst = session.get_one(Institution, link.institution_id)
        county = _county_of(session, paths, staff.region_code)
        return Unit(
            ReporterKind.INSTITUTION,
            unit_key(ReporterKind.INSTITUTION, inst.id),
            inst.name,
            unit_key(ReporterKind.COUNTY, county) if county else None,
            region_code=staff.region_code,
            institution_id=inst.id,
        )
    code = body.village_code or staff.region_code
    if code is None:
        raise ApiError(422, "death_report_unit_invalid", "Say which village the report is for.")
    region = _region_in_scope(session, code, scope, NO_VILLAGE)
    if region.level is not RegionLevel.VILLAGE:
        raise ApiError(
            422,
            "death_report_unit_invalid",
            "Monthly death reports are made per village; say which village.",
            params={"region": code},
        )
    parent = unit_key(ReporterKind.TOWNSHIP, region.parent_code) if region.parent_code else None
    return Unit(ReporterKind.VILLAGE, unit_key(ReporterKind.VILLAGE, code), region.name, parent, code)


def _checked_rows(body: DeathReportIn, month: YearMonth, today: date) -> list[dict[str, Any]]:
    if body.none_this_month and body.deaths:
        raise ApiError(
            422,
            "death_report_none_with_rows",
            "A report is either a list of deaths or 'none this month', not both.",
        )
    if not body.none_this_month and not body.deaths:
        raise ApiError(
            422,
            "death_report_empty",
            "List the deaths of the month, or say there were none this month.",
        )
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, row in enumerate(body.deaths, start=1):
        id_number = normalise_id_number(row.id_number)
        if not is_valid_id_number(id_number, today=today):
            raise ApiError(
                422,
                "death_report_id_invalid",
                f"Row {number}: the ID number is not a valid resident ID number.",
                params={"row": number},
            )
        if id_number in seen:
            raise ApiError(
                422,
                "death_report_duplicate_row",
                f"Row {number}: this person is listed twice.",
                params={"row": number},
            )
        seen.add(id_number)
        if row.died_on > month.last_day() or row.died_on > today:
            raise ApiError(
                422,
                "death_report_date_invalid",
                f"Row {number}: the date of death is after the reported month.",
                params={"row": number, "month": str(month)},
            )
        rows.append(
            {
                "id_number": id_number,
                "name": row.name.strip(),
                "died_on": row.died_on.isoformat(),
                "note": row.note.strip(),
            }
        )
    return rows


def _find(session: Session, key: str, month: YearMonth, *, lock: bool = False) -> DeathReport | None:
    query = sa.select(DeathReport).where(DeathReport.unit_key == key, DeathReport.month == str(month))
    return session.execute(query.with_for_update() if lock else query).scalar_one_or_none()


def _locked(session: Session, parent_key: str | None, month: YearMonth) -> bool:
    return parent_key is not None and _find(session, parent_key, month) is not None


def _locked_error(unit: str) -> ApiError:
    return ApiError(
        409,
        "death_report_locked",
        "The level above has already consolidated this month: the report can no longer be changed.",
        params={"unit": unit},
    )


def submit(
    session: Session,
    body: DeathReportIn,
    *,
    staff: StaffUser,
    scope: RegionScope,
    today: date,
    policy: PolicyTable,
    paths: RegionPaths,
) -> DeathReport:
    unit = _reporting_unit(session, body, staff, scope, paths)
    month = reported_month(body.month, today)
    rows = _checked_rows(body, month, today)
    late = today > deadline(month, unit.kind, policy.death_report_days)
    after = {"none_this_month": body.none_this_month, "deaths": len(rows), "late": late}
    # the report's row first (a consolidation reading it waits for this change, or this waits for it),
    # then whether the level above has consolidated
    report = _find(session, unit.key, month, lock=True)
    if _locked(session, unit.parent_key, month):
        raise _locked_error(unit.key)
    if report is not None:
        before = {"none_this_month": report.none_this_month, "deaths": len(report.deaths)}
        report.none_this_month = body.none_this_month
        report.deaths = rows
        report.submitted_by = staff.id
        report.submitted_at = utcnow()
        report.late = late
        report.replaced += 1
        session.flush()
        action = "death_report.replace"
    else:
        before = None
        report = DeathReport(
            month=str(month),
            kind=unit.kind,
            unit_key=unit.key,
            unit_name=unit.name,
            parent_key=unit.parent_key,
            region_code=unit.region_code,
            institution_id=unit.institution_id,
            none_this_month=body.none_this_month,
            deaths=rows,
            included=[],
            missing=[],
            results=[],
            submitted_by=staff.id,
            late=late,
        )
        try:
            with session.begin_nested():
                session.add(report)
                session.flush()
        except sa_exc.IntegrityError:  # the same unit's report sent twice at once
            raise ApiError(
                409, "death_report_conflict", "This report was just submitted by someone else; reload."
            ) from None
        action = "death_report.submit"
    audit.record(
        session,
        actor=_actor(staff),
        action=action,
        entity_type="death_report",
        entity_id=report.id,
        before=before,
        after={**after, "unit": unit.key, "month": str(month)},
        region=unit.region_code,
    )
    return report


# --- who reports to whom -------------------------------------------------------------------------------


def _institutions_in(session: Session, scope: RegionScope) -> list[tuple[int, str]]:
    """Institutions with a unit administrator inside ``scope`` (national: every institution)."""
    query = sa.select(Institution.id, Institution.name)
    if not scope.national:
        query = query.where(
            Institution.id.in_(
                sa.select(InstitutionAdmin.institution_id)
                .join(StaffUser, StaffUser.id == InstitutionAdmin.staff_id)
                .where(scope.covers(StaffUser.region_code))
            )
        )
    return [(i, n) for i, n in session.execute(query.order_by(Institution.id)).all()]


def _regions(session: Session, level: RegionLevel, condition) -> list[tuple[str, str]]:
    return [
        (c, n)
        for c, n in session.execute(
            sa.select(Region.code, Region.name).where(Region.level == level, condition).order_by(Region.code)
        ).all()
    ]


def expected_units(session: Session, scope: RegionScope) -> list[Unit]:
    """Every unit in ``scope`` that owes a report or a consolidation each month."""
    units: list[Unit] = []
    for level, kind in (
        (RegionLevel.VILLAGE, ReporterKind.VILLAGE),
        (RegionLevel.TOWNSHIP, ReporterKind.TOWNSHIP),
        (RegionLevel.COUNTY, ReporterKind.COUNTY),
    ):
        for code, name in _regions(session, level, scope.covers(Region.code)):
            units.append(Unit(kind, unit_key(kind, code), name, None, region_code=code))
    for inst_id, name in _institutions_in(session, scope):
        units.append(
            Unit(
                ReporterKind.INSTITUTION,
                unit_key(ReporterKind.INSTITUTION, inst_id),
                name,
                None,
                institution_id=inst_id,
            )
        )
    return units


def _reports(
    session: Session, keys: list[str], month: YearMonth, *, lock: bool = False
) -> dict[str, DeathReport]:
    if not keys:
        return {}
    query = sa.select(DeathReport).where(DeathReport.month == str(month), DeathReport.unit_key.in_(keys))
    found = session.execute(query.with_for_update() if lock else query).scalars()
    return {r.unit_key: r for r in found}


def _state(unit: Unit, report: DeathReport | None, month: YearMonth, today: date, days, locked: bool):
    due = deadline(month, unit.kind, days)
    if report is not None:
        status = UnitStatus.REPORTED_LATE if report.late else UnitStatus.REPORTED
    else:
        status = UnitStatus.LATE if today > due else UnitStatus.NOT_DUE
    deaths = None
    if report is not None:
        reporter = report.kind in (ReporterKind.VILLAGE, ReporterKind.INSTITUTION)
        deaths = len(report.deaths) if reporter else len(report.results)
    return UnitState(
        unit=unit.key,
        kind=unit.kind,
        name=unit.name,
        deadline=due,
        status=status,
        report_id=report.id if report is not None else None,
        none_this_month=report.none_this_month if report is not None else None,
        deaths=deaths,
        locked=locked,
    )


def late_list(
    session: Session,
    month: YearMonth,
    *,
    scope: RegionScope,
    today: date,
    policy: PolicyTable,
    only_late: bool = False,
) -> LateList:
    units = expected_units(session, scope)
    reports = _reports(session, [u.key for u in units], month)
    parents = _reports(session, sorted({r.parent_key for r in reports.values() if r.parent_key}), month)
    states = [
        _state(
            u,
            reports.get(u.key),
            month,
            today,
            policy.death_report_days,
            u.key in reports and reports[u.key].parent_key in parents,
        )
        for u in units
    ]
    if only_late:
        states = [s for s in states if s.status is UnitStatus.LATE]
    order = {UnitStatus.LATE: 0, UnitStatus.NOT_DUE: 1, UnitStatus.REPORTED_LATE: 2, UnitStatus.REPORTED: 3}
    states.sort(key=lambda s: (order[s.status], s.deadline, s.unit))
    return LateList(month=str(month), today=today, units=states)


# --- consolidation -------------------------------------------------------------------------------------


def _members(session: Session, region: Region, paths: RegionPaths) -> list[Unit]:
    """The units a township or county consolidates."""
    if region.level is RegionLevel.TOWNSHIP:
        return [
            Unit(ReporterKind.VILLAGE, unit_key(ReporterKind.VILLAGE, c), n, None, c)
            for c, n in _regions(session, RegionLevel.VILLAGE, Region.parent_code == region.code)
        ]
    townships = [
        Unit(ReporterKind.TOWNSHIP, unit_key(ReporterKind.TOWNSHIP, c), n, None, c)
        for c, n in _regions(session, RegionLevel.TOWNSHIP, Region.parent_code == region.code)
    ]
    institutions = [
        Unit(ReporterKind.INSTITUTION, unit_key(ReporterKind.INSTITUTION, i), n, None, None, i)
        for i, n in _institutions_in(session, RegionScope(region.code))
    ]
    return townships + institutions


def consolidate(
    session: Session,
    body: ConsolidationIn,
    *,
    staff: StaffUser,
    scope: RegionScope,
    today: date,
    policy: PolicyTable,
    paths: RegionPaths,
) -> DeathReport:
    region = _region_in_scope(session, body.region_code, scope, NO_REGION)
    if region.level not in (RegionLevel.TOWNSHIP, RegionLevel.COUNTY):
        raise ApiError(
            422,
            "death_report_not_consolidating",
            "Only a township or a county consolidates monthly death reports.",
            params={"region": region.code},
        )
    month = reported_month(body.month, today)
    kind = ReporterKind.TOWNSHIP if region.level is RegionLevel.TOWNSHIP else ReporterKind.COUNTY
    key = unit_key(kind, region.code)
    parent_key = None
    if kind is ReporterKind.TOWNSHIP and region.parent_code:
        parent_key = unit_key(ReporterKind.COUNTY, region.parent_code)
    if _find(session, key, month) is not None:
        raise ApiError(
            409,
            "death_report_consolidated",
            "This month is already consolidated here.",
            params={"unit": key, "month": str(month)},
        )
    if _locked(session, parent_key, month):
        raise _locked_error(key)
    members = _members(session, region, paths)
    reports = _reports(session, [m.key for m in members], month, lock=True)  # no change while we read
    missing = [m for m in members if m.key not in reports]
    days = policy.death_report_days
    if missing and not body.accept_missing:
        raise ApiError(
            409,
            "death_report_missing",
            "Some units have not reported for this month: wait for them, or consolidate without them once "
            "they are late.",
            params={"missing": ", ".join(m.name for m in missing)},
        )
    not_due = [m for m in missing if today <= deadline(month, m.kind, days)]
    if not_due:
        raise ApiError(
            409,
            "death_report_missing_not_due",
            "Some units that have not reported are still before their deadline: wait for them.",
            params={"missing": ", ".join(m.name for m in not_due)},
        )
    # The deaths this level applies: villages' at the township, institutions' at the county (the villages'
    # deaths were applied when their township consolidated).
    listed: list[tuple[str, int, dict[str, Any]]] = [
        (r.unit_key, i, row)
        for r in sorted(reports.values(), key=lambda r: r.unit_key)
        if r.kind in (ReporterKind.VILLAGE, ReporterKind.INSTITUTION)
        for i, row in enumerate(r.deaths, start=1)
    ]
    rows = [
        FeedRow(
            row_number=n,
            id_number=row["id_number"],
            name=row["name"],
            event_date=date.fromisoformat(row["died_on"]),
            detail=f"monthly death report {unit} {month}" + (f": {row['note']}" if row["note"] else ""),
        )
        for n, (unit, _, row) in enumerate(listed, start=1)
    ]
    results: list[dict[str, Any]] = []
    run_id: int | None = None
    applied = 0
    if rows:
        ctx = FeedContext(policy=policy, region_paths=paths, today=today, actor=_actor(staff))
        report = import_rows(
            session,
            FeedKind.DEATH,
            iter(rows),
            file_name=f"death-report {key} {month}",
            ctx=ctx,
            region_code=region.code,
            per_row=True,
        )
        run_id = report.run_id
        applied = report.applied
        outcome: dict[int, tuple[str, str]] = {}
        for n in report.applied_rows:
            outcome[n] = ("applied", "")
        for n in report.unchanged_rows:
            outcome[n] = ("unchanged", "")
        for n in report.mismatched_rows:
            outcome[n] = ("mismatched", "the name differs from the roll: left for a reviewer")
        for err in report.errors:
            outcome[err.row_number] = (err.code, err.message)
        for n, (unit, i, row) in enumerate(listed, start=1):
            code, message = outcome.get(n, ("unchanged", ""))
            results.append(
                {"unit": unit, "row": i, "id_number": row["id_number"], "outcome": code, "message": message}
            )
    consolidation = DeathReport(
        month=str(month),
        kind=kind,
        unit_key=key,
        unit_name=region.name,
        parent_key=parent_key,
        region_code=region.code,
        none_this_month=not listed,
        deaths=[],
        included=sorted(reports),
        missing=[m.key for m in missing],
        results=results,
        feed_run_id=run_id,
        submitted_by=staff.id,
        late=today > deadline(month, kind, days),
    )
    try:
        with session.begin_nested():
            session.add(consolidation)
            session.flush()
    except sa_exc.IntegrityError:
        raise ApiError(
            409,
            "death_report_consolidated",
            "This month is already consolidated here.",
            params={"unit": key, "month": str(month)},
        ) from None
    audit.record(
        session,
        actor=_actor(staff),
        action="death_report.consolidate",
        entity_type="death_report",
        entity_id=consolidation.id,
        after={
            "unit": key,
            "month": str(month),
            "included": consolidation.included,
            "missing": consolidation.missing,
            "deaths": len(listed),
            "applied": applied,
            "feed_run": run_id,
        },
        region=region.code,
    )
    return consolidation


# --- reminders -----------------------------------------------------------------------------------------


def _unit_staff(session: Session, unit: UnitState) -> list[StaffUser]:
    kind, _, ref = unit.unit.partition(":")
    if kind == ReporterKind.INSTITUTION.value:
        query = (
            sa.select(StaffUser)
            .join(InstitutionAdmin, InstitutionAdmin.staff_id == StaffUser.id)
            .where(InstitutionAdmin.institution_id == int(ref))
        )
    else:
        query = sa.select(StaffUser).where(StaffUser.region_code == ref)
    return list(session.execute(query.where(StaffUser.active.is_(True)).order_by(StaffUser.id)).scalars())


def remind(
    session: Session, month: YearMonth, *, scope: RegionScope, today: date, policy: PolicyTable, actor: str
) -> list[ReminderPublic]:
    """Queue a reminder to every staff account of every late unit in ``scope`` (once a day per account) and
    write one audit event per late unit."""
    sent: list[ReminderPublic] = []
    for unit in late_list(session, month, scope=scope, today=today, policy=policy, only_late=True).units:
        staff = _unit_staff(session, unit)
        body = (
            f"【养老金资格认证】{unit.name}：{month.year}年{month.month}月的死亡人员月报（含“本月无”）"
            f"应于{unit.deadline.month}月{unit.deadline.day}日前报送，至今未收到，请尽快报送。"
        )
        queued = False
        for member in staff:
            msg = outbox.queue(
                session,
                dedupe_key=f"death-report-reminder:{unit.unit}:{month}:{member.id}:{today}",
                template="death_report_reminder",
                body=body,
                recipient=f"staff:{member.username}",
            )
            queued = queued or msg is not None
        if queued or not staff:
            audit.record(
                session,
                actor=actor,
                action="death_report.remind",
                entity_type="death_report_unit",
                entity_id=unit.unit,
                after={"month": str(month), "deadline": unit.deadline, "recipients": [s.id for s in staff]},
            )
        sent.append(ReminderPublic(unit=unit.unit, name=unit.name, recipients=len(staff), queued=queued))
    return sent


# --- reading -------------------------------------------------------------------------------------------


def get(session: Session, report_id: int, scope: RegionScope) -> DeathReport:
    report = session.get(DeathReport, report_id)
    if report is None or not _visible(session, report, scope):
        raise ApiError(404, "not_found", "No such death report.")
    return report


def _visible(session: Session, report: DeathReport, scope: RegionScope) -> bool:
    if scope.national:
        return True
    if report.region_code is not None:
        return scope.includes_region(session, report.region_code)
    return False


def public(session: Session, report: DeathReport, policy: PolicyTable) -> DeathReportPublic:
    month = YearMonth.parse(report.month)
    return DeathReportPublic(
        id=report.id,
        month=report.month,
        kind=report.kind,
        unit=report.unit_key,
        unit_name=report.unit_name,
        none_this_month=report.none_this_month,
        deaths=[
            DeathRowPublic(
                id_number=mask_id(r["id_number"]),
                name=mask_name(r["name"]),
                died_on=date.fromisoformat(r["died_on"]),
                note=r["note"],
            )
            for r in report.deaths
        ],
        submitted_by=report.submitted_by,
        submitted_at=report.submitted_at,
        deadline=deadline(month, report.kind, policy.death_report_days),
        late=report.late,
        replaced=report.replaced,
        locked=_locked(session, report.parent_key, month),
    )


def consolidation_public(report: DeathReport, policy: PolicyTable) -> ConsolidationPublic:
    month = YearMonth.parse(report.month)
    rows = [RowResult(**{**r, "id_number": mask_id(r["id_number"])}) for r in report.results]
    return ConsolidationPublic(
        id=report.id,
        month=report.month,
        kind=report.kind,
        unit=report.unit_key,
        unit_name=report.unit_name,
        included=report.included,
        missing=report.missing,
        deaths=len(rows),
        applied=sum(1 for r in rows if r.outcome == "applied"),
        rows=rows,
        submitted_by=report.submitted_by,
        submitted_at=report.submitted_at,
        deadline=deadline(month, report.kind, policy.death_report_days),
        late=report.late,
    )
