"""Annual Review: complaint statistics per council and financial year, and their publication."""
