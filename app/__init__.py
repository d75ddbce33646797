"""The Flet clients: ``app.citizen`` (the citizens' phone and web app), ``app.staff`` (the staff app) and
``app.common`` (what both use). Each app has its own entry point and its own build (build/README.md)."""
