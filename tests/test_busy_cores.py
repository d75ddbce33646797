"""``--busy-cores N`` really loads the machine: N spinning processes exist while the tests run."""

from __future__ import annotations

import os
import sys

import pytest


def _spinners() -> int:
    mine = os.getpid()
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read().split(b"\0")
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if parent == mine and cmd[:3] == [sys.executable.encode(), b"-c", b"while True: pass"]:
            count += 1
    return count


def test_busy_cores_option_starts_that_many_spinning_processes(request: pytest.FixtureRequest) -> None:
    assert _spinners() == request.config.getoption("--busy-cores")
