"""Real production parts started by the tests: a PostgreSQL primary with a streaming hot standby
(pg_basebackup) and PgBouncer in front of the primary, each in a temporary directory on free ports
(build/deploy/local/cluster.py). Skipped with a message where the binaries are missing; in CI a failure.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from api.core.db import upgrade
from tests.local_cluster import cluster
from tests.shared_data import in_ci


def _need(binary: str, package: str) -> None:
    if shutil.which(binary) is None:
        msg = f"{binary} is not installed (apt-get install {package}): the cluster tests need it"
        if in_ci():
            pytest.fail(msg + " — in CI this is an error, not a skip")
        pytest.skip(msg)


@pytest.fixture(scope="session")
def pg_pair() -> Iterator[tuple]:
    """(primary, standby) — a migrated database ``lifecert`` on the primary, streamed to the standby."""
    try:
        cluster.pg_bindir()
    except FileNotFoundError as exc:
        if in_ci():
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    workdir = cluster.make_workdir()
    primary = cluster.Postgres.init_primary(workdir)
    standby = None
    try:
        primary.start()
        primary.psql("CREATE DATABASE lifecert")
        upgrade(primary.url.rsplit("/", 1)[0] + "/lifecert")
        standby = cluster.Postgres.standby_of(primary, workdir)
        standby.start()
        yield primary, standby
    finally:
        if standby is not None:
            standby.stop("immediate")
        primary.stop("immediate")
        cluster.remove_workdir(workdir)


@pytest.fixture(scope="session")
def pgbouncer(pg_pair) -> Iterator:
    _need("pgbouncer", "pgbouncer")
    primary, _ = pg_pair
    workdir = cluster.make_workdir("lifecert-pgbouncer-")
    bouncer = cluster.PgBouncer(workdir, primary, ("lifecert",), pool_size=4)
    try:
        bouncer.start()
        yield bouncer
    finally:
        bouncer.stop()
        cluster.remove_workdir(workdir)
