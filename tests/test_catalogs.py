"""UI catalogs: the template is current, every shipped locale is complete (no untranslated or
fuzzy message), placeholders survive translation, and plurals follow CLDR."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

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
    mapping = plural_categories(catalog, locale)
    assert "other" in mapping
