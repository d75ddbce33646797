"""Where the test data beside the checkout lives (../shared), and how tests that need it skip or fail."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("LIFECERT_SHARED_DIR", REPO_ROOT.parent / "shared")).resolve()
FACES_DIR = SHARED_DIR / "faces"
MODELS_DIR = SHARED_DIR / "models"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_shared(*parts: str) -> Path:
    """Return SHARED_DIR/parts; skip (on a user's clone) or fail (in CI) when it is absent."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        msg = (
            f"test data not found at {path}: these tests need the ../shared folder beside the checkout "
            "(face photos, videos and model weights); set LIFECERT_SHARED_DIR to point elsewhere"
        )
        if in_ci():
            pytest.fail(msg)
        pytest.skip(msg)
    return path
