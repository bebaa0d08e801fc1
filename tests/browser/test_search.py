"""Search folding: case- and diacritic-insensitive for Latin, Cyrillic and Arabic script."""

import pytest
from playwright.sync_api import Page

from tests.browser.helpers import first_run

pytestmark = pytest.mark.browser

CHECK = """async () => {
  const m = await import('/static/js/search.js');
  const docs = [
    { id: 'ru', kind: 'term', title: 'Ёжик и йод', summary: '', body: 'ПРИВЕТ мир', order: 1 },
    { id: 'ar', kind: 'term', title: 'حُقُوقُكَ', summary: '', body: 'إعادة الإدماج', order: 2 },
    { id: 'fr', kind: 'term', title: 'Délai de réflexion', summary: '', body: 'Rétablissement',
      order: 3 },
  ];
  const ids = (q, locale) => m.search(m.buildIndex(docs, locale), q).map((h) => h.doc.id);
  return {
    fold: [m.fold('RÉFLEXION Çà', 'fr'), m.fold('ЁЖИК Йод', 'ru'), m.fold('حُقُوقُكَ أحمد', 'ar')],
    ru: ids('ежик', 'ru').concat(ids('привет', 'ru')),
    ar: ids('حقوقك', 'ar').concat(ids('اعادة', 'ar')),
    fr: ids('REFLEXION', 'fr').concat(ids('retablissement', 'fr')),
    none: ids('nothing-here', 'en'),
    mark: m.search(m.buildIndex(docs, 'fr'), 'retabl')[0].snippet.find((s) => s.mark).text,
  };
}"""


def test_folding_and_matching_across_scripts(page: Page) -> None:
    first_run(page)
    r = page.evaluate(CHECK)
    assert r["fold"] == ["reflexion ca", "ежик иод", "حقوقك احمد"]
    assert r["ru"] == ["ru", "ru"]
    assert r["ar"] == ["ar", "ar"]
    assert r["fr"] == ["fr", "fr"]
    assert r["none"] == []
    assert r["mark"] == "Rétabl"  # the highlight maps back to the original characters
