"""The import direction of ARCHITECTURE.md, enforced: app/ ships to phones, shared/ is pure, face/ is a library."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.shared_data import REPO_ROOT

# package -> top-level modules it must never import
FORBIDDEN = {
    "shared": {"api", "face", "app", "httpx", "sqlalchemy", "fastapi", "flet", "cv2", "numpy", "requests"},
    "face": {"api", "app", "shared", "fastapi", "sqlalchemy", "httpx", "flet", "alembic"},
    "app": {"api", "face", "sqlalchemy", "fastapi", "alembic", "deepface", "tensorflow", "dlib", "cv2", "torch",
            "numpy", "uvicorn", "psycopg"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def python_files(package: str) -> list[Path]:
    return sorted((REPO_ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_respects_import_direction(package: str) -> None:
    files = python_files(package)
    assert files, f"{package}/ has no Python files"
    offences = [
        f"{path.relative_to(REPO_ROOT)} imports {sorted(bad)}"
        for path in files
        if (bad := imported_roots(path) & FORBIDDEN[package])
    ]
    assert not offences, "\n".join(offences)


def test_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("import os\nfrom api.core.db import x\nfrom . import y\n", encoding="utf-8")
    assert imported_roots(sample) & FORBIDDEN["shared"] == {"api"}
