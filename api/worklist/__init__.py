"""Assisted certification: the coordinators' work list, home-visit requests and visit records."""
