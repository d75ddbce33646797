"""Load the region list (code, name, level, parent_code) from a CSV; upserts by code, parents first."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from api import audit
from api.regions.models import Region
from shared.enums import RegionLevel


@dataclass(frozen=True, slots=True)
class RegionSpec:
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None


class RegionFileError(ValueError):
    pass


def read_regions_csv(path: Path) -> list[RegionSpec]:
    specs: list[RegionSpec] = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = {"code", "name", "level"} - set(reader.fieldnames or ())
        if missing:
            raise RegionFileError(f"{path.name}: missing columns {', '.join(sorted(missing))}")
        for row in reader:
            try:
                level = RegionLevel((row.get("level") or "").strip().lower())
            except ValueError:
                raise RegionFileError(
                    f"{path.name} row {reader.line_num}: level must be one of "
                    + ", ".join(x.value for x in RegionLevel)
                ) from None
            code = (row.get("code") or "").strip()
            name = (row.get("name") or "").strip()
            if not code or not name or len(code) > 12:
                raise RegionFileError(
                    f"{path.name} row {reader.line_num}: code (≤ 12 chars) and name are required"
                )
            specs.append(RegionSpec(code, name, level, (row.get("parent_code") or "").strip() or None))
    return specs


def upsert_regions(session: Session, specs: list[RegionSpec], *, actor: str) -> int:
    """Insert or update the regions (in the caller's transaction), auditing each change."""
    known = {s.code for s in specs}
    changed = 0
    order = sorted(specs, key=lambda s: list(RegionLevel).index(s.level))
    for spec in order:
        if (
            spec.parent_code
            and spec.parent_code not in known
            and session.get(Region, spec.parent_code) is None
        ):
            raise RegionFileError(f"region {spec.code}: unknown parent {spec.parent_code}")
        region = session.get(Region, spec.code)
        after = {"name": spec.name, "level": spec.level, "parent_code": spec.parent_code}
        if region is None:
            session.add(
                Region(code=spec.code, name=spec.name, level=spec.level, parent_code=spec.parent_code)
            )
            session.flush()
            audit.record(
                session,
                actor=actor,
                action="region.create",
                entity_type="region",
                entity_id=spec.code,
                after=after,
            )
            changed += 1
        elif (region.name, region.level, region.parent_code) != (spec.name, spec.level, spec.parent_code):
            before = {"name": region.name, "level": region.level, "parent_code": region.parent_code}
            region.name, region.level, region.parent_code = spec.name, spec.level, spec.parent_code
            session.flush()
            audit.record(
                session,
                actor=actor,
                action="region.update",
                entity_type="region",
                entity_id=spec.code,
                before=before,
                after=after,
            )
            changed += 1
    return changed
