"""Letters from a constructed case: every figure and sentence checked against hand-worked values."""

from __future__ import annotations

import re

import pytest

from annual_review.publication.letters.letter import (
    NotFrozen,
    build_letter,
    default_content,
    load_content,
    render_letter,
    write_letters,
)
from annual_review.registry.councils import Contact
from annual_review.settings import Settings
from tests.builders import calendar_entry
from tests.constructed_case import (
    ADUR,
    CITY,
    KINGSTON,
    YEAR,
    frozen_case,
)
from tests.fakes import MemoryObjectStore


def letter_text(code: str, contact: Contact | None = None) -> tuple[str, str]:
    snapshot = frozen_case()
    figures = next(c for c in snapshot.councils if c.code == code)
    letter = build_letter(figures, snapshot, contact=contact, content=default_content(),
                          settings=Settings(), entry=calendar_entry())  # fmt: skip
    html, text = render_letter(letter)
    return html.decode(), text.decode()


PERIOD = "for the period between 1 April 2019 to 31 March 2020."


def test_kingston_letter_figures_match_those_worked_by_hand() -> None:
    _, text = letter_text(KINGSTON)
    # Upheld: 9 of 13 investigations = 69.2% -> 69%; London average (9+25)/(13+27) = 85%.
    assert (
        "69% of complaints we investigated were upheld. "
        "This compares to an average of 85% in similar authorities." in text
    )
    assert f"Statistics are based on a total of 13 detailed investigations {PERIOD}" in text
    # Compliance: 7 of 7 (one late) = 100%; average (7+20)/(7+22) = 93.1% -> 93%.
    assert "In 100% of cases we were satisfied that the authority had carried out our" in text
    assert "This compares to an average of 93% in similar authorities." in text
    assert f"Statistics are based on a total of 7 compliance outcomes {PERIOD}" in text
    assert "1 recommendation was carried out later than agreed." in text
    # Satisfactory remedy: 0 of 9 upheld = 0%; average 5/34 = 14.7% -> 15%.
    assert "In 0% of upheld cases" in text
    assert "This compares to an average of 15% in similar authorities." in text
    assert f"Statistics are based on a total of 9 upheld decisions {PERIOD}" in text
    # Per 100,000: 9 / 177,507 = 5.070 -> 5.1; average 34 / 287,507 = 11.826 -> 11.8.
    assert "We upheld 5.1 complaints for every 100,000 residents." in text
    assert "This compares to an average of 11.8 in similar authorities." in text
    assert "estimated population of 177,507." in text
    # Small bases are said in words with their interval (7 and 9 cases; 13 is not small):
    # Wilson for 7 of 7 starts at 7 / (7 + z²) = 64.6%; for 0 of 9 ends at z² / (9 + z²) = 29.9%.
    assert text.count("the 95% confidence interval runs from") == 2
    assert "the 95% confidence interval runs from 65% to 100%." in text
    assert "the 95% confidence interval runs from 0% to 30%." in text


def test_letter_follows_the_model_structure() -> None:
    html, text = letter_text(KINGSTON)
    assert text.index("22 July 2020") < text.index("Dear Chief Executive")
    assert text.index("Dear Chief Executive") < text.index("ANNUAL REVIEW LETTER 2020")
    assert "31 March 2020" in text
    assert text.rstrip().endswith("Chair, Commission for Local Administration in England")
    assert '<html lang="en-GB">' in html
    assert "<h1>Annual Review letter 2020</h1>" in html
    assert "<h2>Complaint statistics</h2>" in html
    assert '<link rel="stylesheet" href="/assets/letter.css">' in html  # with its print rules
    assert '<th scope="col">Average of similar authorities</th>' in html
    row = re.search(r'<th scope="row">Complaints upheld</th>(.*?)</tr>', html)
    assert row is not None
    assert row.group(1) == "<td>69%</td><td>85%</td><td>9 upheld of 13 detailed investigations</td>"


def test_zero_denominators_are_said_in_words() -> None:
    _, text = letter_text(CITY)
    assert "We did not complete any detailed investigations" in text
    assert "There were no recommendations for us to check compliance with" in text
    assert "We did not uphold any complaints about your authority this year" in text
    assert "We upheld 0.0 complaints for every 100,000 residents." in text
    assert " 0%" not in text


def test_missing_population_is_said_in_words() -> None:
    _, text = letter_text(ADUR)
    assert "there is no population estimate for its area" in text
    assert "not available" in text


def test_council_names_with_html_characters_are_escaped() -> None:
    html, text = letter_text(ADUR)
    assert "Adur &amp; &lt;Worthing&gt; &#34;Joint&#34;" in html
    assert "<Worthing>" not in html
    assert 'Adur & <Worthing> "Joint"' in text


def test_contact_gives_the_salutation_and_address() -> None:
    contact = Contact(
        "Mr Thomas", "Ian Thomas", "Guildhall; Kingston upon Thames", "ce@example.org"
    )
    _, text = letter_text(KINGSTON, contact)
    assert "Dear Mr Thomas" in text
    assert "Ian Thomas\nChief Executive\nRoyal Borough of Kingston upon Thames\nGuildhall" in text


def test_per_year_content_overrides_the_default_and_must_be_complete() -> None:
    custom = load_content(
        b'{"introduction": ["Ours for $year_end."], "about_statistics": [], '
        b'"publication": ["Out on $release_date."], "resources": []}'
    )
    assert custom.introduction == ["Ours for $year_end."]
    snapshot = frozen_case()
    letter = build_letter(snapshot.councils[0], snapshot, contact=None, content=custom,
                          settings=Settings(), entry=calendar_entry())  # fmt: skip
    assert letter.introduction == ["Ours for 31 March 2020."]
    assert letter.publication == ["Out on 29 July 2020."]
    with pytest.raises(ValueError, match="resources"):
        load_content(b'{"introduction": [], "about_statistics": [], "publication": []}')


def test_write_letters_writes_each_council_and_a_manifest_then_nothing_on_rerun() -> None:
    snapshot = frozen_case()
    private = MemoryObjectStore()
    result = write_letters(YEAR, private=private, contacts={}, content=default_content(),
                           settings=Settings(), snapshot=snapshot,
                           entry=calendar_entry())  # fmt: skip
    # Each council: the letter as sent (HTML and text) and its public copy; then the manifest
    assert (result.letters, result.written) == (4, 13)
    assert private.writes[-1] == "letters/2019-20/manifest.json"
    copy = (private.get(f"letters/2019-20/{ADUR}.public.html") or b"").decode()
    sent = (private.get(f"letters/2019-20/{ADUR}.html") or b"").decode()
    assert "were published on 29 July 2020" in copy
    assert "will be published" not in copy
    assert "will be published" in sent
    assert "were published" not in sent
    for href in ("/councils/adur-and-worthing-joint/2019-20/", "/methodology/", "/downloads/"):
        assert f'href="{href}"' in copy
        assert href not in sent
    again = write_letters(YEAR, private=private, contacts={}, content=default_content(),
                          settings=Settings(), snapshot=snapshot,
                           entry=calendar_entry())  # fmt: skip
    assert again.written == 0
    with pytest.raises(NotFrozen):
        write_letters(YEAR, private=private, contacts={}, content=default_content(),
                      settings=Settings(), snapshot=None,
                      entry=calendar_entry())  # fmt: skip
