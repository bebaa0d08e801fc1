from app.content.markdown import render_markdown


def test_renders_headings_lists_and_tables() -> None:
    html = render_markdown("## Steps\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<h2>Steps</h2>" in html
    assert "<li>one</li>" in html
    assert "<table>" in html and "<td>2</td>" in html


def test_raw_html_and_scripts_never_survive() -> None:
    html = render_markdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n')
    assert "<script" not in html and "<img" not in html and "onerror" not in html.split("&")[0]


def test_javascript_links_are_dropped_and_links_do_not_leak_referrers() -> None:
    html = render_markdown("[bad](javascript:alert(1)) [good](https://www.unodc.org/)")
    assert 'href="javascript' not in html
    assert 'href="https://www.unodc.org/"' in html
    assert "noreferrer" in html
