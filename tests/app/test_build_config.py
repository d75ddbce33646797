"""The flet build configuration: [tool.flet] in pyproject.toml and the staged client tree (no Flutter needed)."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

from tests.shared_data import REPO_ROOT


def load_stage_module():
    spec = importlib.util.spec_from_file_location("stage_app", REPO_ROOT / "build" / "stage_app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tool_flet_declares_camera_permissions_and_offline_web() -> None:
    flet = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["flet"]
    assert flet["permissions"] == ["camera"]
    assert flet["bundle_id"].count(".") >= 2
    assert flet["android"]["permission"]["android.permission.RECORD_AUDIO"] is False
    camera_text = flet["ios"]["info"]["NSCameraUsageDescription"]
    assert "脸部照片" in camera_text and "face" in camera_text
    assert flet["web"]["cdn"] is False
    assert flet["app"]["module"] == "main"


def test_staged_client_holds_only_the_client(tmp_path: Path) -> None:
    stage = load_stage_module()
    out = stage.stage(tmp_path / "flet-app", "https://lifecert.example.org")
    assert sorted(p.name for p in out.iterdir()) == ["app", "assets", "main.py", "pyproject.toml", "shared"]
    assert (out / "assets" / "icon.png").stat().st_size > 1000
    assert "https://lifecert.example.org" in (out / "main.py").read_text(encoding="utf-8")
    assert not list(out.rglob("__pycache__"))
    meta = tomllib.loads((out / "pyproject.toml").read_text(encoding="utf-8"))
    deps = " ".join(meta["project"]["dependencies"])
    assert "flet==" in deps and "flet-camera" in deps and "httpx" in deps and "pydantic" in deps
    for server_only in ("fastapi", "sqlalchemy", "tensorflow", "deepface", "torch", "dlib", "flet-web"):
        assert server_only not in deps, server_only
    assert meta["tool"]["flet"] == tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["flet"]
