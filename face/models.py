"""Offline model loading: every model is built once per process, from files on this machine only.

Weights come from installed packages (face-recognition-models ships the dlib files) or from a folder named
by configuration (anti-spoofing .pth files). Nothing here ever downloads.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path

_lock = threading.Lock()


@lru_cache(maxsize=1)
def dlib_models_dir() -> Path:
    import face_recognition_models

    return Path(face_recognition_models.__file__).resolve().parent / "models"


def _dlib():
    import dlib

    return dlib


@lru_cache(maxsize=1)
def frontal_face_detector():
    """dlib's HOG detector (built in, no weights file)."""
    with _lock:
        return _dlib().get_frontal_face_detector()


@lru_cache(maxsize=1)
def landmarks_68():
    """dlib's 68-point shape predictor (eye, lip and pose landmarks for active liveness)."""
    with _lock:
        return _dlib().shape_predictor(str(dlib_models_dir() / "shape_predictor_68_face_landmarks.dat"))


@lru_cache(maxsize=1)
def landmarks_5():
    with _lock:
        return _dlib().shape_predictor(str(dlib_models_dir() / "shape_predictor_5_face_landmarks.dat"))


def deepface_home() -> Path:
    """The folder DeepFace treats as home (weights live in HOME/.deepface/weights). Must be writable."""
    home = os.environ.get("DEEPFACE_HOME")
    if home:
        return Path(home)
    return Path(os.environ.get("LIFECERT_DATA_DIR", Path.cwd() / "var")) / "deepface"
