"""The letter names the council's own learning of the year: reports by title, improvements agreed
and how many are completed, and links its page."""

from __future__ import annotations

from annual_review.publication.freeze.case_lists import CaseRow
from annual_review.publication.letters.learning import learning_paragraphs


def row(kind: str, id_: str, day: str, outcome: str, title: str = "") -> CaseRow:
    return CaseRow(kind, id_, "1", day, outcome, "housing", "", "", title=title)  # type: ignore[arg-type]


def test_reports_by_title_and_improvements_by_status() -> None:
    rows = [
        row("decision", "D-1", "2019-06-01", "upheld"),
        row("report", "PR-2", "2020-01-16", "public_interest_report", "Family left in a B&B"),
        row("report", "PR-1", "2019-09-02", "further_report", "Repairs still not done"),
        row("improvement", "SI-1", "2019-06-01", "completed"),
        row("improvement", "SI-2", "2019-06-01", "completed_late"),
        row("improvement", "SI-3", "2019-06-01", "completed"),
        row("improvement", "SI-4", "2019-07-01", "agreed"),
        row("improvement", "SI-5", "2019-07-01", "not_completed"),
    ]
    url = "https://example.org/councils/kingston/learning/"
    assert learning_paragraphs(rows, "Kingston Council", "2019-20", url, "29 July 2020") == [
        "In 2019-20 we issued two public reports about Kingston Council: “Repairs still not "
        "done” (2 September 2019); “Family left in a B&B” (16 January 2020).",
        "After our investigations in 2019-20 the council agreed five service improvements: "
        "three are completed (one of them late), one is still due, one was not completed.",
        "From 29 July 2020 you can read them, with our decision statements about Kingston "
        "Council, on the council's page: https://example.org/councils/kingston/learning/",
    ]


def test_nothing_is_said_when_there_is_nothing_to_name() -> None:
    rows = [row("decision", "D-1", "2019-06-01", "not_upheld")]
    assert learning_paragraphs(rows, "Kingston Council", "2019-20", "/x/", "29 July 2020") == []


def test_none_completed_yet() -> None:
    rows = [row("improvement", "SI-1", "2019-06-01", "agreed")]
    [first, _] = learning_paragraphs(rows, "Kingston Council", "2019-20", "/x/", "29 July 2020")
    assert first == (
        "After our investigations in 2019-20 the council agreed one service improvement: "
        "none is completed, one is still due."
    )
