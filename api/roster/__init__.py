"""Roster import: a clerk's CSV/XLSX of beneficiaries and entitlements, validated row by row.

All-or-nothing: if any row (or photo) is bad, nothing is imported and the clerk gets an error report
(row, column, value, message) to fix the file and run the import again. See docs/roster-import.md.
"""
