"""The staff app (agency staff, reviewers, coordinators, unit administrators): sign-in, a home with the
entries the signed-in role may use (``navigation.py``), and the back-office screens.

Imports ``app.common`` and ``shared`` only, never ``app.citizen`` (tests/test_import_rules.py); never part
of the citizens' phone build (build/stage_app.py).
"""
