"""Letters from a constructed case: every figure and sentence checked against hand-worked values."""

from __future__ import annotations

import json
import re

import pytest

from annual_review.figures.catalogue import COMPLIANCE, AverageMethod
from annual_review.publication.freeze.snapshot import freeze, load_snapshot
from annual_review.publication.letters.letter import (
    NotFrozen,
    Unsigned,
    build_letter,
    default_content,
    load_content,
    render_letter,
    statistic_section,
    write_letters,
)
from annual_review.registry.councils import Contact
from annual_review.settings import Settings
from tests.builders import calendar_entry, signed_settings
from tests.constructed_case import (
    ADUR,
    CITY,
    KINGSTON,
    LAMBETH,
    LETTERS_DAY,
    REGISTRY,
    YEAR,
    FixedAggregates,
    frozen_case,
)
from tests.fakes import MemoryObjectStore


def letter_text(code: str, contact: Contact | None = None) -> tuple[str, str]:
    snapshot = frozen_case()
    figures = next(c for c in snapshot.councils if c.code == code)
    letter = build_letter(figures, snapshot, contact=contact, content=default_content(),
                          settings=signed_settings(), entry=calendar_entry())  # fmt: skip
    html, text = render_letter(letter)
    return html.decode(), text.decode()


PERIOD = "for the period from 1 April 2019 to 31 March 2020."


def test_kingston_letter_figures_match_those_worked_by_hand() -> None:
    _, text = letter_text(KINGSTON)
    # Upheld: 9 of 13 investigations = 69.2% -> 69%; London average (9+25)/(13+27) = 85%.
    assert (
        "We upheld 69% of the complaints we investigated. "
        "This compares to an average of 85% in similar authorities." in text
    )
    assert f"Statistics are based on a total of 13 detailed investigations {PERIOD}" in text
    # Compliance: 7 of 7 (one late) = 100%; average (7+20)/(7+22) = 93.1% -> 93%.
    assert "In 100% of cases we were satisfied that the authority had carried out our" in text
    assert "This compares to an average of 93% in similar authorities." in text
    assert f"Statistics are based on a total of 7 compliance outcomes {PERIOD}" in text
    # Late remedies: 1 of 7 compliance outcomes = 14.3% -> 14%, said once, beside compliance.
    assert (
        "We recorded 14% of compliance outcomes (1 of 7) as recommendations carried out later "
        "than agreed." in " ".join(text.split())
    )
    assert text.count("later than agreed") == 1
    assert "Remedies carried out late" not in text  # no section of its own
    assert "We ask you to look at why it took longer than agreed" in text
    assert "We were not satisfied" not in text
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
    plain = re.sub(r' style="[^"]*"', "", html)
    assert "<h1>Annual Review letter 2020</h1>" in plain
    assert "<h2>Complaint statistics</h2>" in plain
    # As emailed: styles inline, as mail clients keep them (no stylesheet, no <style>).
    assert "<link" not in html
    assert "<style" not in html
    assert "Average of similar authorities</th>" in html
    row = re.search(r'<th scope="row"[^>]*>Complaints upheld</th>(.*?)</tr>', html)
    assert row is not None
    cells = re.sub(r' style="[^"]*"', "", row.group(1))
    assert cells == "<td>69%</td><td>85%</td><td>9 upheld of 13 detailed investigations</td>"
    assert 'style="border: 1px solid #505a5f;' in row.group(1)


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
                          settings=signed_settings(), entry=calendar_entry())  # fmt: skip
    assert letter.introduction == ["Ours for 31 March 2020."]
    assert letter.publication == ["Out on 29 July 2020."]
    with pytest.raises(ValueError, match="resources"):
        load_content(b'{"introduction": [], "about_statistics": [], "publication": []}')


def test_write_letters_writes_each_council_and_a_manifest_then_nothing_on_rerun() -> None:
    snapshot = frozen_case()
    private = MemoryObjectStore()
    result = write_letters(YEAR, private=private, contacts={}, content=default_content(),
                           settings=signed_settings(), snapshot=snapshot,
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
    assert '<link rel="stylesheet" href="/assets/letter.css">' in copy  # with its print rules
    assert "<link" not in sent
    again = write_letters(YEAR, private=private, contacts={}, content=default_content(),
                          settings=signed_settings(), snapshot=snapshot,
                           entry=calendar_entry())  # fmt: skip
    assert again.written == 0
    with pytest.raises(NotFrozen):
        write_letters(YEAR, private=private, contacts={}, content=default_content(),
                      settings=signed_settings(), snapshot=None,
                      entry=calendar_entry())  # fmt: skip


SITE = "https://performance.example.org.uk"


def test_letter_links_the_council_page_site_methodology_and_data_absolutely() -> None:
    snapshot = frozen_case()
    private = MemoryObjectStore()
    write_letters(YEAR, private=private, contacts={}, content=default_content(),
                  settings=signed_settings(site_url=SITE), snapshot=snapshot,
                  entry=calendar_entry())  # fmt: skip
    sent = (private.get(f"letters/2019-20/{ADUR}.html") or b"").decode()
    text = (private.get(f"letters/2019-20/{ADUR}.txt") or b"").decode()
    copy = (private.get(f"letters/2019-20/{ADUR}.public.html") or b"").decode()
    # The council's slug from its name, "Adur & <Worthing> "Joint"" (the site's slugs).
    expected = [
        f"{SITE}/councils/adur-and-worthing-joint/2019-20/",
        f"{SITE}/",
        f"{SITE}/methodology/",
        f"{SITE}/downloads/",
    ]
    for url in expected:
        assert f'href="{url}"' in sent
        assert f'href="{url}"' in copy
        assert f": {url}\n" in text
    hrefs = re.findall(r'href="([^"]*)"', sent)
    assert hrefs == expected  # every link of the email absolute, none other
    # The printed public copy says where it lives and when it was published.
    address = f"{SITE}/letters/2019-20/r1/{ADUR}.html"
    assert f'This copy: <a href="{address}">{address}</a>, published 29 July 2020.' in copy
    manifest = json.loads(private.get("letters/2019-20/manifest.json") or b"{}")
    assert manifest["signed_by"] == "Michael King, Local Government and Social Care Ombudsman"
    assert manifest["letters"][0]["page_url"].startswith(f"{SITE}/councils/")


def test_letters_are_signed_by_the_named_ombudsman_or_refused() -> None:
    _, text = letter_text(KINGSTON)
    assert text.rstrip().endswith(
        "Yours sincerely,\n\nMichael King\nLocal Government and Social Care Ombudsman\n"
        "Chair, Commission for Local Administration in England"
    )
    private = MemoryObjectStore()
    with pytest.raises(Unsigned, match="OmbudsmanName"):
        write_letters(YEAR, private=private, contacts={}, content=default_content(),
                      settings=Settings(), snapshot=frozen_case(),
                      entry=calendar_entry())  # fmt: skip
    assert private.writes == []  # refused before anything was written


def test_recommendations_not_complied_with_get_a_sentence_and_the_advice() -> None:
    _, text = letter_text(LAMBETH)
    # Lambeth: 20 complied, 2 not complied: 22 checked; 20 / 22 = 90.9% -> 91%.
    assert "In 91% of cases we were satisfied" in text
    assert (
        "We were not satisfied that the authority had carried out our recommendations in 2 of "
        "the 22 cases we checked." in text
    )
    assert (
        "An authority with a compliance rate below 100% should scrutinise each complaint where "
        "it did not carry out our recommendations to understand why and to identify any "
        "learning." in text
    )
    assert "later than agreed" not in text


def test_not_complied_and_late_together() -> None:
    counters = {
        KINGSTON: {
            "decisions_upheld": 1,
            "compliance_complied": 1,
            "compliance_complied_late": 1,
            "compliance_not_complied": 1,
        }
    }
    private = MemoryObjectStore()
    freeze(YEAR, aggregates=FixedAggregates(counters), registry=REGISTRY, private=private,
           average_method=AverageMethod.POOLED, now=LETTERS_DAY)  # fmt: skip
    snapshot = load_snapshot(private, YEAR.label)
    assert snapshot is not None
    figures = next(c for c in snapshot.councils if c.code == KINGSTON)
    section = statistic_section(COMPLIANCE, figures, None, "p")
    # 3 checked: 1 on time, 1 late (both complied: 2 of 3 = 67%), 1 not complied.
    assert section.figure == "67%"
    assert section.sentences[2:5] == [
        "We were not satisfied that the authority had carried out our recommendations in 1 of "
        "the 3 cases we checked.",
        # 1 late of 3 outcomes: 33.3% -> 33%.
        "We recorded 33% of compliance outcomes (1 of 3) as recommendations carried out later "
        "than agreed. The compliance rate above counts a remedy carried out late as carried out.",
        "An authority with a compliance rate below 100% should scrutinise each complaint where "
        "it did not carry out our recommendations, and those where it was late, to understand "
        "why and to identify any learning.",
    ]


def test_no_sentence_of_any_letter_starts_with_a_numeral() -> None:
    for code in (KINGSTON, LAMBETH, CITY, ADUR):
        _, text = letter_text(code)
        body = text.split("COMPLAINT STATISTICS", 1)[1].split("Your figures and the average", 1)[0]
        sentences = [s for line in body.splitlines() for s in re.split(r"(?<=[.;:])\s+", line)]
        starting = [s for s in sentences if s[:1].isdigit()]
        assert starting == [], code


def test_several_late_recommendations_are_said_in_the_plural() -> None:
    counters = {KINGSTON: {"decisions_upheld": 1, "compliance_complied": 2,
                           "compliance_complied_late": 2}}  # fmt: skip
    private = MemoryObjectStore()
    freeze(YEAR, aggregates=FixedAggregates(counters), registry=REGISTRY, private=private,
           average_method=AverageMethod.POOLED, now=LETTERS_DAY)  # fmt: skip
    snapshot = load_snapshot(private, YEAR.label)
    assert snapshot is not None
    figures = next(c for c in snapshot.councils if c.code == KINGSTON)
    sentences = statistic_section(COMPLIANCE, figures, None, "p").sentences
    # 4 checked, all complied, 2 of them late: 100%.
    assert (  # 2 late of 4 outcomes: 50%
        "We recorded 50% of compliance outcomes (2 of 4) as recommendations carried out later "
        "than agreed. The compliance rate above counts a remedy carried out late as carried out."
        in sentences
    )
    assert any(s.startswith("We ask you to look at why these took longer") for s in sentences)
    assert not any("not satisfied" in s for s in sentences)
