"""Issue #8: the bundle's ETag and version come from the content itself. Two server
processes on one database, and a server after a restart, give a phone the same ETag for the
same content, so revalidating against another process costs a 304, not the whole bundle."""

from pathlib import Path

import pytest

from tests.conftest import ThrowawayDatabases
from tests.live import run_live_server


def _etags(url_get, locales: tuple[str, ...]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {locale: url_get(f"/api/v1/content/{locale}").headers["etag"] for locale in locales}


def test_two_processes_and_a_restart_serve_the_same_etag(
    tmp_path_factory: pytest.TempPathFactory, databases: ThrowawayDatabases
) -> None:
    locales = ("en", "fr", "ar")
    shared = databases.new_url()
    first = run_live_server(tmp_path_factory.mktemp("one"), databases, database_url=shared)
    one = next(first)
    second = run_live_server(tmp_path_factory.mktemp("two"), databases, database_url=shared)
    two = next(second)
    try:
        from_one, from_two = _etags(one.get, locales), _etags(two.get, locales)
        assert from_one == from_two
        # A phone holding process one's French revalidates against process two: 304.
        revalidated = two.get("/api/v1/content/fr", headers={"If-None-Match": from_one["fr"]})
        assert revalidated.status_code == 304
    finally:
        second.close()  # stops process two
    restarted = run_live_server(
        Path(tmp_path_factory.mktemp("three")), databases, database_url=shared
    )
    three = next(restarted)
    try:
        assert _etags(three.get, locales) == from_one
    finally:
        restarted.close()
        first.close()
