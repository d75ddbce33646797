"""Settings come from LIFECERT_* variables; production refuses the development secret."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.config import DEV_SECRET_KEY, Environment, Settings


def test_reads_prefixed_environment_variables(tmp_path) -> None:
    s = Settings.from_env(
        {
            "LIFECERT_DATABASE_URL": "sqlite:///x.sqlite3",
            "LIFECERT_STATUS_RATE_PER_MINUTE": "120",
            "LIFECERT_DATA_DIR": str(tmp_path),
            "UNRELATED": "1",
        }
    )
    assert s.database_url == "sqlite:///x.sqlite3"
    assert s.status_rate_per_minute == 120
    assert s.data_dir == tmp_path
    assert s.env is Environment.DEVELOPMENT


def test_default_database_is_a_sqlite_file_under_var() -> None:
    s = Settings.from_env({})
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("var/lifecert.sqlite3")


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="LIFECERT_SECRET_KEY"):
        Settings.from_env({"LIFECERT_ENV": "production"})
    ok = Settings.from_env({"LIFECERT_ENV": "production", "LIFECERT_SECRET_KEY": "x" * 40})
    assert ok.is_production and ok.secret_key != DEV_SECRET_KEY


def test_bad_values_are_refused() -> None:
    with pytest.raises(ValidationError):
        Settings.from_env({"LIFECERT_ENV": "staging"})
    with pytest.raises(ValidationError):
        Settings.from_env({"LIFECERT_STATUS_RATE_PER_MINUTE": "-1"})
    with pytest.raises(ValidationError):
        Settings.from_env({"LIFECERT_SECRET_KEY": "short"})


def test_certification_settings_read_the_same_prefixed_variables() -> None:
    from api.certification.settings import CertSettings

    cert = CertSettings.from_env(
        {"LIFECERT_CLAIM_LEASE_SECONDS": "90", "LIFECERT_MAX_BOUND_RELATIVES": "4", "LIFECERT_ENV": "test"},
        min_frames=5,
    )
    assert (cert.claim_lease_seconds, cert.max_bound_relatives, cert.min_frames) == (90.0, 4, 5)
    with pytest.raises(ValidationError):
        CertSettings.from_env({"LIFECERT_CLAIM_LEASE_SECONDS": "0"})
