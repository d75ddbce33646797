"""The citizens' app (phones and the public web client): self, family, status lookup, residents abroad.

Imports ``app.common`` and ``shared`` only, never ``app.staff`` (tests/test_import_rules.py).
"""
