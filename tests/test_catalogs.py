"""UI catalogs: the template is current, every shipped locale is complete (no untranslated or
fuzzy message), placeholders survive translation, and plurals follow CLDR."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from app.core.config import PROJECT_ROOT
from app.i18n.catalogs import LOCALES_DIR, catalog_locales, load_catalog, plural_categories

PLACEHOLDER = re.compile(r"\{(\w+)\}")
SHIPPED = ["fr", "es", "ru", "uk", "ro", "ar", "fa", "vi", "th"]


def _ids(path: Path) -> set[tuple[str | None, str]]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {
        (m.context, m.id if isinstance(m.id, str) else "\u0000".join(m.id)) for m in catalog if m.id
    }


def test_the_template_is_up_to_date_with_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [Path(sys.executable).parent / "pybabel", "extract", "-F", "babel.cfg",
         "-k", "t", "-k", "nt:1,2", "-o", str(fresh), "."],
        cwd=PROJECT_ROOT, check=True, capture_output=True,
    )  # fmt: skip
    committed = _ids(LOCALES_DIR / "messages.pot")
    current = _ids(fresh)
    assert current == committed, (
        f"run `make i18n-update`: new {sorted(current - committed)[:5]}, "
        f"gone {sorted(committed - current)[:5]}"
    )


def test_every_shipped_locale_has_a_catalog() -> None:
    assert set(SHIPPED) <= set(catalog_locales())


@pytest.mark.parametrize("locale", SHIPPED)
def test_catalog_is_complete_and_keeps_placeholders(locale: str) -> None:
    catalog = load_catalog(locale)
    assert catalog is not None
    template = _ids(LOCALES_DIR / "messages.pot")
    have = {
        (m.context, m.id if isinstance(m.id, str) else "\u0000".join(m.id)) for m in catalog if m.id
    }
    assert template <= have, f"{locale}: run `make i18n-update` ({len(template - have)} missing)"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        if not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            got = set(PLACEHOLDER.findall(text))
            # A plural form may leave {n} out ("one step"), but never invent a placeholder.
            if not got <= wanted or (wanted - {"n"}) - got:
                problems.append(f"placeholders {sorted(got)} != {sorted(wanted)}: {ids[0]!r}")
    assert not problems, f"{locale}: " + "; ".join(problems[:10])


@pytest.mark.parametrize("locale", SHIPPED)
def test_plural_forms_agree_with_cldr(locale: str) -> None:
    catalog = load_catalog(locale)
    assert catalog is not None
    mapping = plural_categories(catalog, locale, strict=True)
    assert "other" in mapping


def _catalog_file(tmp_path: Path, locale: str, header_extra: str = "") -> Path:
    """A new locale's catalog as `make i18n-init LOCALE=…` makes it (Babel's Plural-Forms)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(locale=locale.replace("-", "_"))
    catalog.add(("{n} step", "{n} steps"), ("", "", "", ""))
    catalog.add("Homeward", "Homeward")
    path = tmp_path / locale / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    if header_extra:
        path.write_text(path.read_text().replace('msgid ""\nmsgstr ""\n', header_extra, 1))
    return path


def test_plural_categories_come_from_cldr_for_every_locale_babel_knows() -> None:
    """Issue #10: adding pl, cs or lt (whose 'other' only fractions reach) answered 500.
    Every locale Babel has plural rules for maps every CLDR category to a gettext form."""
    from babel import Locale, localedata
    from babel.messages.catalog import Catalog

    checked = 0
    for identifier in localedata.locale_identifiers():
        cldr = Locale.parse(identifier).plural_form
        mapping = plural_categories(Catalog(locale=identifier), identifier.replace("_", "-"))
        categories = {*cldr.rules, "other"} | {cldr(x) for x in (0.5, 1.5, 2.5)}
        assert categories <= set(mapping), identifier
        checked += 1
    assert checked > 500


def test_a_new_or_broken_catalog_never_breaks_the_locales_endpoint(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.i18n import catalogs

    shutil.copytree(LOCALES_DIR / "fr", tmp_path / "fr")
    for locale in ("pl", "cs", "lt"):
        _catalog_file(tmp_path, locale)
    broken = tmp_path / "de" / "LC_MESSAGES" / "messages.po"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n"Plural-Forms: nplurals=2; plural=(n !=;\\n"\n\n'
        'msgid "Homeward"\nmsgstr "Homeward"\n'
    )
    monkeypatch.setattr(catalogs, "LOCALES_DIR", tmp_path)
    r = client.get("/api/v1/locales")
    assert r.status_code == 200, r.text
    codes = {loc["code"] for loc in r.json()["locales"]}
    assert {"pl", "cs", "lt", "fr"} <= codes and "de" not in codes
    assert client.get("/api/v1/i18n/pl").status_code == 200
    assert client.get("/api/v1/i18n/de").status_code == 404
