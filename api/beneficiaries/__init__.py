"""Beneficiaries, their entitlements, reference faces and certification history."""
