"""Financial years run from 1 April to 31 March and are labelled like ``2019-20``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_LABEL = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The financial year that starts on 1 April of ``start_year``."""

    start_year: int

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def parse(cls, label: str) -> FinancialYear:
        match = _LABEL.match(label)
        if not match or (int(match[1]) + 1) % 100 != int(match[2]):
            raise ValueError(f"year: {label!r} is not a financial year label such as '2019-20'")
        return cls(int(match[1]))

    @classmethod
    def last_ended(cls, today: date) -> FinancialYear:
        """The year that ended on the most recent 31 March on or before ``today``."""
        return cls.containing(today).previous()

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 3, 31)

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start_year - 1)

    def next(self) -> FinancialYear:
        return FinancialYear(self.start_year + 1)

    def days(self) -> int:
        return (self.end - self.start + timedelta(days=1)).days

    def __str__(self) -> str:
        return self.label


def year_range(spec: str) -> list[FinancialYear]:
    """``2019-20`` or ``2019-20..2021-22`` as a list of years, inclusive."""
    first, _, last = spec.partition("..")
    start = FinancialYear.parse(first)
    stop = FinancialYear.parse(last) if last else start
    if stop < start:
        raise ValueError(f"years: {spec!r} runs backwards")
    return [FinancialYear(y) for y in range(start.start_year, stop.start_year + 1)]
