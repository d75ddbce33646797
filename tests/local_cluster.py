"""``cluster``: build/deploy/local/cluster.py (real PostgreSQL primary/standby, PgBouncer, HAProxy, Redis,
SeaweedFS, API replicas) loaded as a module, for the tests that start those servers."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

CLUSTER_PY = Path(__file__).resolve().parents[1] / "build" / "deploy" / "local" / "cluster.py"


def _load():
    spec = importlib.util.spec_from_file_location("lifecert_local_cluster", CLUSTER_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


cluster = sys.modules.get("lifecert_local_cluster") or _load()
