"""face/ and shared/ stay type-checked and linted: mypy (strict for both, configured in pyproject.toml) and
ruff (the rule families below) report nothing, so a type error or a lint regression fails the suite.

app/ and api/ are checked too, with the defaults pyproject.toml sets for them (issue 15: mostly results of
session.get() used without a None check); a new package of either is checked from the start.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from tests.shared_data import REPO_ROOT

CHECKED = ("shared", "face")
# Checked with mypy's default strictness.
DEFAULT_CHECKED = ("app", "api")
RUFF_RULES = ("E", "W", "F", "I", "B", "UP", "C4", "SIM")
# what `mypy --strict` switches on (mypy --help), minus the global-only warn_redundant_casts
STRICT_FLAGS = {
    "disallow_any_generics": True,
    "disallow_subclassing_any": True,
    "disallow_untyped_calls": True,
    "disallow_untyped_defs": True,
    "disallow_incomplete_defs": True,
    "check_untyped_defs": True,
    "disallow_untyped_decorators": True,
    "warn_unused_ignores": True,
    "warn_return_any": True,
    "implicit_reexport": False,
    "strict_equality": True,
    "extra_checks": True,
}


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m ARGS` from the repository root (where pyproject.toml configures both tools)."""
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=900, check=False
    )


def pyproject() -> dict[str, object]:
    with (REPO_ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)


def test_mypy_finds_no_errors_in_face_and_shared() -> None:
    done = run_module("mypy", *CHECKED)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout


def test_mypy_finds_no_errors_in_app_and_api() -> None:
    done = run_module("mypy", *DEFAULT_CHECKED)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout


def test_face_and_shared_are_checked_strictly() -> None:
    """`strict = true` cannot be set per module (mypy applies it globally), so the override lists the
    strict flags one by one: all of them, for both packages."""
    tool = pyproject()["tool"]
    assert isinstance(tool, dict)
    mypy = tool["mypy"]
    assert mypy["warn_redundant_casts"] is True and "strict" not in mypy
    overrides = [o for o in mypy["overrides"] if set(o["module"]) == {f"{p}.*" for p in CHECKED}]
    assert len(overrides) == 1
    assert {k: overrides[0].get(k) for k in STRICT_FLAGS} == STRICT_FLAGS


def test_ruff_finds_nothing_in_face_and_shared() -> None:
    done = run_module("ruff", "check", "--no-fix", "--select", ",".join(RUFF_RULES), *CHECKED)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_finds_nothing_in_api_app_and_tests() -> None:
    """The same rules on api/, app/ and the tests, line length included."""
    done = run_module("ruff", "check", "--no-fix", "--select", ",".join(RUFF_RULES), "api", "app", "tests")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_configuration_selects_the_checked_rules() -> None:
    tool = pyproject()["tool"]
    assert isinstance(tool, dict)
    assert tool["ruff"]["lint"]["select"] == list(RUFF_RULES)
    assert tool["ruff"]["line-length"] == 110


# A plain text column whose comment lists its values ("open | resolved") is a status that should be a StrEnum
# stored with EnumString. Read from the source line of the column (comments are not in the metadata); a
# declaration split over lines with the comment on another line is not seen.
LISTED_VALUES = re.compile(r"^\s*(\w+): Mapped\[str(?: \| None)?\] = .*#.*\w\"? \| \"?\w")
# the ones left as text, and why; a column fixed into an enum must leave this list
PLAIN_TEXT_ALLOWED = {
    ("api/notify/models.py", "template"): "an open set: a new notice adds its template name",
    (
        "api/cycle_jobs/models.py",
        "state",
    ): "one value (running) or NULL, part of the month lock's unique index",
    (
        "api/beneficiaries/models.py",
        "sex",
    ): "typed by shared.idnumber.Sex (a Literal), derived from the ID number",
}


def test_no_plain_text_column_lists_fixed_values() -> None:
    found = {
        (path.relative_to(REPO_ROOT).as_posix(), match.group(1))
        for path in sorted((REPO_ROOT / "api").rglob("models.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if (match := LISTED_VALUES.match(line))
    }
    assert found == set(PLAIN_TEXT_ALLOWED), "a status column typed str: make it a StrEnum with EnumString"
