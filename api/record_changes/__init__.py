"""Changes to a person's record, proposed by one staff member and approved by another (see service.py)."""
