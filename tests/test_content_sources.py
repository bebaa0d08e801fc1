"""Guidance cites official texts only, and every provision it rests on is cited where it is used.

Issue #12: (a) every URL a reader can open (front-matter `sources`, checklist `sources`, links in
Markdown bodies or any other text) must be on a host in `app/guidance/official-domains.txt`, in
every locale; (b) the provisions added for the issue appear both in an item's `articles` and in
its body, and the `crc` / `eu-directive-2004-81` instruments are used by the items resting on them.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from app.content.seed import SeedContent, load_seed_files
from app.core.config import PROJECT_ROOT

GUIDANCE = PROJECT_ROOT / "app" / "guidance"
ALLOWLIST = GUIDANCE / "official-domains.txt"
URL_RE = re.compile(r"https?://[^\s<>()\[\]\"'`|]+", re.I)


# ---------------------------------------------------------------------------------------------
# (a) official domains


def load_allowlist(path: Path = ALLOWLIST) -> list[str]:
    hosts = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        entry = raw.split("#", 1)[0].strip().lower()
        if entry:
            hosts.append(entry)
    return hosts


def host_is_official(host: str, allowlist: list[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == entry or host.endswith("." + entry) for entry in allowlist)


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def urls_in_file(path: Path) -> list[str]:
    """Every URL in a guidance file: front matter / YAML values (incl. `sources`) and the body."""
    text = path.read_text(encoding="utf-8")
    found: list[str] = []
    if path.suffix == ".md":
        match = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.S)
        front, body = (match.group(1), match.group(2)) if match else ("", text)
        data = yaml.safe_load(front) or {}
        found += [str(s.get("url", "")) for s in data.get("sources") or [] if isinstance(s, dict)]
        found += [u for s in _strings(data) for u in URL_RE.findall(s)]
        found += URL_RE.findall(body)
    else:
        data = yaml.safe_load(text)
        found += [u for s in _strings(data) for u in URL_RE.findall(s)]
    return sorted({u.rstrip(".,;:") for u in found if u})


def unofficial_urls(path: Path, allowlist: list[str]) -> list[str]:
    return [
        u for u in urls_in_file(path) if not host_is_official(urlsplit(u).hostname or "", allowlist)
    ]


def _guidance_files() -> list[Path]:
    files = []
    for locale in sorted(p for p in GUIDANCE.iterdir() if p.is_dir()):
        files += sorted((locale / "items").glob("*.md"))
        files += sorted((locale / "checklists").glob("*.yaml"))
        if (locale / "glossary.yaml").exists():
            files.append(locale / "glossary.yaml")
    return files


def test_allowlist_is_documented_and_well_formed() -> None:
    lines = [ln for ln in ALLOWLIST.read_text(encoding="utf-8").splitlines() if ln.strip()]
    entries = [ln for ln in lines if not ln.lstrip().startswith("#")]
    assert len(entries) >= 10
    for line in entries:
        host, _, comment = line.partition("#")
        host = host.strip()
        assert comment.strip(), f"allowlist entry without a comment saying what it is: {line!r}"
        assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", host), f"not a bare host suffix: {host!r}"


@pytest.mark.parametrize("path", _guidance_files(), ids=lambda p: str(p.relative_to(GUIDANCE)))
def test_every_link_is_on_an_official_host(path: Path) -> None:
    bad = unofficial_urls(path, load_allowlist())
    assert not bad, (
        f"{path.relative_to(GUIDANCE)} links to hosts not in official-domains.txt: {bad}"
    )


def test_checker_sees_the_english_sources() -> None:
    # Guard against a checker that passes because it finds nothing.
    english = [p for p in _guidance_files() if GUIDANCE / "en" in p.parents]
    assert sum(len(urls_in_file(p)) for p in english) >= 40


def test_negative_control_rejects_lookalikes_and_mirrors(tmp_path: Path) -> None:
    allow = load_allowlist()
    fake = tmp_path / "tool-7-99.md"
    fake.write_text(
        "---\nslug: tool-7-99\nsources:\n"
        "  - title: lookalike of a government site\n"
        "    url: https://usciss.us/humanitarian/t-visa\n"
        "  - title: official\n"
        "    url: https://www.uscis.gov/humanitarian\n"
        "---\nSee [an essay](https://nerdyseal.com/x) and <http://www.docstoc.com/docs/1>, "
        "and the [Convention](https://www.coe.int/en/web/anti-human-trafficking/).\n",
        encoding="utf-8",
    )
    assert unofficial_urls(fake, allow) == [
        "http://www.docstoc.com/docs/1",
        "https://nerdyseal.com/x",
        "https://usciss.us/humanitarian/t-visa",
    ]
    checklist = tmp_path / "pre-return.yaml"
    checklist.write_text(
        "slug: pre-return\nsources:\n  - title: t\n    url: https://th4.ilovetranslation.com/a\n"
        "items:\n  - key: k\n    action: a\n    reason: see https://pdfroom.com/b\n",
        encoding="utf-8",
    )
    assert unofficial_urls(checklist, allow) == [
        "https://pdfroom.com/b",
        "https://th4.ilovetranslation.com/a",
    ]
    # Suffix matching is on whole labels only.
    assert host_is_official("www.unodc.org", allow)
    assert host_is_official("eur-lex.europa.eu", allow)
    assert not host_is_official("fakeunodc.org", allow)
    assert not host_is_official("unodc.org.example.com", allow)
    assert not host_is_official("usciss.us", allow)


# ---------------------------------------------------------------------------------------------
# (b) provisions cited where they are used

# (item slug, instrument, article) added or made precise for issue #12.
ADDED_PROVISIONS = [
    ("overview", "coe", "10(2)"),
    ("overview", "eu-directive-2004-81", "6"),
    ("overview", "eu-directive-2004-81", "8"),
    ("overview", "refugee-convention", "33"),
    ("overview", "crc", "3(1)"),
    ("tool-7-1", "coe", "13(3)"),
    ("tool-7-1", "coe", "12(6)"),
    ("tool-7-1", "eu-directive-2004-81", "6"),
    ("tool-7-1", "eu-directive-2004-81", "7"),
    ("tool-7-2", "coe", "14(1)(a)"),
    ("tool-7-2", "eu-directive-2004-81", "8(2)"),
    ("tool-7-2", "eu-directive-2004-81", "8(3)"),
    ("tool-7-4", "protocol", "6(5)"),
    ("tool-7-4", "protocol", "6(6)"),
    ("tool-7-4", "coe", "15"),
    ("tool-7-5", "coe", "26"),
    ("tool-7-5", "coe", "15"),
    ("tool-7-6", "coe", "10(2)"),
    ("tool-7-6", "coe", "13(3)"),
    ("tool-7-6", "coe", "26"),
    ("tool-7-7", "protocol", "8(6)"),
    ("tool-7-9", "refugee-convention", "1A(2)"),
    ("tool-7-9", "refugee-convention", "33(2)"),
    ("tool-7-10", "coe", "10(3)"),
    ("tool-7-10", "coe", "10(4)"),
    ("tool-7-10", "crc", "3(1)"),
    ("tool-7-10", "crc", "12"),
    ("tool-7-10", "crc", "20"),
    ("tool-7-10", "crc", "35"),
    ("tool-7-10", "crc", "39"),
]

# Items that rest on an instrument must list it in `articles`.
RESTING_ON = {
    "crc": {"overview", "tool-7-10"},
    "eu-directive-2004-81": {"overview", "tool-7-1", "tool-7-2"},
}

# How the body names each instrument.
INSTRUMENT_NAMES = {
    "protocol": r"Protocol",
    "coe": r"Council of Europe|CoE",
    "untoc": r"Organized Crime Convention|Transnational Organized Crime",
    "eu-directive-2004-81": r"Directive 2004/81",
    "refugee-convention": r"Refugee Convention|1951 Convention",
    "crc": r"Rights of the Child|\bCRC\b",
}


@pytest.fixture(scope="module")
def content() -> SeedContent:
    return load_seed_files(GUIDANCE / "en")


def body_cites(body: str, instrument: str, article: str) -> bool:
    """The body names the instrument and the article ("article 10(2)", "Art. 26", "**6(5):**")."""
    number = re.escape(article)
    article_ref = (
        rf"(?:\b(?:art(?:icle)?s?\.?)\s+(?:\d+[\w()]*(?:,\s*|\s+and\s+))*|\*\*){number}(?![\w(])"
    )
    return bool(re.search(INSTRUMENT_NAMES[instrument], body)) and bool(
        re.search(article_ref, body, re.I)
    )


def provision_problems(item, instrument: str, article: str) -> list[str]:
    problems = []
    if not any(a.instrument == instrument and a.article == article for a in item.articles):
        problems.append(f"{item.slug}: {instrument} {article} missing from `articles`")
    if not body_cites(item.body, instrument, article):
        problems.append(f"{item.slug}: body does not cite {instrument} article {article}")
    return problems


def test_each_added_provision_is_cited_in_articles_and_body(content: SeedContent) -> None:
    items = {i.slug: i for i in content.items}
    problems = [
        p for slug, ins, art in ADDED_PROVISIONS for p in provision_problems(items[slug], ins, art)
    ]
    assert not problems, "\n".join(problems)


def test_instruments_are_listed_by_the_items_resting_on_them(content: SeedContent) -> None:
    items = {i.slug: i for i in content.items}
    for instrument, slugs in RESTING_ON.items():
        for slug in slugs:
            assert any(a.instrument == instrument for a in items[slug].articles), (slug, instrument)
    # And conversely: an overview or tool whose body invokes the instrument lists it.
    mention = {"crc": r"Rights of the Child|\bCRC\b", "eu-directive-2004-81": r"Directive 2004/81"}
    for item in content.items:
        if item.kind not in ("overview", "tool"):
            continue
        for instrument, pattern in mention.items():
            if re.search(pattern, item.body):
                assert any(a.instrument == instrument for a in item.articles), (
                    item.slug,
                    instrument,
                )


def test_negative_control_provision_checker(content: SeedContent) -> None:
    tool = next(i for i in content.items if i.slug == "tool-7-10")
    stripped = tool.model_copy(
        update={
            "articles": [a for a in tool.articles if a.instrument != "crc"],
            "body": tool.body.replace("Article 39", "Article thirty-nine"),
        }
    )
    problems = provision_problems(stripped, "crc", "39")
    assert len(problems) == 2, problems
    assert not body_cites("Article 3(1) of the Convention", "crc", "3")  # 3 is not 3(1)
    assert not body_cites("the CRC, Article 120", "crc", "12")
    assert body_cites("CRC Article 12: the child is heard", "crc", "12")
    assert body_cites("Protocol article 6: **6(5):** endeavour", "protocol", "6(5)")


def test_legal_statements_are_worded_as_the_law_words_them(content: SeedContent) -> None:
    items = {i.slug: i.body for i in content.items}
    glossary = {g.key: g.definition for g in content.glossary}
    # Reflection period: a firm rule with named exceptions (CoE 13(3); Directive 6(4)).
    assert "must not send" in items["tool-7-1"] and "except in rare cases" in items["tool-7-1"]
    assert "public order" in items["tool-7-1"] and "renewed contact" in items["tool-7-1"]
    assert "must not send you away, except in rare cases" in glossary["reflection-period"]
    assert "cannot be deported" not in glossary["reflection-period"]
    # Best interests: "a primary consideration" (CRC 3(1)), not "must come first".
    assert "a primary consideration" in glossary["best-interests"]
    assert "come first" not in glossary["best-interests"]
    assert "a primary consideration" in items["tool-7-10"]
    # Non-refoulement and its 33(2) exception.
    assert "exception" in glossary["non-refoulement"] and "33(2)" in items["tool-7-9"]
    # Presumption of age from CoE 10(3), said as "should".
    assert re.search(
        r"Article 10\(3\).*presumed.*should be treated as a child", items["tool-7-10"], re.S
    )
    # Protocol Art. 6 qualifiers and CoE 16(5) "best effort".
    assert "to the extent possible under domestic law" in items["tool-7-4"]
    assert "endeavour" in items["tool-7-4"]
    for slug in ("tool-7-4", "tool-7-7", "tool-7-8"):
        assert "best effort" in items[slug], slug
    # Details.
    assert "120 days" in items["tool-7-1"] and "2007" in items["tool-7-1"]
    assert "appropriate consideration" in items["tool-7-2"] and "14(1)(a)" in items["tool-7-2"]
    assert "renamed" in items["tool-7-2"] and "2015" in items["tool-7-2"]
    assert "Statement of purpose" in items["tool-7-5"]
    assert "predates" in items["tool-7-7"] and "8(6)" in items["tool-7-7"]
    assert "who cooperate with the competent authorities" in items["overview"]
    assert "Guidelines on International Protection No. 7" in items["tool-7-9"]
    # Directive 2011/36/EU as the post-2008 update, in text and sources.
    overview = next(i for i in content.items if i.slug == "overview")
    assert "2011/36/EU" in overview.body
    assert any("CELEX:32011L0036" in str(s.url) for s in overview.sources)
