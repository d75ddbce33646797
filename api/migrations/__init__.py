"""Alembic migrations (versions/ named YYYY_MM_DD_<rev>_<slug>.py). Run with `lifecert db upgrade`."""
