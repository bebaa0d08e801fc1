"""A pull page, and a case listing, cost a bounded number of SQL statements whatever the
number of cases on it (issue #10: a page of 50 cases took about 270, one case at a time)."""

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlmodel import Session

from app.content.bundles import BundleCache
from app.content.models import ContentItemTranslation
from app.content.write import edit_text
from tests.factories import bearer, make_user, new_id


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _cases(client: TestClient, headers: dict[str, str], n: int) -> None:
    for _ in range(n):
        checklists = [
            {"id": new_id(), "template_slug": "pre-return"},
            {"id": new_id(), "template_slug": "arrival"},
        ]
        r = client.post(
            "/api/v1/cases", json={"country": "AL", "checklists": checklists}, headers=headers
        )
        assert r.status_code == 201, r.text
        case_id = r.json()["id"]
        note = {
            "id": new_id(),
            "seq": 1,
            "type": "add_note",
            "case_id": case_id,
            "note_id": new_id(),
            "body": "a note",
        }
        pushed = client.post(
            "/api/v1/sync/cases",
            json={"device_id": "device-" + new_id()[:8], "mutations": [note]},
            headers=headers,
        )
        assert pushed.json()["results"][0]["status"] == "applied"


def _statements(client: TestClient, engine: Engine, headers: dict[str, str], path: str) -> int:
    client.get(path, headers=headers)  # the session's last-seen time is written once a minute
    with counting(engine) as statements:
        r = client.get(path, headers=headers)
        assert r.status_code == 200, r.text
    return len(statements)


def test_a_pull_page_costs_the_same_number_of_statements_for_3_or_30_cases(
    client: TestClient, session: Session, engine: Engine
) -> None:
    few, many = bearer(client, make_user(session)), bearer(client, make_user(session))
    _cases(client, few, 3)
    _cases(client, many, 30)
    for path in ("/api/v1/sync/cases?limit=50", "/api/v1/cases"):
        small = _statements(client, engine, few, path)
        large = _statements(client, engine, many, path)
        assert large == small, (path, small, large)
        assert large < 40, (path, large)


def test_locales_and_bundle_cost_no_statement_while_the_content_version_is_known(
    app: FastAPI, session: Session, engine: Engine
) -> None:
    """Issue #13: the public hot paths read the content version at most once per TTL, not
    once per request; a publish by this process is seen at once all the same."""
    app.state.bundle_cache = BundleCache(
        lambda: nullcontext(session), source_locale="en", version_ttl=3600, max_age=300
    )
    paths = ("/api/v1/locales", "/api/v1/content/fr", "/static/js/app.js")
    with TestClient(app) as client:
        first = {p: client.get(p, headers={"Accept-Language": "fr"}) for p in paths}
        with counting(engine) as statements:
            for path in paths:
                for language in ("fr", "ar, en;q=0.5", "de"):
                    r = client.get(path, headers={"Accept-Language": language})
                    assert r.status_code == 200, r.text
        assert statements == []
        assert first["/api/v1/locales"].json()["preferred"] == "fr"
        assert r.headers["vary"] == "Accept-Encoding"
        locales = client.get("/api/v1/locales", headers={"Accept-Language": "ar"})
        assert locales.json()["preferred"] == "ar"
        assert "Accept-Language" in locales.headers["vary"]
        # A publish here reaches both at once (the cache hears of the commit).
        before = first["/api/v1/locales"].json()
        coverage = {i["code"]: i["content_coverage"] for i in before["locales"]}
        edit_text(session, ContentItemTranslation, "what-happens-next", "fr", title="Nouveau")
        assert "Nouveau" in client.get("/api/v1/content/fr").text
        with counting(engine) as statements:
            client.get("/api/v1/locales")
        assert statements  # the version was read again
        after = {
            i["code"]: i["content_coverage"]
            for i in client.get("/api/v1/locales").json()["locales"]
        }
        assert after == coverage


async def _wait(future: "asyncio.Future[None]") -> None:
    await future


def test_an_expired_content_version_is_checked_in_the_background(
    app: FastAPI, session: Session, engine: Engine
) -> None:
    """Past its TTL the version is re-read once off the event loop while requests are
    still answered from memory; after twice the TTL a request reads it itself."""
    cache = BundleCache(lambda: nullcontext(session), source_locale="en", version_ttl=3600,
                        max_age=300)  # fmt: skip
    app.state.bundle_cache = cache
    with TestClient(app) as client:
        assert client.get("/api/v1/content/fr").status_code == 200
        read_at = cache._version_read_at
        cache._version_read_at = read_at - 3600 - 1  # the TTL has run out
        assert client.get("/api/v1/content/fr").status_code == 200  # from memory
        recheck = cache._recheck
        assert recheck is not None
        assert client.get("/api/v1/content/fr").status_code == 200
        assert cache._recheck is recheck  # one re-read, however many requests meanwhile
        client.portal.call(_wait, recheck)  # on the event loop the app runs on
        assert cache._version_read_at > read_at - 3600
        assert cache.fresh("fr") is not None
        cache._version_read_at = time.monotonic() - 2 * 3600 - 1  # a long quiet spell
        assert cache.fresh("fr") is None  # the request reads the version itself
