"""Settings come from LIFECERT_* variables (nested groups with ``__``); production refuses the development
secret; the API's minimum frame count is the face engine's."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.core.settings import DEV_SECRET_KEY, Environment, Settings


@pytest.fixture
def environ(monkeypatch):
    """Set LIFECERT_* variables for one test, starting from none."""
    import os

    for key in list(os.environ):
        if key.startswith("LIFECERT_"):
            monkeypatch.delenv(key)

    def set_all(values: dict[str, str]) -> None:
        for key, value in values.items():
            monkeypatch.setenv(key, value)

    return set_all


def test_reads_prefixed_environment_variables(tmp_path, environ) -> None:
    environ(
        {
            "LIFECERT_DATABASE_URL": "sqlite:///x.sqlite3",
            "LIFECERT_LIMITS__PERSON_LOOKUP": "120/minute",
            "LIFECERT_TRUSTED_PROXIES": "10.0.0.1, 10.1.0.0/16",
            "LIFECERT_DATA_DIR": str(tmp_path),
            "UNRELATED": "1",
        }
    )
    s = Settings()
    assert s.database_url == "sqlite:///x.sqlite3"
    assert s.limits.person_lookup == "120/minute"
    assert s.trusted_proxies == ("10.0.0.1/32", "10.1.0.0/16")
    assert s.data_dir == tmp_path
    assert s.env is Environment.DEVELOPMENT


def test_default_database_is_a_sqlite_file_under_var(environ) -> None:
    s = Settings()
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("var/lifecert.sqlite3")


def test_production_refuses_the_development_secret(environ) -> None:
    environ({"LIFECERT_ENV": "production"})
    with pytest.raises(ValidationError, match="LIFECERT_SECRET_KEY"):
        Settings()
    environ(
        {
            "LIFECERT_SECRET_KEY": "Qm7vR2xK9pL4wN8sT1yB6cF3hJ0dG5zE",
            "LIFECERT_DATABASE_URL": "postgresql+psycopg://lifecert@127.0.0.1:5432/lifecert",
            **PRODUCTION_KEYS,
        }
    )
    ok = Settings()
    assert ok.is_production and ok.secret_key != DEV_SECRET_KEY


PRODUCTION_KEYS = {"LIFECERT_AUDIT__KEY": "a" * 40, "LIFECERT_STORAGE__ENCRYPTION_KEY": "s" * 40}
# a secret and a database production accepts (tests/api/test_production_settings.py checks those)
PRODUCTION_BASE = {
    "LIFECERT_SECRET_KEY": "Qm7vR2xK9pL4wN8sT1yB6cF3hJ0dG5zE",
    "LIFECERT_DATABASE_URL": "postgresql+psycopg://lifecert@127.0.0.1:5432/lifecert",
}


@pytest.mark.parametrize("name", sorted(PRODUCTION_KEYS))
@pytest.mark.parametrize("value", [None, "short", "dev", "secret"])
def test_production_requires_the_audit_and_storage_keys(environ, name, value) -> None:
    """The audit HMAC key and the biometric key-encryption key live outside the database: production
    refuses to start without them, with the public development value, short, or equal to the secret."""
    from api.core.settings import DEV_AUDIT_KEY, DEV_STORAGE_KEY

    keys = dict(PRODUCTION_KEYS)
    dev = DEV_AUDIT_KEY if name == "LIFECERT_AUDIT__KEY" else DEV_STORAGE_KEY
    bad = {None: None, "short": "k" * 20, "dev": dev, "secret": PRODUCTION_BASE["LIFECERT_SECRET_KEY"]}[value]
    if bad is None:
        del keys[name]
    else:
        keys[name] = bad
    environ({"LIFECERT_ENV": "production", **PRODUCTION_BASE, **keys})
    with pytest.raises(ValidationError, match=name):
        Settings()


@pytest.mark.parametrize(
    "values",
    [
        {"LIFECERT_ENV": "staging"},
        {"LIFECERT_LIMITS__PERSON_LOOKUP": "lots"},
        {"LIFECERT_LIMITS__STORAGE_URI": "mongodb://127.0.0.1"},
        {"LIFECERT_TRUSTED_PROXIES": "10.0.0.1,proxy.example"},
        {"LIFECERT_SECRET_KEY": "short"},
        {"LIFECERT_CERTIFICATION__CLAIM_LEASE_SECONDS": "0"},
        {"LIFECERT_FACE__THRESHOLD": "close"},
    ],
)
def test_bad_values_are_refused(environ, values) -> None:
    environ(values)
    with pytest.raises(ValidationError):
        Settings()


def test_nested_groups_read_double_underscore_variables(environ) -> None:
    environ(
        {
            "LIFECERT_CERTIFICATION__CLAIM_LEASE_SECONDS": "90",
            "LIFECERT_CERTIFICATION__MAX_BOUND_RELATIVES": "4",
            "LIFECERT_FACE__THRESHOLD": "0.5",
            "LIFECERT_FACE__LIVENESS__MIN_FRAMES": "8",
        }
    )
    s = Settings()
    assert (s.certification.claim_lease_seconds, s.certification.max_bound_relatives) == (90.0, 4)
    assert s.face.threshold == 0.5 and s.face.liveness.min_frames == 8
    assert s.face.liveness.descriptor_max_distance == s.face.same_person_threshold


def test_the_api_needs_as_many_frames_as_liveness(environ) -> None:
    assert Settings().min_frames == Settings().face.liveness.min_frames == 6
    environ({"LIFECERT_FACE__LIVENESS__MIN_FRAMES": "70"})
    with pytest.raises(ValidationError, match="max_frames"):
        Settings()  # more than an upload may carry (60)


def test_readme_lists_every_setting(repo_root) -> None:
    from api.core.settings_table import markdown, rows

    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    assert markdown() in readme, (
        "README's settings table is out of date: run `lifecert settings --readme README.md`"
    )
    names = [name for name, _ in rows()]
    assert (
        "LIFECERT_FACE__LIVENESS__MIN_FRAMES" in names and "LIFECERT_CERTIFICATION__ENGINE_WORKERS" in names
    )
    assert len(names) == len(set(names))
