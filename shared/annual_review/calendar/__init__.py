"""The release calendar: when each year's letters and release happen, the
schedules that act on it, and its public files (JSON and iCalendar).
"""
