"""How long the README's first command takes, on a fresh clone, to a working page.

Clones this checkout's HEAD into a new directory, runs the README's first ``bash`` block there exactly as
written except for the demo's ports (free ones, so it can run beside a demo) and prints, in seconds from
the start: when ``.venv/bin/lifecert`` appeared (pip writes the entry points at the end of the install), when
the API answered ``/healthz`` and when the citizens' and the staff app's pages answered. ``--cold`` gives pip
an empty cache directory (every wheel downloaded or copied again); without it pip uses its usual cache.

    python -m bench.first_run [--cold] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def readme_command() -> str:
    block = re.search(r"```bash\n(.+?)\n```", (REPO_ROOT / "README.md").read_text(), re.S)
    if block is None:
        raise SystemExit("README.md has no bash block")
    return block.group(1).strip()


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.TransportError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", action="store_true", help="an empty pip cache")
    parser.add_argument("--keep", type=Path, help="clone here and keep it (default: a temporary directory)")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="lifecert-first-run-"))
    clone = work / "lifecert"
    subprocess.run(["git", "clone", "-q", str(REPO_ROOT), str(clone)], check=True)
    ports = {"api": free_port(), "citizen": free_port(), "staff": free_port()}
    command = readme_command().replace(
        "lifecert demo",
        f"lifecert demo --port {ports['api']} --client-port {ports['citizen']} --staff-port {ports['staff']}",
    )
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    if args.cold:
        env["PIP_CACHE_DIR"] = str(work / "pip-cache")
    urls = {
        "api": f"http://127.0.0.1:{ports['api']}/healthz",
        "citizen": f"http://127.0.0.1:{ports['citizen']}/",
        "staff": f"http://127.0.0.1:{ports['staff']}/",
    }
    print(
        f"# first run — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}, pip cache {'empty' if args.cold else 'as is'}"
    )
    print(f"$ {command}")
    log = (work / "first-run.log").open("wb")
    start = time.monotonic()
    proc = subprocess.Popen(
        ["bash", "-c", command],
        cwd=clone,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    seen: dict[str, float] = {}
    try:
        while len(seen) < 4:
            elapsed = time.monotonic() - start
            if proc.poll() is not None or elapsed > args.timeout:
                log.flush()
                tail = (work / "first-run.log").read_text(errors="replace")[-3000:]
                print(f"stopped at {elapsed:.0f} s (exit {proc.returncode}):\n{tail}", file=sys.stderr)
                return 1
            if "installed" not in seen and (clone / ".venv" / "bin" / "lifecert").exists():
                seen["installed"] = elapsed
                print(f"pip install done (entry point written): {elapsed:6.0f} s", flush=True)
            for name, url in urls.items():
                if name not in seen and "installed" in seen and answers(url):
                    seen[name] = elapsed
                    print(f"{name:>8} answers {url}: {elapsed:6.0f} s", flush=True)
            time.sleep(0.5)
        print(f"working page (all three answer): {max(seen.values()):.0f} s")
        return 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
