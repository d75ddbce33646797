"""What both apps use: the API client, settings, the ID-number form, camera and capture, theme and
components, fonts, stored preferences, dates, the ``Ui`` routing helper and the web start-up.

Imports ``shared`` only, never ``app.citizen`` or ``app.staff`` (tests/test_import_rules.py).
"""
