"""The Kubernetes manifests in build/deploy/k8s: valid against the Kubernetes schemas (strict: unknown
fields refused), and in step with the code — every LIFECERT_* variable is a real setting, every command a
real `lifecert` command, every probe a real route."""

from __future__ import annotations

import copy
import shlex
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from api.cli import build_parser
from api.core.settings_table import rows

K8S = Path(__file__).resolve().parents[1] / "build" / "deploy" / "k8s"
VERSION = "1.33.0"


def _docs() -> list[tuple[str, dict]]:
    found = []
    for path in sorted(K8S.glob("*.yaml")):
        found += [(path.name, doc) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


def _containers(doc: dict) -> list[dict]:
    spec = doc.get("spec", {})
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod = spec.get("template", {}).get("spec", {})
    return pod.get("containers", [])


def test_the_manifests_hold_what_production_needs() -> None:
    kinds = {doc["kind"] for _, doc in _docs()}
    assert {
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Job",
        "CronJob",
        "ConfigMap",
        "Secret",
    } <= kinds
    cron = {doc["metadata"]["name"] for _, doc in _docs() if doc["kind"] == "CronJob"}
    assert cron == {
        "lifecert-cycle-run",
        "lifecert-retention-purge",
        "lifecert-audit-anchor",
        "lifecert-audit-verify",
    }


@pytest.mark.parametrize(("name", "doc"), _docs(), ids=lambda v: v if isinstance(v, str) else v["kind"])
def test_each_manifest_is_valid_for_kubernetes(name: str, doc: dict) -> None:
    kubernetes_validate.validate(doc, VERSION, strict=True)


def test_the_validation_refuses_a_misspelt_field() -> None:
    deployment = next(doc for _, doc in _docs() if doc["kind"] == "Deployment")
    broken = copy.deepcopy(deployment)
    broken["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = broken["spec"]["template"]["spec"][
        "containers"
    ][0].pop("readinessProbe", {})
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSION, strict=True)


def test_every_setting_named_is_a_real_setting() -> None:
    known = {name for name, _ in rows()}
    for _, doc in _docs():
        if doc["kind"] in ("ConfigMap", "Secret"):
            values = doc.get("data") or doc.get("stringData") or {}
            for key in values:
                if key.startswith("LIFECERT_"):
                    assert key in known, f"{doc['metadata']['name']}: {key} is not a setting"


def test_every_lifecert_command_parses_and_probes_name_real_routes() -> None:
    from api.main import create_app

    paths = set(create_app().openapi()["paths"])
    parser = build_parser()
    seen = 0
    for _, doc in _docs():
        for container in _containers(doc):
            command = container.get("command", [])
            if command[:2] == ["sh", "-c"]:
                command = shlex.split(command[2].replace('"$(date +%Y-%m)"', "2026-01").removeprefix("exec "))
            if command and command[0] == "lifecert":
                parser.parse_args(command[1:])  # exits (SystemExit) on an unknown command or option
                seen += 1
            if command[:2] == ["lifecert", "serve"]:  # the API's probes must be API routes
                for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                    assert container[probe]["httpGet"]["path"] in paths
    assert seen >= 4  # serve, db upgrade, cycle run, retention purge
