"""Progress of long imports (roster, data-comparison feeds): a tqdm bar on the terminal for ``lifecert``
commands, the same bar disabled everywhere else (tests, the API, ``--quiet``)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from tqdm import tqdm

ProgressFactory = Callable[[int, str], tqdm]  # (total, description) → a bar with update(n) and close()


def quiet(total: int, desc: str) -> tqdm:
    return tqdm(total=total, desc=desc, disable=True)


def on_terminal(unit: str) -> ProgressFactory:
    """Bars on stderr counting ``unit`` (" rows", " photos" …)."""

    def bar(total: int, desc: str) -> tqdm:
        return tqdm(total=total, desc=desc, unit=unit, unit_scale=True, file=sys.stderr, dynamic_ncols=True)

    return bar
