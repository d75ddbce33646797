"""``lifecert serve --workers``: one API process per core with ``auto``; bad values refused by the parser."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from api.cli import worker_count


def test_worker_count_reads_numbers_and_auto() -> None:
    assert worker_count("3") == 3
    assert worker_count("auto") == len(os.sched_getaffinity(0))
    for bad in ("0", "-2", "many"):
        with pytest.raises(argparse.ArgumentTypeError):
            worker_count(bad)


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


def test_serve_with_workers_auto_starts_one_answering_process_per_core(tmp_path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "LIFECERT_ENV": "test",
        "LIFECERT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LIFECERT_DATA_DIR": str(tmp_path / "data"),
    }
    log = tmp_path / "serve.log"
    cores = len(os.sched_getaffinity(0))
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--workers", "auto", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        # ready = every worker has started (uvicorn logs one "Application startup complete." per worker)
        # and the port answers
        while log.read_text().count("Application startup complete.") < cores:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.2)
        assert httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=10).json()["status"] == "ok"
        workers = [c for c in _children(proc.pid) if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text()]
        assert len(workers) == cores
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)


def test_serve_refuses_a_bad_worker_count_with_a_clear_message() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "serve", "--workers", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--workers must be at least 1" in result.stderr
