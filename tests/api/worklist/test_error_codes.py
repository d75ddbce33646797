"""Every error code the work list, the visits and the ID card check answer with has a plain sentence in
every catalog (the apps show ``error.<code>``), and each of them is really raised by the API code."""

from __future__ import annotations

import re

from shared.i18n import CATALOGS
from tests.shared_data import REPO_ROOT

SOURCES = [
    *sorted((REPO_ROOT / "api" / "worklist").glob("*.py")),
    REPO_ROOT / "api" / "certification" / "onsite.py",
]
# Codes these modules share with older endpoints (their wording lives with those endpoints' screens).
SHARED = {"not_found", "conflict", "idempotency_key_reused", "future_date", "not_certifiable"}


def raised_codes() -> set[str]:
    pattern = re.compile(r"ApiError\(\s*\d{3},\s*\"([a-z_]+)\"")
    return {code for path in SOURCES for code in pattern.findall(path.read_text(encoding="utf-8"))}


def test_every_new_error_code_has_a_sentence_in_every_language() -> None:
    new = raised_codes() - SHARED
    assert {
        "id_card_mismatch",
        "invalid_transition",
        "invalid_worker",
        "past_date",
        "no_certification",
    } <= new
    for language, catalog in CATALOGS.items():
        missing = sorted(code for code in new if f"error.{code}" not in catalog)
        assert not missing, f"{language}: add error.<code> for {missing}"
