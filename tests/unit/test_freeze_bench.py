"""The bench's read units follow DynamoDB's billing rules (worked out by hand)."""

from __future__ import annotations

from annual_review_tools.freeze_bench import billed_read_units, item_size


def test_an_items_size_is_its_names_and_values() -> None:
    # "year" 4 + "2019-20" 7; "version" 7 + the number 1 (one digit: 1 byte, plus 1)
    assert item_size({"year": {"S": "2019-20"}, "version": {"N": "1"}}) == 20
    # "n" 1 + 12345 (five significant digits: 3 bytes, plus 1); "é" is two bytes in UTF-8
    assert item_size({"n": {"N": "12345"}, "s": {"S": "é"}}) == 1 + 4 + 1 + 2


def test_read_units_are_per_4_kb_of_each_page_and_pages_hold_1_mb() -> None:
    assert billed_read_units([4096]) == (1, 1)
    assert billed_read_units([4097]) == (2, 1)
    assert billed_read_units([100, 100]) == (1, 1)  # summed, then rounded up
    # 300 items of 4,000 bytes: 262 fill the first page (1,048,000 bytes: 256 units), the other
    # 38 the second (152,000 bytes: 38 units)
    assert billed_read_units([4000] * 300) == (256 + 38, 2)
