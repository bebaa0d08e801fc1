"""Markdown source → sanitised HTML, done once at save time so clients insert it as is."""

import re

import nh3
from markdown_it import MarkdownIt

# Raw HTML in the source is not rendered at all; the sanitiser is the second fence.
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code",
    "pre", "table", "thead", "tbody", "tr", "th", "td", "hr", "br",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}


def render_markdown(source: str) -> str:
    html = _renderer.render(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


_SAFE_LINK = ("https://", "http://", "mailto:")
# Parses raw HTML as HTML (to report it); the renderer above never outputs it.
_inspector = MarkdownIt("commonmark", {"html": True}).enable("table")
_LINK_SCHEME = re.compile(r"\]\(\s*<?\s*([a-zA-Z][a-zA-Z0-9+.-]*):")


def _walk(tokens: list) -> list:  # type: ignore[type-arg]
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def markdown_links(source: str) -> list[str]:
    """The link targets of a Markdown text, in order."""
    return [
        str(t.attrGet("href"))
        for t in _walk(_renderer.parse(source))
        if t.type == "link_open" and t.attrGet("href")
    ]


def markdown_problems(source: str) -> list[str]:
    """What in a Markdown text would not reach readers as written (FORMAT.md): raw HTML
    (dropped), images, top-level headings (the app shows the title), links that are not
    http(s) or mailto, and an unclosed code fence (it swallows the rest of the text)."""
    problems = []
    for match in _LINK_SCHEME.finditer(source):
        if match[1].lower() not in ("https", "http", "mailto"):
            problems.append(f"link scheme '{match[1][:20]}:' is not allowed")
    for token in _walk(_inspector.parse(source)):
        if token.type in ("html_block", "html_inline"):
            problems.append("raw HTML is not allowed")
        elif token.type == "image":
            problems.append("images are not allowed")
        elif token.type == "heading_open" and token.tag == "h1":
            problems.append("use ## headings, not #")
        elif token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if not href.lower().startswith(_SAFE_LINK):
                problems.append(f"link '{href[:80]}' is not an http(s) or mailto address")
    fences = [line for line in source.splitlines() if line.lstrip().startswith(("```", "~~~"))]
    if len(fences) % 2:
        problems.append("a code fence is not closed")
    return sorted(set(problems))
