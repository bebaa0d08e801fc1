"""Returnee pages stay plain in every language: no sentence over the length limit (issue #12).

A returnee page is an English item with ``audience: returnee``; its translation is
``app/guidance/<locale>/items/<slug>.md``. Each (locale, page) pair is its own test, so a
failing translation names itself and every sentence that is too long.

How sentences are found
- Headings, list items, table cells and paragraphs are separate blocks: a sentence never
  runs from one into the next, even when a list item has no full stop.
- Inside a block, a sentence ends at ``. ! ? …`` followed by a space or the end of the block,
  and at the Arabic/Persian question mark ``؟``, the CJK full stop ``。`` and the Devanagari
  danda ``।`` wherever they stand.
- Markdown markup is removed first (``**bold**``, ``[text](url)``, code ticks).

How length is measured (``LIMITS``)
- Most languages: words separated by spaces, at most 25 (the English limit of issue #12).
- Vietnamese writes every syllable as a separate space-separated token, so a word of plain
  English is often two or three tokens: count syllables and allow 40.
- Thai puts no spaces between words; a space marks the end of a phrase or sentence. So in
  Thai a sentence also ends at every space and line end, and its budget is 120 characters
  (spaces not counted), about the length of a 25-word English sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
import yaml

from app.core.config import PROJECT_ROOT

GUIDANCE = PROJECT_ROOT / "app" / "guidance"


@dataclass(frozen=True)
class Limit:
    unit: str  # "words", "syllables" or "characters"
    maximum: int


DEFAULT_LIMIT = Limit("words", 25)
LIMITS: dict[str, Limit] = {
    "vi": Limit("syllables", 40),
    "th": Limit("characters", 120),
}

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n?", re.S)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
# A sentence ends after . ! ? … (and closing quotes/brackets) followed by whitespace, or
# right after ؟ 。 । wherever they stand.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+|(?<=[؟。।])\s*")
_TOKEN_WITH_LETTER = re.compile(r"\w")


def split_front_matter(text: str) -> tuple[dict, str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    return yaml.safe_load(match.group(1)) or {}, text[match.end() :]


def _strip_markup(text: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: keep the text
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = re.sub(r"(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)", "", text)  # *emphasis*
    return text


def blocks(markdown: str) -> list[str]:
    """Headings, list items, table cells and paragraphs, each as one string."""
    out: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            out.append(" ".join(current))
            current.clear()

    for line in markdown.splitlines():
        if not line.strip():
            flush()
        elif _HEADING.match(line):
            flush()
            out.append(_HEADING.sub("", line))
        elif line.lstrip().startswith("|"):
            flush()
            if not _TABLE_RULE.match(line):
                out.extend(cell for cell in line.strip().strip("|").split("|"))
        elif _LIST_ITEM.match(line):
            flush()
            current.append(_LIST_ITEM.sub("", line))
        else:
            current.append(line.strip())
    flush()
    return [b.strip() for b in (_strip_markup(b) for b in out) if b.strip()]


def sentences(markdown: str, locale: str) -> list[str]:
    found: list[str] = []
    for block in blocks(markdown):
        for sentence in _SENTENCE_END.split(block):
            if locale == "th":
                found.extend(part for part in sentence.split() if part)
            elif sentence.strip():
                found.append(sentence.strip())
    return [s for s in found if _TOKEN_WITH_LETTER.search(s)]


def length(sentence: str, locale: str) -> int:
    limit = LIMITS.get(locale, DEFAULT_LIMIT)
    if limit.unit == "characters":
        return len(re.sub(r"\s", "", sentence))
    # words (or Vietnamese syllables): space-separated tokens that hold a letter or digit
    return sum(1 for token in sentence.split() if _TOKEN_WITH_LETTER.search(token))


def too_long(markdown: str, locale: str) -> list[tuple[int, str]]:
    maximum = LIMITS.get(locale, DEFAULT_LIMIT).maximum
    return [(n, s) for s in sentences(markdown, locale) if (n := length(s, locale)) > maximum]


def _returnee_pages() -> list[tuple[str, str]]:
    slugs = []
    for path in sorted((GUIDANCE / "en" / "items").glob("*.md")):
        meta, _ = split_front_matter(path.read_text(encoding="utf-8"))
        if meta.get("audience") == "returnee":
            slugs.append(meta.get("slug", path.stem))
    locales = sorted(p.name for p in GUIDANCE.iterdir() if (p / "items").is_dir())
    return [
        (locale, slug)
        for locale in locales
        for slug in slugs
        if (GUIDANCE / locale / "items" / f"{slug}.md").is_file()
    ]


RETURNEE_PAGES = _returnee_pages()


def test_there_are_returnee_pages_in_english_and_translations() -> None:
    assert sum(1 for locale, _ in RETURNEE_PAGES if locale == "en") >= 5
    assert {locale for locale, _ in RETURNEE_PAGES} - {"en"}, "no translated returnee page found"


@pytest.mark.parametrize(
    ("locale", "slug"), RETURNEE_PAGES, ids=[f"{loc}-{page}" for loc, page in RETURNEE_PAGES]
)
def test_no_sentence_over_the_limit(locale: str, slug: str) -> None:
    path = GUIDANCE / locale / "items" / f"{slug}.md"
    meta, body = split_front_matter(path.read_text(encoding="utf-8"))
    limit = LIMITS.get(locale, DEFAULT_LIMIT)
    texts = [body]
    if meta.get("summary"):
        texts.append(str(meta["summary"]))
    failures = [hit for text in texts for hit in too_long(text, locale)]
    assert not failures, (
        f"{path.relative_to(PROJECT_ROOT)}: {len(failures)} sentence(s) over "
        f"{limit.maximum} {limit.unit}:\n"
        + "\n".join(f"  [{n} {limit.unit}] {s}" for n, s in failures)
    )


# --- the checker itself -------------------------------------------------------------------


def test_negative_control_an_overlong_english_sentence_fails() -> None:
    long_sentence = " ".join(["word"] * 30) + "."
    hits = too_long(f"A short first sentence. {long_sentence} A short last one.", "en")
    assert [n for n, _ in hits] == [30]
    assert too_long("Twenty-five words is fine. " + " ".join(["word"] * 25) + ".", "en") == []


def test_negative_controls_for_vietnamese_and_thai() -> None:
    assert [n for n, _ in too_long(" ".join(["tiếng"] * 41) + ".", "vi")] == [41]
    assert too_long(" ".join(["tiếng"] * 40) + ".", "vi") == []
    thai_run = "ก" * 121
    assert [n for n, _ in too_long(thai_run, "th")] == [121]
    # a space ends a Thai sentence, so two 100-character runs are two short sentences
    assert too_long("ก" * 100 + " " + "ก" * 100, "th") == []


def test_list_items_headings_and_cells_are_sentence_boundaries() -> None:
    twenty = " ".join(["word"] * 20)
    markdown = (
        f"## {twenty}\n\n- {twenty}\n- {twenty}\n\n1. {twenty}\n2. {twenty}\n\n"
        f"| {twenty} | {twenty} |\n|---|---|\n"
    )
    assert [length(s, "en") for s in sentences(markdown, "en")] == [20] * 7
    # a paragraph wrapped over two lines is one block
    assert [length(s, "en") for s in sentences(f"{twenty}\n{twenty}.", "en")] == [40]


def test_terminators_of_other_scripts_split_sentences() -> None:
    fifteen = " ".join(["کلمه"] * 15)
    assert [length(s, "fa") for s in sentences(f"{fifteen}؟ {fifteen}.", "fa")] == [15, 15]
    assert len(sentences("一句话。第二句话。", "zh")) == 2
    hindi = " ".join(["शब्द"] * 15)
    assert [length(s, "hi") for s in sentences(f"{hindi}। {hindi}।", "hi")] == [15, 15]
    assert [length(s, "en") for s in sentences("Why? Because! Yes.", "en")] == [1, 1, 1]


def test_markup_does_not_count_as_words() -> None:
    assert sentences("Read **Asking for asylum** and [this](https://example.org) now.", "en") == [
        "Read Asking for asylum and this now."
    ]
