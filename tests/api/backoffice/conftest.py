"""Back-office fixtures: staff of each role (real accounts, real login) and a small region tree."""

from __future__ import annotations

from shared.enums import RegionLevel


def ensure_tree(
    session, county: str = "110101", townships: int = 3, villages: int = 3
) -> dict[str, list[str]]:
    """Townships <county>001.. and villages <township>001.. under the factory's county; returns the map."""
    from api.regions.models import Region
    from tests.api.factories import ensure_regions

    ensure_regions(session)
    tree: dict[str, list[str]] = {}
    for t in range(1, townships + 1):
        town = f"{county}{t:03d}"
        if session.get(Region, town) is None:
            session.add(Region(code=town, name=f"镇{t}", level=RegionLevel.TOWNSHIP, parent_code=county))
            session.flush()
        tree[town] = []
        for v in range(1, villages + 1):
            village = f"{town}{v:03d}"
            if session.get(Region, village) is None:
                session.add(
                    Region(code=village, name=f"镇{t}村{v}", level=RegionLevel.VILLAGE, parent_code=town)
                )
            tree[town].append(village)
    session.commit()
    return tree
