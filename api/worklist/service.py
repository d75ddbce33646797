"""The coordinators' work list: who in the staff member's region needs a certification seen to, most
urgent first.

Who is on it (people not deceased, living in the country, in the region subtree of
:func:`api.worklist.scope.staff_scope`), per entitlement that is not stopped:

* **suspended** for a missed certification (a detention suspension is not: no visit lifts it);
* **overdue**: the previous window closed uncertified (suspension starts this month);
* **due** (window open, not certified) — from the first day of the window for the special groups (aged
  ``home_visit_age`` or over, severely disabled, bedridden, living alone: policy
  ``001_58d305678a1f47a1.txt`` has the 80+ and the disabled visited), otherwise from the policy's
  reminder period (``remind_days_before`` the deadline);
* anyone with an open visit request.

Order: suspended, then overdue, then due; within each, fewest days left first (then name). The counts per
village apply every filter except ``village``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary, Certification, Entitlement, ReferenceFace
from api.core.region_paths import RegionPaths
from api.payments.began import began_on
from api.payments.transitions import held_by_detention
from api.regions.models import Region
from api.worklist.models import VisitRequest
from api.worklist.scope import staff_scope
from shared.cycle import evaluate, local_date
from shared.enums import (
    CertificationResult,
    CycleState,
    PaymentState,
    RegionLevel,
    ResidenceKind,
    SpecialGroup,
)
from shared.policy import PolicyTable
from shared.worklist_schemas import (
    EntitlementDue,
    OpenVisit,
    RegionRef,
    VillageCount,
    WorklistEntry,
    WorklistPage,
)

# A reference face older than this is marked outdated: faces change with age, re-enrol on the visit.
REFERENCE_REFRESH_DAYS = 5 * 365
URGENCY = {CycleState.SUSPENDED: 0, CycleState.OVERDUE: 1, CycleState.DUE: 2, CycleState.CERTIFIED: 3}
ON_LIST = frozenset({CycleState.SUSPENDED, CycleState.OVERDUE, CycleState.DUE})


@dataclass(frozen=True, slots=True)
class Filters:
    state: CycleState | None = None
    village: str | None = None  # a region code: people in it or below it
    special_only: bool = False
    visit_requested: bool = False


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def special_groups(person: Beneficiary, today: date, home_visit_age: int) -> list[SpecialGroup]:
    flags = [
        (age_on(person.birth_date, today) >= home_visit_age, SpecialGroup.AGED),
        (person.severely_disabled, SpecialGroup.SEVERELY_DISABLED),
        (person.bedridden, SpecialGroup.BEDRIDDEN),
        (person.lives_alone, SpecialGroup.LIVES_ALONE),
    ]
    return [group for on, group in flags if on]


class _Loaded:
    """Everything the list is computed from, read with one query per table (all scoped to the staff)."""

    def __init__(self, session: Session, staff: StaffUser) -> None:
        scope = staff_scope(staff)
        rows = session.execute(
            sa.select(Beneficiary, Entitlement)
            .join(Entitlement, Entitlement.beneficiary_id == Beneficiary.id)
            .where(
                scope,
                Beneficiary.deceased_on.is_(None),
                Entitlement.payment_state != PaymentState.STOPPED,
            )
            .order_by(Beneficiary.id, Entitlement.id)
        ).all()
        self.people: dict[int, Beneficiary] = {}
        self.entitlements: dict[int, list[Entitlement]] = defaultdict(list)
        for person, ent in rows:
            self.people[person.id] = person
            self.entitlements[person.id].append(ent)
        self.passed: dict[int, list[tuple[int | None, date]]] = defaultdict(list)
        for pid, ent_id, day in session.execute(
            sa.select(Certification.beneficiary_id, Certification.entitlement_id, Certification.local_date)
            .join(Beneficiary, Beneficiary.id == Certification.beneficiary_id)
            .where(scope, Certification.result == CertificationResult.PASSED)
        ):
            self.passed[pid].append((ent_id, day))
        self.references: dict[int, datetime] = dict(
            session.execute(
                sa.select(ReferenceFace.beneficiary_id, sa.func.max(ReferenceFace.created_at))
                .join(Beneficiary, Beneficiary.id == ReferenceFace.beneficiary_id)
                .where(scope, ReferenceFace.active.is_(True), ReferenceFace.template.is_not(None))
                .group_by(ReferenceFace.beneficiary_id)
            ).all()
        )
        self.visits: dict[int, OpenVisit] = {}
        for visit, worker_name in session.execute(
            sa.select(VisitRequest, StaffUser.name)
            .join(Beneficiary, Beneficiary.id == VisitRequest.beneficiary_id)
            .outerjoin(StaffUser, StaffUser.id == VisitRequest.worker_id)
            .where(scope, VisitRequest.open_for.is_not(None))
        ):
            self.visits[visit.beneficiary_id] = OpenVisit(
                request_id=visit.id,
                state=visit.state,
                reason=visit.reason,
                requested_at=visit.created_at,
                scheduled_on=visit.scheduled_on,
                worker_id=visit.worker_id,
                worker_name=worker_name,
            )


def _entitlement_dues(
    loaded: _Loaded, person: Beneficiary, today: date, policy: PolicyTable, path: tuple[str, ...]
) -> list[tuple[EntitlementDue, bool]]:
    """(status, in the reminder period) of each entitlement a visit can help with."""
    dues = []
    for ent in loaded.entitlements[person.id]:
        if held_by_detention(ent):
            continue
        rule = policy.policy_for(path, ent.benefit_type)
        suspended = ent.payment_state is PaymentState.SUSPENDED
        status = evaluate(
            rule,
            person.birth_date,
            [d for e, d in loaded.passed[person.id] if e in (None, ent.id)],
            today,
            payment_state=ent.payment_state,
            suspended_since=ent.suspended_since if suspended else None,
            entitled_since=began_on(ent, person.time_zone),
        )
        due = EntitlementDue(
            benefit_type=ent.benefit_type,
            state=status.state,
            window_start=status.window.start,
            window_end=status.window.end,
            next_due=status.next_due,
            days_left=status.days_left,
        )
        dues.append((due, status.in_reminder_period(today)))
    return dues


def _entry(
    loaded: _Loaded,
    person: Beneficiary,
    now: datetime,
    policy: PolicyTable,
    path: tuple[str, ...],
    regions: dict[str, RegionRef],
) -> WorklistEntry | None:
    today = local_date(now, person.time_zone)
    groups = special_groups(person, today, policy.home_visit_age)
    visit = loaded.visits.get(person.id)
    statuses = _entitlement_dues(loaded, person, today, policy, path)
    if person.residence_kind is ResidenceKind.OVERSEAS and visit is None:
        return None  # certified from abroad (app or consulate form), not on a home visit
    listed = [
        due
        for due, reminding in statuses
        if due.state in (CycleState.SUSPENDED, CycleState.OVERDUE)
        or (due.state is CycleState.DUE and (groups or reminding))
    ]
    if not listed and visit is None:
        return None
    shown = listed or [due for due, _ in statuses]
    if not shown:
        return None
    urgent = min(shown, key=lambda d: (URGENCY.get(d.state, 9), d.days_left))
    newest_reference = loaded.references.get(person.id)
    return WorklistEntry(
        person_id=person.id,
        id_number=person.id_number,
        name=person.name,
        age=age_on(person.birth_date, today),
        phone=person.phone,
        region_code=person.region_code,
        regions=[regions[c] for c in path if c in regions],
        state=urgent.state,
        days_left=min(d.days_left for d in shown),
        entitlements=shown,
        special_groups=groups,
        reference_face=newest_reference is not None,
        reference_outdated=newest_reference is not None
        and now - newest_reference > timedelta(days=REFERENCE_REFRESH_DAYS),
        visit=visit,
    )


def _region_refs(session: Session, codes: set[str]) -> dict[str, RegionRef]:
    refs: dict[str, RegionRef] = {}
    ordered = sorted(codes)
    for i in range(0, len(ordered), 900):
        for code, name, level in session.execute(
            sa.select(Region.code, Region.name, Region.level).where(Region.code.in_(ordered[i : i + 900]))
        ):
            refs[code] = RegionRef(code=code, name=name, level=level)
    return refs


def _village_of(entry: WorklistEntry) -> RegionRef:
    """The village the person lives in (or their own region when it is above village level)."""
    villages = [r for r in entry.regions if r.level is RegionLevel.VILLAGE]
    if villages:
        return villages[-1]
    return (
        entry.regions[-1]
        if entry.regions
        else RegionRef(code=entry.region_code, name=entry.region_code, level=RegionLevel.VILLAGE)
    )


def _matches(entry: WorklistEntry, filters: Filters) -> bool:
    if filters.state is not None and entry.state is not filters.state:
        return False
    if filters.special_only and not entry.special_groups:
        return False
    return not (filters.visit_requested and entry.visit is None)


def worklist(
    session: Session,
    *,
    staff: StaffUser,
    policy: PolicyTable,
    region_paths: RegionPaths,
    now: datetime,
    filters: Filters,
    limit: int,
    offset: int,
) -> WorklistPage:
    loaded = _Loaded(session, staff)
    paths = {pid: region_paths.path(session, p.region_code) for pid, p in loaded.people.items()}
    regions = _region_refs(session, {code for path in paths.values() for code in path})
    entries = [
        entry
        for pid, person in loaded.people.items()
        if (entry := _entry(loaded, person, now, policy, paths[pid], regions)) is not None
        and _matches(entry, filters)
    ]
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for entry in entries:
        village = _village_of(entry)
        counts[village.code] += 1
        names[village.code] = village.name
    if filters.village is not None:
        entries = [e for e in entries if filters.village in paths[e.person_id]]
    entries.sort(key=lambda e: (URGENCY.get(e.state, 9), e.days_left, e.name, e.person_id))
    return WorklistPage(
        today=local_date(now, None),
        home_visit_age=policy.home_visit_age,
        total=len(entries),
        items=entries[offset : offset + limit],
        villages=[
            VillageCount(region_code=code, region_name=names[code], count=n)
            for code, n in sorted(counts.items())
        ],
    )
