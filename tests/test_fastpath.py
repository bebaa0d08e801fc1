"""The fast path (app/core/fastpath.py) answers the bundle and the shell from memory before
routing: the same bytes and headers as the routes, and only when it may."""

from contextlib import nullcontext

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.content.bundles import BundleCache
from app.content.models import ContentItemTranslation
from app.content.write import edit_text
from app.core.config import get_settings

IGNORED = {"date"}


def norm(headers: dict[str, str]) -> dict[str, object]:
    out: dict[str, object] = {k: v for k, v in headers.items() if k not in IGNORED}
    if "vary" in out:  # GZipMiddleware repeats "Accept-Encoding" on the routed answer
        out["vary"] = {v.strip() for v in str(out["vary"]).split(",")}
    return out


def same(a: dict[str, str], b: dict[str, str]) -> bool:
    return norm(a) == norm(b)


def test_bundle_from_memory_is_what_the_route_sends(app: FastAPI, session: Session) -> None:
    cache = BundleCache(lambda: nullcontext(session), source_locale="en", version_ttl=3600,
                        max_age=300)  # fmt: skip
    app.state.bundle_cache = cache
    with TestClient(app) as client:
        for encoding in ("br", "gzip", "identity"):
            cache.invalidate()
            routed = client.get("/api/v1/content/fr", headers={"Accept-Encoding": encoding})
            assert cache.fresh("fr") is not None  # from now on the fast path answers
            fast = client.get("/api/v1/content/fr", headers={"Accept-Encoding": encoding})
            assert fast.status_code == routed.status_code == 200
            assert fast.content == routed.content
            assert same(dict(fast.headers), dict(routed.headers)), (fast.headers, routed.headers)
            assert fast.headers.get("content-encoding", "identity") == encoding
        etag = fast.headers["etag"]
        not_modified = client.get("/api/v1/content/fr", headers={"If-None-Match": etag})
        assert not_modified.status_code == 304 and not_modified.headers["etag"] == etag
        # A publish by this process reaches the fast path at once (the cache is invalidated).
        edit_text(session, ContentItemTranslation, "what-happens-next", "fr", title="Nouveau")
        changed = client.get("/api/v1/content/fr")
        assert changed.headers["etag"] != etag
        assert "Nouveau" in changed.text
        # What it does not know goes to the routes: 404 and 422 problems.
        assert client.get("/api/v1/content/xx").status_code == 404
        assert client.get("/api/v1/content/en/items/nope").status_code == 404


def test_shell_from_memory(client: TestClient) -> None:
    js = client.get("/static/js/app.js", headers={"Accept-Encoding": "br"})
    assert js.status_code == 200 and js.headers["content-encoding"] == "br"
    assert js.headers["cache-control"] == "no-cache"
    assert "content-security-policy" not in js.headers  # not a document
    assert js.headers["x-content-type-options"] == "nosniff"
    again = client.get("/static/js/app.js", headers={"If-None-Match": js.headers["etag"]})
    assert again.status_code == 304
    page = client.get("/fr/pages/x")
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    head = client.head("/static/js/app.js", headers={"Accept-Encoding": "br"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == js.headers["content-length"]
    assert head.headers["x-content-type-options"] == "nosniff"
    # A request with a body is not the fast path's: the body limit still answers it.
    limit = get_settings().max_body_bytes
    too_big = client.request("GET", "/static/js/app.js", content=b"x" * (limit + 1))
    assert too_big.status_code == 413
    assert client.get("/static/nope.js").status_code == 404
    assert client.get("/api/v1/nope").headers["content-type"] == "application/problem+json"


def test_a_version_read_before_a_heard_publish_is_not_trusted(session: Session) -> None:
    """Issue #11 (app/content/notify.py): a process that hears every publish trusts its
    version read for longer than the TTL, but never one read before a publish it heard of,
    and reads it again whenever its listener (re)connects."""
    loads: list[int] = []

    class Counting:
        def __enter__(self) -> Session:
            loads.append(1)
            if heard_during_load:
                cache.invalidate()  # the notification arrives while the version is read
            return session

        def __exit__(self, *exc: object) -> None:
            return None

    heard_during_load = False
    cache = BundleCache(Counting, source_locale="en", version_ttl=0.000001, max_age=300)
    cache.get("fr")
    assert cache.fresh("fr") is None  # TTL over: without a listener, the version is re-read
    cache.listening(True)
    assert cache.fresh("fr") is None  # (re)connected: read once, publishes may be missed
    cache.get("fr")
    assert cache.fresh("fr") is not None  # heard nothing since: trusted beyond the TTL
    cache.invalidate()  # a publish heard
    assert cache.fresh("fr") is None
    heard_during_load = True
    entry = cache.get("fr")  # read, but a publish was heard meanwhile: served, not trusted
    assert entry is not None and cache.fresh("fr") is None
    heard_during_load = False
    cache.get("fr")
    assert cache.fresh("fr") is not None
    cache.listening(False)  # lost: back to the TTL
    assert cache.fresh("fr") is None
    assert len(loads) == 4


def test_a_broken_frontend_is_the_routes_problem_not_a_crash(app: FastAPI, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The fast path is outside Starlette's error handling: when a resolver fails (here a
    frontend folder without index.html), the request goes on to the routes, whose error
    handling answers."""
    from app.core.config import Settings
    from app.pwa import shell

    (tmp_path / "app.css").write_text("body{}")
    shell.clear_cache()
    app.dependency_overrides[get_settings] = lambda: Settings(
        frontend_dir=tmp_path, frontend_recheck_seconds=0
    )
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            r = client.get("/static/app.css")
        assert r.status_code == 500
        assert r.headers["content-type"] == "application/problem+json"
    finally:
        shell.clear_cache()
