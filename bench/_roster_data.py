"""Synthetic roster data for the benchmarks: unique valid ID numbers, names, regions, amounts."""

from __future__ import annotations

import csv
import os
import random
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from shared.idnumber import make_id_number

REGIONS = ["110101", "110102", "110105", "330106", "330102", "440103", "510104", "610113"]
PROVINCES = {"11": "北京市", "33": "浙江省", "44": "广东省", "51": "四川省", "61": "陕西省"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华国建德志淑珍玉兰福寿"
BENEFITS = ["enterprise_pension", "institution_pension", "resident_pension", "work_injury", "survivor"]
FIRST_BIRTH = date(1935, 1, 1)
BIRTH_DAYS = 30 * 365


def person_id(i: int) -> str:
    """The i-th synthetic ID number (unique for i < len(REGIONS) * BIRTH_DAYS * 1000)."""
    region = REGIONS[i % len(REGIONS)]
    j = i // len(REGIONS)
    birth = FIRST_BIRTH + timedelta(days=j % BIRTH_DAYS)
    return make_id_number(region, birth, (j // BIRTH_DAYS) % 1000)


def person_name(i: int, rnd: random.Random) -> str:
    return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(1 + (i % 3 != 0)))


def rows(n: int, seed: int = 7) -> Iterator[list[str]]:
    rnd = random.Random(seed)
    for i in range(n):
        yield [
            person_id(i),
            person_name(i, rnd),
            REGIONS[i % len(REGIONS)],
            BENEFITS[i % len(BENEFITS)],
            f"{rnd.randint(800, 900_000) / 100:.2f}",
            f"1{rnd.randint(3, 9)}{rnd.randint(0, 999_999_999):09d}",
        ]


def write_roster_csv(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id_number", "name", "region_code", "benefit_type", "monthly_amount", "phone"])
        w.writerows(rows(n))
    return path


def seed_regions(url: str) -> None:
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.regions.importer import RegionSpec, upsert_regions
    from shared.enums import RegionLevel

    specs = [RegionSpec(p, name, RegionLevel.PROVINCE, None) for p, name in PROVINCES.items()]
    specs += [RegionSpec(r[:4], f"市{r[:4]}", RegionLevel.CITY, r[:2]) for r in sorted(set(REGIONS))]
    specs += [RegionSpec(r, f"区{r}", RegionLevel.COUNTY, r[:4]) for r in REGIONS]
    specs = list({s.code: s for s in specs}.values())
    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine)) as s:
            upsert_regions(s, specs, actor="bench")
    finally:
        engine.dispose()


class FreshDatabase:
    """A new, migrated database: an SQLite file in ``workdir`` or a uniquely named PostgreSQL database."""

    def __init__(self, backend: str, workdir: Path, pg_url: str | None = None, keep: bool = False) -> None:
        self.backend, self.keep = backend, keep
        self._admin = None
        if backend == "sqlite":
            self.url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        else:
            from sqlalchemy.engine import make_url

            server = (
                pg_url or os.environ.get("LIFECERT_BENCH_PG_URL") or os.environ.get("LIFECERT_TEST_PG_URL")
            )
            if not server:
                raise SystemExit("PostgreSQL: set LIFECERT_BENCH_PG_URL (or pass --pg-url)")
            self.name = f"lifecert_bench_{uuid.uuid4().hex[:10]}"
            self._admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
            with self._admin.connect() as c:
                c.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
            self.url = make_url(server).set(database=self.name).render_as_string(hide_password=False)
        from api.core.db import upgrade

        upgrade(self.url)
        seed_regions(self.url)

    def drop(self) -> None:
        if self._admin is not None and not self.keep:
            with self._admin.connect() as c:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            self._admin.dispose()
