"""Live quality hints on single preview pictures of a live challenge (never stored, never counted)."""
