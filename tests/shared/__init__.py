"""Tests for the pure-Python rules in shared/."""
