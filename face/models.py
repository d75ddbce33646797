"""Offline model loading: every model is built once per process, from files on this machine only.

Weights come from installed packages (face-recognition-models ships the dlib files) or from a folder named
by configuration (anti-spoofing .pth files). Nothing here ever downloads: DeepFace finds every file it asks
for already in `$DEEPFACE_HOME/.deepface/weights/` (symlinks placed by `prepare_deepface()`), so its
download helper returns without a network call.

DeepFace is imported only through `deepface_module()`, which first sets `DEEPFACE_BACKEND_ENGINE`
(default `pytorch`: Dlib recognition is engine-independent, and PyTorch is the engine whose MiniFASNet
anti-spoofing weights exist offline; it also keeps TensorFlow and its ~600 MB out of the process).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from face import dlib_api
from face.dlib_api import FaceDescriptorModel, HogDetector, Rectangle, Shape, ShapePredictor

_lock = threading.Lock()

REPO_ROOT = Path(__file__).resolve().parents[1]
DLIB_WEIGHT_FILES = ("dlib_face_recognition_resnet_model_v1.dat", "shape_predictor_5_face_landmarks.dat")
ANTISPOOF_WEIGHT_FILES = ("2.7_80x80_MiniFASNetV2.pth", "4_0_0_80x80_MiniFASNetV1SE.pth")
DEFAULT_ENGINE = "pytorch"


@lru_cache(maxsize=1)
def dlib_models_dir() -> Path:
    """The models folder of the face-recognition-models package, found without importing it (its
    __init__ imports pkg_resources, which current setuptools no longer ships)."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("face-recognition-models is not installed: the dlib weights are missing")
    return Path(next(iter(spec.submodule_search_locations))).resolve() / "models"


_local = threading.local()


def frontal_face_detector() -> HogDetector:
    """dlib's HOG detector (built in, no weights file), ONE PER THREAD: dlib's object_detector keeps scratch
    buffers and is not re-entrant — two threads sharing one corrupted the heap (api's cert benchmark).
    Building one takes a few milliseconds; each thread keeps its own."""
    detector: HogDetector | None = getattr(_local, "hog", None)
    if detector is None:
        detector = _local.hog = dlib_api.hog_detector()
    return detector


class _LockedPredictor:
    """A shared dlib shape_predictor (68 points: ~100 MB, 1 s to load) called under a lock: calls take
    ~2 ms, so serialising them costs nothing, and no one documents shape_predictor as re-entrant."""

    def __init__(self, predictor: ShapePredictor):
        self._predictor = predictor
        self._call_lock = threading.Lock()

    def __call__(self, image: np.ndarray, rect: Rectangle) -> Shape:
        with self._call_lock:
            return self._predictor(image, rect)

    @property
    def num_parts(self) -> int:
        return self._predictor.num_parts


@lru_cache(maxsize=1)
def landmarks_68() -> ShapePredictor:
    """dlib's 68-point shape predictor (eye, lip and pose landmarks for active liveness); thread-safe."""
    path = dlib_models_dir() / "shape_predictor_68_face_landmarks.dat"
    with _lock:
        return _LockedPredictor(dlib_api.shape_predictor(path))


class _LockedRecogniser:
    """dlib's ResNet face recogniser shared by all threads; calls are serialised (re-entrancy undocumented;
    two instances on two threads were measured slower than one: dlib holds the GIL in this call)."""

    def __init__(self, model: FaceDescriptorModel):
        self._model = model
        self._lock = threading.Lock()

    def compute_face_descriptor(self, image: np.ndarray, shape: Shape) -> Sequence[float]:
        with self._lock:
            return self._model.compute_face_descriptor(image, shape)


@lru_cache(maxsize=1)
def face_recogniser() -> FaceDescriptorModel:
    """dlib's ResNet recogniser (the network DeepFace's "Dlib" model wraps), given an image and a landmark
    shape: it cuts the aligned 150x150 chip itself (dlib.get_face_chip) and returns the 128-d descriptor."""
    with _lock:
        return _LockedRecogniser(dlib_api.face_recognition_model(dlib_models_dir() / DLIB_WEIGHT_FILES[0]))


@lru_cache(maxsize=1)
def landmarks_5() -> ShapePredictor:
    path = dlib_models_dir() / "shape_predictor_5_face_landmarks.dat"
    with _lock:
        return _LockedPredictor(dlib_api.shape_predictor(path))


def deepface_home() -> Path:
    """The folder DeepFace treats as home (weights live in HOME/.deepface/weights). Must be writable."""
    home = os.environ.get("DEEPFACE_HOME")
    if home:
        return Path(home)
    return Path(os.environ.get("LIFECERT_DATA_DIR", Path.cwd() / "var")) / "deepface"


def weights_dir() -> Path:
    return deepface_home() / ".deepface" / "weights"


def antispoof_dir() -> Path | None:
    """Where the MiniFASNet .pth files come from: env LIFECERT_ANTISPOOF_DIR, else ../shared/models/
    anti_spoofing beside the checkout when present (development and CI), else None."""
    configured = os.environ.get("LIFECERT_ANTISPOOF_DIR")
    if configured:
        return Path(configured)
    default = REPO_ROOT.parent / "shared" / "models" / "anti_spoofing"
    return default if default.is_dir() else None


def torch_installed() -> bool:
    return importlib.util.find_spec("torch") is not None


def missing_antispoof_weights(source: Path | None) -> list[str]:
    """Names of the anti-spoofing weight files absent from `source` (all of them when source is None)."""
    if source is None:
        return list(ANTISPOOF_WEIGHT_FILES)
    return [name for name in ANTISPOOF_WEIGHT_FILES if not (source / name).is_file()]


def _link(src: Path, dst: Path) -> None:
    """Place `src` at `dst` as a symlink (a copy where links are not allowed); replace stale entries."""
    if dst.is_symlink() or dst.exists():
        if dst.resolve() == src.resolve():
            return
        dst.unlink()
    try:
        dst.symlink_to(src)
    except OSError:
        shutil.copyfile(src, dst)


def link_weights(source: Path | None = None) -> Path:
    """Put the dlib files (and the anti-spoofing files from `source`, if complete) into DeepFace's weights
    folder. Returns that folder."""
    target = weights_dir()
    target.mkdir(parents=True, exist_ok=True)
    for name in DLIB_WEIGHT_FILES:
        _link(dlib_models_dir() / name, target / name)
    if source is not None and not missing_antispoof_weights(source):
        for name in ANTISPOOF_WEIGHT_FILES:
            _link(source / name, target / name)
    return target


@lru_cache(maxsize=1)
def deepface_module() -> ModuleType:
    """`deepface.DeepFace`, imported once after the engine and home are set and the weights are linked.
    (DeepFace is untyped: its functions return Any.)"""
    with _lock:
        os.environ.setdefault("DEEPFACE_BACKEND_ENGINE", DEFAULT_ENGINE)
        os.environ["DEEPFACE_HOME"] = str(deepface_home().resolve())
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        link_weights(antispoof_dir())
        from deepface import DeepFace

        module: ModuleType = DeepFace
        return module


def build_deepface_model(task: str, model_name: str) -> Any:
    """DeepFace's cached model registry has no lock: build under ours (once per process). The model is
    one of DeepFace's untyped classes (callers give it a Protocol of what they call)."""
    deepface_module()
    from deepface.modules import modeling

    with _lock:
        return modeling.build_model(task=task, model_name=model_name)


def engine() -> str:
    """The DeepFace backend engine this process uses (or will use once DeepFace is imported)."""
    return os.environ.get("DEEPFACE_BACKEND_ENGINE", DEFAULT_ENGINE).strip().lower()
