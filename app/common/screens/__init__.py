"""Screens both apps route to (settings)."""
