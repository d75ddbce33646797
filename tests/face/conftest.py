"""Face-engine fixtures: the real models, loaded once per test session (they cost seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared_data import require_shared


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    return require_shared("faces")


@pytest.fixture(scope="session")
def face_engine(faces_dir):
    """One warmed FaceEngine (detector, Dlib recogniser, MiniFASNet, eye cascades, 68 landmarks)."""
    require_shared("models", "anti_spoofing")
    from face.engine import FaceEngine

    engine = FaceEngine()
    engine.warm_up()
    return engine


@pytest.fixture(scope="session")
def photo(faces_dir):
    """photo("obama/obama.jpg") → bytes of an identity photo; photo("scenes/x.jpg") for other folders."""

    def read(name: str) -> bytes:
        path = (
            faces_dir / name
            if "/" in name and name.split("/")[0] in {"scenes", "not_live", "pad"}
            else faces_dir / "identities" / name
        )
        return path.read_bytes()

    return read
