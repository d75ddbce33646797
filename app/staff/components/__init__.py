"""Building blocks of the staff app's screens (navigation row, error line, bars)."""
