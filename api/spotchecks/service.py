"""Half-yearly spot checks: a reproducible random sample of certifications to re-verify.

Reproducible: the random generator is seeded by sha256("lifecert-spotcheck:<half year>:<region>"), and
every candidate list is sorted before sampling, so the same half year, region and data give the same
sample on any machine. Default: 2 townships under the region, 2 villages in each, up to 5 passed
certifications per village from that half year (all configurable, never fewer than 2 and 2).
"""

from __future__ import annotations

import hashlib
import random
import re
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Beneficiary, Certification
from api.cases.service import open_for_spot_item
from api.core.db import utcnow
from api.core.errors import ApiError
from api.regions.models import Region
from api.regions.scope import NATIONAL, RegionScope
from api.spotchecks.models import SpotCheck, SpotCheckItem, SpotOutcome
from shared.backoffice_schemas import SpotCheckCreate, SpotCheckPublic, SpotItemPublic
from shared.enums import CertificationResult, RegionLevel
from shared.idnumber import mask_id, mask_name

_HALF = re.compile(r"^(\d{4})-H([12])$")


def half_year_range(half_year: str) -> tuple[date, date]:
    m = _HALF.match(half_year)
    if m is None:
        raise ValueError(f"a half year is written YYYY-H1 or YYYY-H2, got {half_year!r}")
    year, half = int(m[1]), int(m[2])
    return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))


def seed_for(half_year: str, region_code: str) -> str:
    return hashlib.sha256(f"lifecert-spotcheck:{half_year}:{region_code}".encode()).hexdigest()


def _descendants(session: Session, code: str, level: RegionLevel) -> list[str]:
    """Codes of regions at ``level`` under ``code`` (sorted)."""
    found: list[str] = []
    frontier = [code]
    while frontier:
        rows = session.execute(
            sa.select(Region.code, Region.level).where(Region.parent_code.in_(frontier))
        ).all()
        frontier = []
        for c, lvl in rows:
            if lvl is level:
                found.append(c)
            else:
                frontier.append(c)
    return sorted(found)


def draw(session: Session, spec: SpotCheckCreate, *, actor: str, scope: RegionScope = NATIONAL) -> SpotCheck:
    """Draw (or return the already drawn) sample for the half year and region — a region inside the
    staff member's ``scope`` (one outside it is reported exactly like an unknown one)."""
    if not scope.includes_region(session, spec.region_code):
        raise ApiError(
            404,
            "unknown_region",
            f"No region with code {spec.region_code}.",
            params={"region_code": spec.region_code},
        )
    existing = session.execute(
        sa.select(SpotCheck).where(
            SpotCheck.half_year == spec.half_year, SpotCheck.region_code == spec.region_code
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    start, end = half_year_range(spec.half_year)
    seed = seed_for(spec.half_year, spec.region_code)
    rng = random.Random(seed)
    townships = _descendants(session, spec.region_code, RegionLevel.TOWNSHIP)
    if len(townships) < spec.townships:
        raise ApiError(
            422,
            "too_few_townships",
            f"Region {spec.region_code} has {len(townships)} townships; the check needs {spec.townships}.",
            params={"region_code": spec.region_code, "found": len(townships), "needed": spec.townships},
        )
    chosen_townships = sorted(rng.sample(townships, spec.townships))
    check = SpotCheck(
        half_year=spec.half_year,
        region_code=spec.region_code,
        seed=seed,
        townships=spec.townships,
        villages_per_township=spec.villages_per_township,
        per_village=spec.per_village,
        created_by=actor,
    )
    session.add(check)
    session.flush()
    for town in chosen_townships:
        villages = _descendants(session, town, RegionLevel.VILLAGE)
        if len(villages) < spec.villages_per_township:
            raise ApiError(
                422,
                "too_few_villages",
                f"Township {town} has {len(villages)} villages; "
                f"the check needs {spec.villages_per_township}.",
                params={"region_code": town, "found": len(villages), "needed": spec.villages_per_township},
            )
        for village in sorted(rng.sample(villages, spec.villages_per_township)):
            candidates = session.execute(
                sa.select(Certification.id, Certification.beneficiary_id)
                .join(Beneficiary, Beneficiary.id == Certification.beneficiary_id)
                .where(
                    Beneficiary.region_code == village,
                    Certification.result == CertificationResult.PASSED,
                    Certification.local_date >= start,
                    Certification.local_date <= end,
                )
                .order_by(Certification.id)
            ).all()
            for cid, pid in sorted(rng.sample(candidates, min(spec.per_village, len(candidates)))):
                session.add(
                    SpotCheckItem(
                        spot_check_id=check.id, certification_id=cid, beneficiary_id=pid, village_code=village
                    )
                )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="spotcheck.draw",
        entity_type="spot_check",
        entity_id=check.id,
        after={
            "half_year": spec.half_year,
            "region": spec.region_code,
            "seed": seed,
            "townships": chosen_townships,
        },
    )
    return check


def get(session: Session, check_id: int, *, scope: RegionScope = NATIONAL) -> SpotCheck:
    """The spot check, if its region overlaps ``scope`` (inside it, or containing the staff member's
    region); 404 otherwise, as for an unknown check."""
    check = session.execute(
        sa.select(SpotCheck).where(SpotCheck.id == check_id, scope.overlaps(SpotCheck.region_code))
    ).scalar_one_or_none()
    if check is None:
        raise ApiError(404, "not_found", "No such spot check.")
    return check


def get_item(
    session: Session, check_id: int, item_id: int, *, scope: RegionScope = NATIONAL
) -> SpotCheckItem:
    """An item of the check about a person in ``scope``; 404 otherwise."""
    item = session.execute(
        sa.select(SpotCheckItem)
        .join(Beneficiary, Beneficiary.id == SpotCheckItem.beneficiary_id)
        .where(SpotCheckItem.id == item_id, SpotCheckItem.spot_check_id == check_id, scope.people())
    ).scalar_one_or_none()
    if item is None:
        raise ApiError(404, "not_found", "No such item in this spot check.")
    return item


def public(session: Session, check: SpotCheck, *, scope: RegionScope = NATIONAL) -> SpotCheckPublic:
    """The check with its items about people in ``scope`` (a township sees its own villages' items)."""
    rows = session.execute(
        sa.select(SpotCheckItem, Certification, Beneficiary)
        .join(Certification, Certification.id == SpotCheckItem.certification_id)
        .join(Beneficiary, Beneficiary.id == SpotCheckItem.beneficiary_id)
        .where(SpotCheckItem.spot_check_id == check.id, scope.people())
        .order_by(SpotCheckItem.village_code, SpotCheckItem.certification_id)
    ).all()
    villages = sorted({item.village_code for item, _, _ in rows})
    towns = sorted(
        {
            c
            for c in session.execute(sa.select(Region.parent_code).where(Region.code.in_(villages))).scalars()
            if c
        }
    )
    return SpotCheckPublic(
        id=check.id,
        half_year=check.half_year,
        region_code=check.region_code,
        seed=check.seed,
        townships=towns,
        villages=villages,
        items=[
            SpotItemPublic(
                id=item.id,
                village_code=item.village_code,
                certification_id=cert.id,
                holder_name=mask_name(person.name),
                holder_id=mask_id(person.id_number),
                method=cert.method.value,
                certified_on=cert.local_date,
                outcome=item.outcome.value if item.outcome else None,
                note=item.note,
            )
            for item, cert, person in rows
        ],
    )


def record_outcome(
    session: Session,
    item: SpotCheckItem,
    *,
    outcome: SpotOutcome,
    note: str | None,
    staff_id: int,
    actor: str,
) -> None:
    before = {"outcome": item.outcome, "note": item.note}
    item.outcome, item.note, item.recorded_by, item.recorded_at = outcome, note, staff_id, utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="spotcheck.outcome",
        entity_type="spot_check_item",
        entity_id=item.id,
        before=before,
        after={"outcome": outcome, "note": note, "certification_id": item.certification_id},
    )
    if outcome is SpotOutcome.NOT_CONFIRMED:
        open_for_spot_item(session, item, actor=actor)  # one case per item, however often it is recorded
