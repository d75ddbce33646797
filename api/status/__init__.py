"""Public status lookup: a person checks their own certification status with ID number and name."""
