"""Every setting of the settings tree as an environment variable: ``lifecert settings`` prints the table the
README's Configuration section shows (a test keeps the two equal)."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from api.core.settings import ENV_PREFIX, Settings

COMPUTED = "computed"  # defaults that depend on the machine (working directory, installed packages)


def _default_text(value: Any) -> str:
    if isinstance(value, enum.Enum):
        return str(value.value)
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    if isinstance(value, tuple):
        return ",".join(_default_text(v) for v in value) or "unset"
    return COMPUTED


def _children(value: Any) -> list[tuple[str, Any, bool]] | None:
    """(name, value, computed: the default comes from a factory) of a settings group's fields."""
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return [(name, getattr(value, name), f.default_factory is not None) for name, f in fields.items()]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            (f.name, getattr(value, f.name), f.default_factory is not dataclasses.MISSING)
            for f in dataclasses.fields(value)
        ]
    return None


def rows(settings: Settings | None = None) -> Iterator[tuple[str, str]]:
    """(environment variable, default) for every leaf setting, depth first."""
    root = settings or Settings.model_construct()

    def walk(prefix: str, value: Any, computed: bool) -> Iterator[tuple[str, str]]:
        children = _children(value)
        if children is None:
            yield prefix.upper(), COMPUTED if computed or isinstance(value, Path) else _default_text(value)
            return
        for name, child, child_computed in children:
            name = f"{prefix}__{name}" if prefix != ENV_PREFIX else f"{prefix}{name}"
            yield from walk(name, child, child_computed)

    yield from walk(ENV_PREFIX, root, False)


def markdown() -> str:
    lines = ["| variable | default |", "|---|---|"]
    lines += [f"| `{name}` | {default} |" for name, default in rows()]
    return "\n".join(lines) + "\n"


def update_readme(path: Path) -> bool:
    """Replace the settings table in ``path`` (from its ``| variable | default |`` header to the first line
    that is not a table row) with the current one; True if the file changed."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("| variable | default |"))
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    new = "".join(lines[:start]) + markdown() + "".join(lines[end:])
    if new == text:
        return False
    path.write_text(new, encoding="utf-8")
    return True
