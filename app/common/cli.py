"""The command line both web apps share (``python -m app.citizen`` / ``python -m app.staff``); no Flet import,
so a bad argument is reported before Flet loads."""

from __future__ import annotations

import argparse

from app.common.settings import DEFAULT_API_URL, normalise_api_url


def parse_args(
    argv: list[str] | None, *, prog: str, description: str, default_port: int
) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument(
        "--port", type=int, default=default_port, help=f"port to serve on (default {default_port})"
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--api", default=DEFAULT_API_URL, help=f"lifecert API base URL (default {DEFAULT_API_URL})"
    )
    parser.add_argument(
        "--open-browser", action="store_true", help="open a browser tab when a display exists"
    )
    args = parser.parse_args(argv)
    if normalise_api_url(args.api) is None:
        parser.error(f"--api must be an http:// or https:// address, got {args.api!r}")
    args.api = normalise_api_url(args.api)
    return args
