"""The import direction of docs/architecture.md, enforced: app/ ships to phones, shared/ is pure, face/ is a
library; inside app/, the citizens' app and the staff app never import each other and app/common imports
neither."""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.shared_data import REPO_ROOT

# package -> top-level modules it must never import
FORBIDDEN = {
    "shared": {"api", "face", "app", "httpx", "sqlalchemy", "fastapi", "flet", "cv2", "numpy", "requests"},
    "face": {"api", "app", "shared", "fastapi", "sqlalchemy", "httpx", "flet", "alembic"},
    "app": {
        "api",
        "face",
        "sqlalchemy",
        "fastapi",
        "alembic",
        "deepface",
        "tensorflow",
        "dlib",
        "cv2",
        "torch",
        "numpy",
        "uvicorn",
        "psycopg",
    },
}

# part of app/ -> our modules (and their submodules) it must never import
APP_PARTS = {
    "citizen": {"app.staff"},
    "staff": {"app.citizen"},
    "common": {"app.citizen", "app.staff"},
}


def _package_of(path: Path, root: Path) -> str:
    """The dotted package ``path`` belongs to ("" outside ``root``)."""
    if not path.is_relative_to(root):
        return ""
    return ".".join(path.relative_to(root).parent.parts)


def imported_modules(path: Path, root: Path = REPO_ROOT) -> set[str]:
    """Every module ``path`` imports, by full dotted name (relative imports resolved against ``root``);
    ``from a.b import c`` counts as ``a.b`` and ``a.b.c`` (c may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _package_of(path, root)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                anchor = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            if base:
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return found


def imported_roots(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported_modules(path)}


def offending(modules: set[str], forbidden: set[str]) -> set[str]:
    return {m for m in modules if any(m == f or m.startswith(f + ".") for f in forbidden)}


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


def test_app_holds_only_its_three_parts() -> None:
    """Every module of app/ is in citizen/, staff/ or common/ (plus app/__init__ and the ``python -m app``
    alias), so the rules below cover all of them."""
    subpackages = {p.name for p in (REPO_ROOT / "app").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert subpackages == set(APP_PARTS)
    loose = {p.name for p in (REPO_ROOT / "app").glob("*.py")}
    assert loose == {"__init__.py", "__main__.py"}


@pytest.mark.parametrize("part", sorted(APP_PARTS))
def test_app_parts_keep_apart(part: str) -> None:
    files = python_files(f"app/{part}")
    assert files, f"app/{part}/ has no Python files"
    offences = [
        f"{path.relative_to(REPO_ROOT)} imports {sorted(bad)}"
        for path in files
        if (bad := offending(imported_modules(path), APP_PARTS[part]))
    ]
    assert not offences, "\n".join(offences)


def test_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("import os\nfrom api.core.db import x\nfrom . import y\n", encoding="utf-8")
    assert imported_roots(sample) & FORBIDDEN["shared"] == {"api"}


@pytest.mark.parametrize(
    "source, bad",
    [
        (
            "from app.staff.console_state import ConsoleState\n",
            {"app.staff.console_state", "app.staff.console_state.ConsoleState"},
        ),
        ("from app import staff\n", {"app.staff"}),
        ("import app.staff.main\n", {"app.staff.main"}),
        ("from ...staff import navigation\n", {"app.staff", "app.staff.navigation"}),
        ("from app.common.ui import Ui\nfrom app.citizen import state\n", set()),
    ],
)
def test_checker_sees_an_import_of_the_other_app(tmp_path: Path, source: str, bad: set[str]) -> None:
    sample = tmp_path / "app" / "citizen" / "screens" / "m.py"
    sample.parent.mkdir(parents=True)
    sample.write_text(source, encoding="utf-8")
    assert offending(imported_modules(sample, tmp_path), APP_PARTS["citizen"]) == bad


# --- the tree build/stage_app.py stages for the citizens' phone build ------------------------------------


def _stage(tmp_path: Path, app: str) -> Path:
    spec = importlib.util.spec_from_file_location("stage_app", REPO_ROOT / "build" / "stage_app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.stage(tmp_path / f"flet-{app}", "https://lifecert.example.org", app)


def test_citizen_build_carries_no_staff_module(tmp_path: Path) -> None:
    out = _stage(tmp_path, "citizen")
    files = sorted(out.rglob("*.py"))
    assert out / "app" / "citizen" / "main.py" in files and out / "app" / "common" / "ui.py" in files
    assert not (out / "app" / "staff").exists()
    assert not [p for p in files if "staff" in p.relative_to(out).parts or p.stem.startswith("console_")]
    offences = [
        f"{p.relative_to(out)} imports {sorted(bad)}"
        for p in files
        if (bad := offending(imported_modules(p, out), {"app.staff", "api", "face"}))
    ]
    assert not offences, "\n".join(offences)


def test_citizen_build_imports_on_its_own(tmp_path: Path) -> None:
    """Every module of the staged citizens' tree imports from that tree alone, and app.staff is absent."""
    out = _stage(tmp_path, "citizen")
    script = (
        "import importlib, pkgutil, sys\n"
        # a development install (pip install -e) maps our packages to the checkout: forget that mapping
        "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in getattr(f, '__module__', '')]\n"
        "import app, app.citizen, app.common\n"
        "names = [m.name for pkg in (app.citizen, app.common)\n"
        "         for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "assert app.__file__.startswith(sys.argv[1]), app.__file__\n"
        "assert not [m for m in sys.modules if m.startswith(('app.staff', 'api', 'face'))]\n"
        "try:\n"
        "    import app.staff\n"
        "except ModuleNotFoundError:\n"
        "    print(len(names), 'modules')\n"
        "else:\n"
        "    raise SystemExit('app.staff is importable from the citizens build')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(out)],
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert int(done.stdout.split()[0]) > 20  # the screens, components and the rest were all imported
