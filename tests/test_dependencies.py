"""What `pip install -e ".[server,client,dev]"` brings: exactly one TensorFlow distribution (tensorflow-cpu).

TensorFlow is published under several distribution names that install the same ``tensorflow`` package
(``tensorflow``, ``tensorflow-cpu``, ``tensorflow-intel`` …); two of them in one venv overwrite each other's
files and double the download (tf-keras once pulled ``tensorflow`` beside our ``tensorflow-cpu``: 3.7 GB with
torch). The stack installs the CPU build; the face engine runs DeepFace on its PyTorch engine, so tf-keras
(DeepFace's Keras 3 shim, which asks for ``tensorflow``) is not installed.

* The requirement closure of this checkout's pyproject.toml, walked through the installed distributions'
  metadata (what a fresh install resolves to), names exactly one of them: tensorflow-cpu.
* In CI (a fresh venv, `.ci/run`) the installed distributions themselves hold exactly that one; the shared
  development venv may keep leftovers of older installs, so there it is only reported.
"""

from __future__ import annotations

import importlib.metadata as md
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.shared_data import REPO_ROOT, in_ci

TF_NAMES = {
    "tensorflow",
    "tensorflow-cpu",
    "tensorflow-gpu",
    "tensorflow-intel",
    "tensorflow-macos",
    "tensorflow-aarch64",
    "tf-nightly",
    "tf-nightly-cpu",
    "tf-nightly-gpu",
    "intel-tensorflow",
}
EXTRAS = ("server", "client", "dev")


def roots() -> list[Requirement]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    found = [Requirement(r) for r in project["dependencies"]]
    for extra in EXTRAS:
        found += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return found


def closure(start: list[Requirement]) -> dict[str, str]:
    """{distribution: who asked for it} over the installed metadata, markers evaluated with each extra."""
    seen: dict[str, str] = {}
    todo = [(req, "lifecert") for req in start]
    while todo:
        req, parent = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        seen[name] = parent
        try:
            requires = md.distribution(name).requires or []
        except md.PackageNotFoundError:
            continue  # not installed here: it has no further requirements to walk
        for line in requires:
            child = Requirement(line)
            if child.marker is None or any(child.marker.evaluate({"extra": e}) for e in ["", *req.extras]):
                todo.append((child, name))
    return seen


def installed_tf() -> list[str]:
    return sorted({canonicalize_name(d.metadata["Name"]) for d in md.distributions()} & TF_NAMES)


def test_the_dependency_closure_names_one_tensorflow() -> None:
    deps = closure(roots())
    assert "fastapi" in deps and "flet" in deps and "torch" in deps  # the walk reaches the real tree
    tf = {name: deps[name] for name in deps if name in TF_NAMES}
    assert set(tf) == {"tensorflow-cpu"}, (
        f"TensorFlow distributions that would be installed: {tf} (name: asked by)"
    )


def test_a_fresh_install_holds_one_tensorflow() -> None:
    found = installed_tf()
    if in_ci():
        assert found == ["tensorflow-cpu"], f"this venv holds these TensorFlow distributions: {found}"
    else:
        print(f"TensorFlow distributions installed in this venv: {found or 'none'}")


def test_the_tensorflow_names_are_recognised() -> None:
    """The closure walk would catch the old tree: tf-keras asks for `tensorflow`, we asked for
    `tensorflow-cpu` (a fixture of the old pyproject lines, not the file)."""
    old = [Requirement("tensorflow-cpu==2.21.0"), Requirement("tf-keras==2.21.0")]
    deps = closure(old)
    if "tf-keras" in {canonicalize_name(d.metadata["Name"]) for d in md.distributions()}:
        assert {"tensorflow", "tensorflow-cpu"} <= set(deps)
    else:
        assert "tensorflow-cpu" in deps
