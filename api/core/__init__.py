"""What every domain of the API uses: settings, database sessions, the request context, the limiter, the
``Operator`` type and errors. ``api.core`` imports no domain package (tests/test_import_rules.py)."""
