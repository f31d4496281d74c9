"""GOV.UK Frontend is vendored reproducibly, without the GOV.UK font or crest."""

from __future__ import annotations

from pathlib import Path

from annual_review_tools import vendor_govuk

VENDORED = Path(vendor_govuk.TARGET)


def test_the_vendored_stylesheet_has_no_gov_uk_font_or_crest_and_carries_its_licence() -> None:
    css = (VENDORED / "govuk-frontend.min.css").read_text()
    body = css.split("\n", 1)[1]  # after the header comment, which names what was left out
    assert "GDS Transport" not in body
    assert "/assets/fonts/" not in body
    assert "govuk-crest" not in body
    assert "MIT License" in (VENDORED / "LICENSE.txt").read_text()


def test_make_vendor_govuk_gives_the_committed_bytes() -> None:
    # make test installs node_modules (npm ci) before any test runs
    assert vendor_govuk.SOURCE.exists(), "node_modules/govuk-frontend is not installed: npm ci"
    for name, body in vendor_govuk.vendored().items():
        assert (VENDORED / name).read_bytes() == body, name
