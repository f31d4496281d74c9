"""The letters: one per council from the frozen snapshot, and the
private list of who receives each.
"""
