"""Server-side i18n: locale negotiation, fallback chains, CLDR plurals and formatting,
translated problem messages and the JSON catalogs the PWA loads."""

from datetime import date

import pytest
from fastapi.testclient import TestClient

from app.i18n.catalogs import format_day, format_number, load_catalog, ngettext_for
from app.i18n.locales import fallback_chain, negotiate, parse_accept_language

RESULTS = ("{n} result for “{q}”", "{n} results for “{q}”")
STEPS = ("{done} of {n} step done", "{done} of {n} steps done")


def test_accept_language_is_ordered_by_q_and_matched_along_the_chain() -> None:
    assert parse_accept_language("fr-CA,fr;q=0.9,en;q=0.8,*;q=0.5") == ["fr-CA", "fr", "en"]
    assert parse_accept_language("en;q=0.2, uk, ru;q=0.5, de;q=0") == ["uk", "ru", "en"]
    available = ["en", "fr", "ar", "uk"]
    assert negotiate(parse_accept_language("fr-CA,en;q=0.5"), available) == "fr"
    assert negotiate(parse_accept_language("de-DE,de;q=0.9"), available) is None
    assert negotiate(["AR-eg"], available) == "ar"


def test_fallback_chains_follow_babel() -> None:
    assert fallback_chain("fr-CA", "en") == ("fr-CA", "fr", "en")
    assert fallback_chain("es-MX", "en") == ("es-MX", "es-419", "es", "en")
    assert fallback_chain("en", "en") == ("en",)


def test_locales_endpoint_prefers_the_browsers_language(client: TestClient) -> None:
    body = client.get("/api/v1/locales", headers={"Accept-Language": "uk-UA,uk;q=0.9"}).json()
    assert body["preferred"] == "uk"
    by_code = {loc["code"]: loc for loc in body["locales"]}
    assert set(by_code) == {"en", "fr", "es", "ru", "uk", "ro", "ar", "fa", "vi", "th"}
    assert by_code["ar"]["direction"] == by_code["fa"]["direction"] == "rtl"
    assert by_code["ar"]["native_name"] == "العربية"
    assert by_code["uk"]["native_name"] == "українська"
    assert by_code["th"]["name"] == "Thai"
    assert by_code["fr"]["content_coverage"] == 1.0
    assert by_code["th"]["content_coverage"] == 1.0  # every guide is in Thai now


@pytest.mark.parametrize(
    ("locale", "counts"),
    [
        ("ru", {1: 0, 21: 0, 2: 1, 3: 1, 24: 1, 5: 2, 11: 2, 12: 2, 100: 2}),
        ("uk", {1: 0, 31: 0, 2: 1, 4: 1, 5: 2, 14: 2}),
        ("ar", {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5}),
    ],
)
def test_server_plurals_pick_the_cldr_form(locale: str, counts: dict[int, int]) -> None:
    catalog = load_catalog(locale)
    assert catalog is not None
    forms = catalog.get(RESULTS[0]).string
    # The zero/one/two/few forms always differ; some languages spell others alike.
    assert len(set(forms[:3])) == 3, f"{locale}: plural forms must differ"
    for n, index in counts.items():
        assert ngettext_for(locale, *RESULTS, n) == forms[index], (locale, n)


def test_russian_counts_read_naturally() -> None:
    text = {n: ngettext_for("ru", *RESULTS, n).format(q="x", n=n) for n in (1, 2, 5, 21)}
    assert text[1].startswith("1 результат ")
    assert text[2].startswith("2 результата ")
    assert text[5].startswith("5 результатов ")
    assert text[21].startswith("21 результат ")
    assert ngettext_for("ar", *RESULTS, 2).startswith("نتيجتان")  # the Arabic dual


def test_dates_and_numbers_follow_the_locale() -> None:
    day = date(2026, 11, 30)
    assert format_day("ru", day) == "30 ноября 2026\u202fг."
    assert format_day("uk", day).startswith("30 листопада 2026")
    assert "نوفمبر" in format_day("ar", day)
    assert format_number("ru", 1234567.5) == "1\xa0234\xa0567,5"
    assert format_number("en", 1234567.5) == "1,234,567.5"


def test_the_pwa_catalog_keys_plurals_by_cldr_category(client: TestClient) -> None:
    response = client.get("/api/v1/i18n/ru")
    assert response.status_code == 200 and response.headers["etag"]
    catalog = response.json()
    assert catalog["locale"] == "ru" and catalog["dir"] == "ltr" and catalog["plural"] == "cldr"
    steps = catalog["messages"][STEPS[0]]
    assert set(steps) == {"one", "few", "many", "other"}
    assert steps["other"] == steps["few"]  # fractions take the genitive singular
    arabic = client.get("/api/v1/i18n/ar").json()
    assert arabic["dir"] == "rtl"
    assert set(arabic["messages"][STEPS[0]]) == {"zero", "one", "two", "few", "many", "other"}
    assert client.get("/api/v1/i18n/en").json()["messages"] == {}
    variant = client.get("/api/v1/i18n/fr-CA").json()  # a regional variant gets its parent's
    assert variant["locale"] == "fr" and variant["messages"]
    missing = client.get("/api/v1/i18n/de")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_problem_messages_are_translated(client: TestClient) -> None:
    french = client.get("/api/v1/content/xx", headers={"Accept-Language": "fr"}).json()
    english = client.get("/api/v1/content/xx").json()
    assert french["title"] != english["title"] == "Not found"
    assert "xx" in french["detail"]
    explicit = client.get("/api/v1/content/xx", params={"lang": "ru"}).json()
    assert explicit["title"] != english["title"]
