"""Learning, not numbers: decision statements, public reports and service
improvements as the case system sends them, their change records, and their weekly
publication (pages, Atom feeds and open data).
"""
