"""Statistics for the console and CSV export.

Definitions (stated once, used everywhere):
* people — beneficiaries with at least one entitlement that is not stopped;
* certified — of them, those with a passed certification whose local date is in the period
  (default: the 12 months ending on ``as_of``);
* electronic — certified by a method that needs no visit: self face, family face, data comparison
  (policy target: ≥ 80 % of certifications);
* overdue — ACTIVE entitlements whose previous window closed uncertified (cycle state OVERDUE on as_of);
* suspended / stopped — entitlements in that payment state;
* coverage by region — grouped by the region ``depth`` levels below the top of the hierarchy (county = 3);
* trend — per month: people certified, electronic, and entitlements suspended by that month's cycle run.

Regional staff see the same figures for the people of their region subtree only (``scope``): every query
carries the scope condition; the trend's suspensions are then counted from the runs' audit events for the
entitlements in scope (a national run's total covers the whole country).
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.audit import AuditEvent
from api.beneficiaries.models import Beneficiary, Certification, Entitlement
from api.core import csv_safe
from api.core.region_paths import RegionPaths
from api.cycle_jobs.models import CycleRun
from api.cycle_jobs.service import RUN_REASON
from api.payments.began import began_on
from api.regions.models import Region
from api.regions.scope import NATIONAL, RegionScope
from shared.backoffice_schemas import MethodCount, MonthPoint, RegionCoverage, StatsOverview
from shared.cycle import evaluate
from shared.enums import CertificationMethod, CertificationResult, CycleState, PaymentState
from shared.months import YearMonth
from shared.policy import PolicyTable

ELECTRONIC = frozenset(
    {CertificationMethod.SELF_FACE, CertificationMethod.FAMILY_FACE, CertificationMethod.DATA_COMPARISON}
)
TARGET_RATE = 0.8


def overview(
    session: Session,
    *,
    as_of: date,
    policy: PolicyTable,
    region_paths: RegionPaths,
    depth: int = 3,
    months: int = 12,
    scope: RegionScope = NATIONAL,
) -> StatsOverview:
    last = YearMonth.of(as_of)
    first = last.plus(-(months - 1))
    period_from = first.first_day()

    live = (
        sa.select(Entitlement.beneficiary_id)
        .where(Entitlement.payment_state != PaymentState.STOPPED)
        .distinct()
        .subquery()
    )
    people_regions = dict(
        session.execute(
            sa.select(Beneficiary.id, Beneficiary.region_code)
            .join(live, live.c.beneficiary_id == Beneficiary.id)
            .where(scope.people())
        ).all()
    )
    certs = session.execute(
        sa.select(Certification.beneficiary_id, Certification.method, Certification.local_date)
        .join(Beneficiary, Beneficiary.id == Certification.beneficiary_id)
        .where(
            Certification.result == CertificationResult.PASSED,
            Certification.local_date >= period_from,
            Certification.local_date <= as_of,
            scope.people(),
        )
    ).all()
    certified: set[int] = set()
    electronic: set[int] = set()
    methods: dict[str, set[int]] = defaultdict(set)
    month_people: dict[str, set[int]] = defaultdict(set)
    month_electronic: dict[str, set[int]] = defaultdict(set)
    for pid, method, day in certs:
        if pid not in people_regions:
            continue
        certified.add(pid)
        methods[method.value].add(pid)
        key = str(YearMonth.of(day))
        month_people[key].add(pid)
        if method in ELECTRONIC:
            electronic.add(pid)
            month_electronic[key].add(pid)

    # Coverage by region (grouped at ``depth``).
    groups: dict[str, list[int]] = defaultdict(list)
    for pid, code in people_regions.items():
        path = region_paths.path(session, code)
        groups[path[min(depth, len(path)) - 1]].append(pid)
    names = dict(
        session.execute(sa.select(Region.code, Region.name).where(Region.code.in_(list(groups)))).all()
    )
    by_region = [
        RegionCoverage(
            region_code=code,
            region_name=names.get(code, code),
            people=len(pids),
            certified=sum(p in certified for p in pids),
            electronic=sum(p in electronic for p in pids),
            coverage=round(sum(p in certified for p in pids) / len(pids), 4),
        )
        for code, pids in sorted(groups.items())
    ]

    states = Counter(
        s
        for (s,) in session.execute(
            sa.select(Entitlement.payment_state)
            .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
            .where(scope.people())
        )
    )
    suspended_by_run = _suspended_by_run(session, scope)
    trend = [
        MonthPoint(
            month=str(m),
            certified=len(month_people.get(str(m), ())),
            electronic=len(month_electronic.get(str(m), ())),
            suspended=suspended_by_run.get(str(m), 0),
        )
        for m in (first.plus(i) for i in range(months))
    ]
    return StatsOverview(
        as_of=as_of,
        period_from=period_from,
        period_to=as_of,
        people=len(people_regions),
        certified=len(certified),
        electronic=len(electronic),
        electronic_rate=round(len(electronic) / len(certified), 4) if certified else 0.0,
        target_rate=TARGET_RATE,
        electronic_methods=sorted(m.value for m in ELECTRONIC),
        overdue=_overdue(session, as_of, policy, region_paths, scope),
        suspended=states.get(PaymentState.SUSPENDED, 0),
        stopped=states.get(PaymentState.STOPPED, 0),
        by_method=[MethodCount(method=m, people=len(p)) for m, p in sorted(methods.items())],
        by_region=by_region,
        trend=trend,
    )


def _suspended_by_run(session: Session, scope: RegionScope) -> dict[str, int]:
    """Month → entitlements suspended by that month's cycle run(s), in ``scope``."""
    counts: dict[str, int] = defaultdict(int)
    if scope.national:
        for month, n in session.execute(sa.select(CycleRun.month, CycleRun.suspended).order_by(CycleRun.id)):
            counts[str(month)] += n
        return counts
    in_scope = (
        sa.select(sa.cast(Entitlement.id, sa.String(64)))
        .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
        .where(scope.people())
    )
    for (reason,) in session.execute(
        sa.select(AuditEvent.reason).where(
            AuditEvent.action == "entitlement.suspend",
            AuditEvent.entity_type == "entitlement",
            AuditEvent.reason.startswith(RUN_REASON),
            AuditEvent.entity_id.in_(in_scope),
        )
    ):
        if reason is not None:  # always: it starts with RUN_REASON
            counts[reason[len(RUN_REASON) : len(RUN_REASON) + 7]] += 1
    return counts


def _overdue(
    session: Session, today: date, policy: PolicyTable, region_paths: RegionPaths, scope: RegionScope
) -> int:
    passed: dict[int, list[tuple[int | None, date]]] = defaultdict(list)
    for pid, ent_id, day in session.execute(
        sa.select(Certification.beneficiary_id, Certification.entitlement_id, Certification.local_date)
        .join(Beneficiary, Beneficiary.id == Certification.beneficiary_id)
        .where(Certification.result == CertificationResult.PASSED, scope.people())
    ):
        passed[pid].append((ent_id, day))
    count = 0
    for ent, person in session.execute(
        sa.select(Entitlement, Beneficiary)
        .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
        .where(Entitlement.payment_state == PaymentState.ACTIVE, scope.people())
    ):
        rule = policy.policy_for(region_paths.path(session, person.region_code), ent.benefit_type)
        days = [d for e, d in passed[person.id] if e in (None, ent.id)]
        status = evaluate(
            rule, person.birth_date, days, today, entitled_since=began_on(ent, person.time_zone)
        )
        count += status.state is CycleState.OVERDUE
    return count


def to_csv(stats: StatsOverview) -> str:
    """One CSV with three tables, each introduced by a ``table`` column: summary, region, trend."""
    out = io.StringIO()
    w = csv_safe.writer(out)
    w.writerow(["table", "key", "name", "people", "certified", "electronic", "rate", "suspended"])
    w.writerow(
        [
            "summary",
            f"{stats.period_from}..{stats.period_to}",
            "all",
            stats.people,
            stats.certified,
            stats.electronic,
            f"{stats.electronic_rate:.4f}",
            stats.suspended,
        ]
    )
    for r in stats.by_region:
        w.writerow(
            [
                "region",
                r.region_code,
                r.region_name,
                r.people,
                r.certified,
                r.electronic,
                f"{r.coverage:.4f}",
                "",
            ]
        )
    for m in stats.by_method:
        w.writerow(["method", m.method, m.method, "", m.people, "", "", ""])
    for p in stats.trend:
        w.writerow(["trend", p.month, p.month, "", p.certified, p.electronic, "", p.suspended])
    return out.getvalue()
