"""The flet build configuration of both apps — [tool.flet] in pyproject.toml (citizens), build/staff.toml
(staff) — and the trees build/stage_app.py stages for them (no Flutter needed)."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import pytest

from tests.shared_data import REPO_ROOT


def load_stage_module():
    spec = importlib.util.spec_from_file_location("stage_app", REPO_ROOT / "build" / "stage_app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def flet_config(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))["tool"]["flet"]


@pytest.mark.parametrize("config", [REPO_ROOT / "pyproject.toml", REPO_ROOT / "build" / "staff.toml"])
def test_tool_flet_declares_camera_permissions_and_offline_web(config: Path) -> None:
    flet = flet_config(config)
    assert flet["permissions"] == ["camera"]
    assert flet["bundle_id"].count(".") >= 2
    assert flet["android"]["permission"]["android.permission.RECORD_AUDIO"] is False
    camera_text = flet["ios"]["info"]["NSCameraUsageDescription"]
    assert "照片" in camera_text and "photos" in camera_text  # Chinese and English in one string
    assert flet["web"]["cdn"] is False
    assert flet["app"]["module"] == "main"


def test_the_two_apps_are_two_products() -> None:
    citizen, staff = (
        flet_config(REPO_ROOT / "pyproject.toml"),
        flet_config(REPO_ROOT / "build" / "staff.toml"),
    )
    assert citizen["bundle_id"] == "org.lifecert.client" and staff["bundle_id"] == "org.lifecert.staff"
    assert citizen["product"] != staff["product"]
    assert "脸部照片" in citizen["ios"]["info"]["NSCameraUsageDescription"]


@pytest.mark.parametrize(
    "app, other, config",
    [
        ("citizen", "staff", REPO_ROOT / "pyproject.toml"),
        ("staff", "citizen", REPO_ROOT / "build" / "staff.toml"),
    ],
)
def test_staged_app_holds_only_that_app(tmp_path: Path, app: str, other: str, config: Path) -> None:
    stage = load_stage_module()
    out = stage.stage(tmp_path / f"flet-{app}", "https://lifecert.example.org", app)
    assert sorted(p.name for p in out.iterdir()) == ["app", "assets", "main.py", "pyproject.toml", "shared"]
    assert sorted(p.name for p in (out / "app").iterdir()) == sorted(["__init__.py", app, "common"])
    assert not (out / "app" / other).exists()
    assert f"from app.{app}.main import main" in (out / "main.py").read_text(encoding="utf-8")
    assert (out / "assets" / "icon.png").stat().st_size > 1000
    assert "https://lifecert.example.org" in (out / "main.py").read_text(encoding="utf-8")
    assert not list(out.rglob("__pycache__"))
    meta = tomllib.loads((out / "pyproject.toml").read_text(encoding="utf-8"))
    deps = " ".join(meta["project"]["dependencies"])
    assert "flet==" in deps and "flet-camera" in deps and "httpx" in deps and "pydantic" in deps
    for server_only in ("fastapi", "sqlalchemy", "tensorflow", "deepface", "torch", "dlib", "flet-web"):
        assert server_only not in deps, server_only
    assert meta["tool"]["flet"] == flet_config(config)
