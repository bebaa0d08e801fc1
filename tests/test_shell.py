"""The PWA shell service: precache manifest from the files on disk, service worker rendering."""

import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from app.core.config import PROJECT_ROOT
from app.pwa import shell

FRONTEND = PROJECT_ROOT / "frontend"


@pytest.fixture
def frontend(tmp_path: Path) -> Path:
    copy = tmp_path / "frontend"
    shutil.copytree(FRONTEND, copy)
    shell.clear_cache()
    return copy


def manifest_of(sw_body: bytes) -> list[dict[str, str]]:
    match = re.search(rb"const MANIFEST = (\[.*?\]) \|\| \[\];", sw_body)
    assert match, "manifest not injected"
    return json.loads(match.group(1))


def bump_mtime(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_manifest_lists_every_served_file_with_a_content_hash(frontend: Path) -> None:
    s = shell.load_shell(frontend)
    urls = {f.url for f in s.files}
    assert "/" in urls  # index.html is the shell
    assert "/manifest.webmanifest" in urls
    assert "/static/app.css" in urls and "/static/js/app.js" in urls
    assert {"/static/icons/icon-192.png", "/static/icons/icon-512.png"} <= urls
    assert "/sw.js" not in urls  # the worker never precaches itself
    for f in s.files:
        assert f.revision == shell.revision_of(f.body)
        assert re.fullmatch(r"[0-9a-f]{12}", f.revision)
    on_disk = {
        p.relative_to(frontend).as_posix()
        for p in frontend.rglob("*")
        if p.is_file()
        and p.suffix != ".md"
        and p.name != "sw.js"
        and not p.relative_to(frontend).as_posix().startswith("tests/")
    }
    assert {f.rel for f in s.files} == on_disk


def test_service_worker_gets_the_manifest_and_version_injected(frontend: Path) -> None:
    s = shell.load_shell(frontend)
    body = s.service_worker.body
    assert b"self.__HW_MANIFEST" not in body and b"self.__HW_VERSION" not in body
    assert manifest_of(body) == s.manifest()
    assert f'const VERSION = "{s.version}"'.encode() in body


def test_changed_file_gets_new_revision_and_new_worker(frontend: Path) -> None:
    before = shell.load_shell(frontend)
    css = frontend / "app.css"
    css.write_text(css.read_text() + "\n.changed { color: red; }\n")
    bump_mtime(css)
    after = shell.load_shell(frontend)
    changed = {f.url for f in after.files} & {f.url for f in before.files}
    diff = {u for u in changed if after.by_url[u].revision != before.by_url[u].revision}
    assert diff == {"/static/app.css"}
    assert after.version != before.version
    assert after.service_worker.body != before.service_worker.body


def test_new_and_removed_files_change_the_manifest(frontend: Path) -> None:
    (frontend / "js" / "extra.js").write_text("export const x = 1;\n")
    assert "/static/js/extra.js" in shell.load_shell(frontend).by_url
    (frontend / "js" / "extra.js").unlink()
    assert "/static/js/extra.js" not in shell.load_shell(frontend).by_url


def test_unchanged_files_are_not_reread(frontend: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = shell.load_shell(frontend)
    reads: list[Path] = []
    original = Path.read_bytes

    def spy(self: Path) -> bytes:
        reads.append(self)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    assert shell.load_shell(frontend) is first  # nothing changed: the same object
    css = frontend / "app.css"
    css.write_text(css.read_text() + "\n")
    bump_mtime(css)
    shell.load_shell(frontend)
    assert [p.name for p in reads] == ["app.css"]


def test_docs_dotfiles_and_tooling_are_not_served(frontend: Path) -> None:
    (frontend / "vendor").mkdir(exist_ok=True)
    (frontend / "vendor" / "README.md").write_text("# vendor\n")
    (frontend / ".hidden.js").write_text("secret")
    urls = set(shell.load_shell(frontend).by_url)
    assert "/static/vendor/README.md" not in urls
    assert "/static/.hidden.js" not in urls


def test_js_unit_tests_are_neither_served_nor_precached(frontend: Path) -> None:
    assert any((frontend / "tests").glob("*.test.js")), "frontend/tests/ holds the JS unit tests"
    s = shell.load_shell(frontend)
    assert not [f.url for f in s.files if f.url.startswith("/static/tests/")]
    assert not [m["url"] for m in manifest_of(s.service_worker.body) if "/tests/" in m["url"]]
    # a folder of that name deeper down is the app's own and stays served
    (frontend / "js" / "tests").mkdir()
    (frontend / "js" / "tests" / "x.js").write_text("export {};\n")
    assert "/static/js/tests/x.js" in shell.load_shell(frontend).by_url


def test_placeholder_must_occur_exactly_once() -> None:
    with pytest.raises(shell.ShellError):
        shell.render_service_worker("const a = 1;", [], "v")
    with pytest.raises(shell.ShellError):
        shell.render_service_worker(
            "self.__HW_MANIFEST; self.__HW_MANIFEST; self.__HW_VERSION", [], "v"
        )


def test_missing_index_or_worker_is_an_error(frontend: Path) -> None:
    (frontend / "sw.js").unlink()
    with pytest.raises(shell.ShellError):
        shell.load_shell(frontend)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", True),
        ("en", True),
        ("en/", True),
        ("en/tools/tool-7-8", True),
        ("fr-CA/checklists/pre-return", True),
        ("zh-Hant/search", True),
        ("api/v1/nope", False),
        ("healthz", False),
        ("readyz", False),
        ("static/nope.js", False),
        ("favicon.ico", False),
        ("wordpress", False),
        ("wp-admin", True),  # looks like a locale tag: the app shows its own "not found"
        ("EN/", False),
    ],
)
def test_navigation_paths(path: str, expected: bool) -> None:
    assert shell.is_navigation_path(path) is expected


def test_media_types() -> None:
    assert shell.media_type_for("js/app.js").startswith("text/javascript")
    assert shell.media_type_for("manifest.webmanifest") == "application/manifest+json"
    assert shell.media_type_for("icons/icon-192.png") == "image/png"
    assert shell.media_type_for("index.html").startswith("text/html")


def test_a_known_shell_is_rechecked_off_the_callers_thread(
    frontend: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Static files are answered on the event loop: once a shell is known, the folder walk
    that notices changes runs on a background thread, never in the request (issue #13)."""
    walks: list[str] = []
    original = shell._walk

    def spy(root: Path) -> list[tuple[str, Path, os.stat_result]]:
        walks.append(threading.current_thread().name)
        return original(root)

    monkeypatch.setattr(shell, "_walk", spy)
    first = shell.current_shell(frontend, None, 3600)
    assert walks == [threading.current_thread().name]  # nothing known yet: the caller walks
    assert shell.current_shell(frontend, None, 3600) is first and len(walks) == 1

    css = frontend / "app.css"
    css.write_text(css.read_text() + "\n.changed { color: red; }\n")
    bump_mtime(css)
    key = (frontend, None)
    shell._recent[key] = (shell._recent[key][0] - 7200, first)  # the recheck is due
    assert shell.current_shell(frontend, None, 3600) is first  # answered at once, unchanged
    for thread in threading.enumerate():
        if thread.name == "homeward-shell-recheck":
            thread.join(timeout=30)
    assert walks[1:] == ["homeward-shell-recheck"]
    after = shell.current_shell(frontend, None, 3600)
    assert after.by_url["/static/app.css"].revision != first.by_url["/static/app.css"].revision
    assert len(walks) == 2


def test_comments_are_not_served_and_the_code_is_unchanged(tmp_path: Path) -> None:
    """Issue #13: comments are a quarter of the app's script and style bytes. What is served
    is the source without them: every other line as written, and every script still parses
    (node --check, the same engine family the phones run)."""
    s = shell.load_shell(FRONTEND)
    saved = 0
    checked = 0
    for f in s.files:
        source = (FRONTEND / f.rel).read_bytes()
        if f.rel.endswith(".css"):
            assert b"/*" not in f.body, f.rel
            saved += len(source) - len(f.body)
        if not f.rel.endswith(".js"):
            continue
        code = [line for line in source.decode().split("\n") if line.strip()]
        served = [line for line in f.body.decode().split("\n") if line.strip()]
        kept = [line for line in code if not line.lstrip().startswith("//")]
        if f.rel.startswith("vendor/") or served == code:
            assert f.body == source or f.rel == shell.SW_FILE, f.rel  # left as it is
            continue
        assert served == kept, f.rel
        saved += len(source) - len(f.body)
        copy = tmp_path / (f.rel.replace("/", "_") + ".mjs")
        copy.write_bytes(f.body)
        result = subprocess.run(["node", "--check", str(copy)], capture_output=True, text=True)
        assert result.returncode == 0, f"{f.rel}: {result.stderr}"
        checked += 1
    assert checked > 20 and saved > 50_000
    # A template literal over several lines: the file is served as written.
    text = "const css = `a\n// not a comment\n`;\n// a comment\n"
    assert shell.without_comments("js/x.js", text.encode()) == text.encode()
    # A comment marker inside a CSS string is not a comment.
    assert (
        shell.without_comments("x.css", b'a{content:"/* x */"}/* y */') == b'a{content:"/* x */"}'
    )
