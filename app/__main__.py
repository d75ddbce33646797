"""``python -m app``: the citizens' app, as ``python -m app.citizen`` (kept for old scripts and habits)."""

from __future__ import annotations

from app.citizen.__main__ import cli

if __name__ == "__main__":
    cli()
