from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.content.models import ContentItem, ContentItemTranslation
from app.content.write import bump_content_version


def test_bundle_has_every_kind_of_content(client: TestClient) -> None:
    response = client.get("/api/v1/content/en")
    assert response.status_code == 200
    bundle = response.json()
    assert bundle["locale"] == "en"
    assert bundle["direction"] == "ltr"
    assert isinstance(bundle["version"], int) and bundle["version"] >= 1
    assert {i["kind"] for i in bundle["items"]} == {"overview", "tool", "page"}
    assert len(bundle["checklists"]) == 6
    assert len(bundle["glossary"]) >= 25
    tool = next(i for i in bundle["items"] if i["slug"] == "tool-7-1")
    assert tool["tool_number"] == "7.1"
    assert tool["body_html"].startswith("<")
    assert "30" in tool["body_html"]  # the Council of Europe's 30-day minimum
    assert tool["locale"] == "en" and tool["fallback"] is False and tool["stale"] is False
    assert all(a["instrument_name"] for a in tool["articles"])


def test_bundle_is_gzipped_and_cacheable(client: TestClient) -> None:
    response = client.get("/api/v1/content/en", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert "max-age" in response.headers["cache-control"]
    raw = client.get("/api/v1/content/en", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert raw.json() == response.json()
    assert int(response.headers["content-length"]) < len(raw.content) / 2


def test_repeat_request_with_etag_gets_304(client: TestClient) -> None:
    first = client.get("/api/v1/content/en")
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith('W/"')
    again = client.get("/api/v1/content/en", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = client.get("/api/v1/content/en", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_version_and_etag_change_when_published_content_changes(
    client: TestClient, session: Session
) -> None:
    before = client.get("/api/v1/content/en")
    text = session.exec(
        select(ContentItemTranslation)
        .join(ContentItem, ContentItem.id == ContentItemTranslation.item_id)  # type: ignore[arg-type]
        .where(ContentItem.slug == "tool-7-3", ContentItemTranslation.locale == "en")
    ).one()
    text.title = "Challenges after return (edited)"
    session.add(text)
    bump_content_version(session)
    session.commit()
    after = client.get("/api/v1/content/en", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.json()["version"] == before.json()["version"] + 1
    assert after.headers["etag"] != before.headers["etag"]
    titles = {i["slug"]: i["title"] for i in after.json()["items"]}
    assert titles["tool-7-3"] == "Challenges after return (edited)"


def test_unpublished_items_are_left_out(client: TestClient, session: Session) -> None:
    item = session.exec(select(ContentItem).where(ContentItem.slug == "tool-7-9")).one()
    item.is_published = False
    session.add(item)
    bump_content_version(session)
    session.commit()
    slugs = {i["slug"] for i in client.get("/api/v1/content/en").json()["items"]}
    assert "tool-7-9" not in slugs and "tool-7-8" in slugs
    assert client.get("/api/v1/content/en/items/tool-7-9").status_code == 404


def test_unknown_locale_is_a_problem_naming_the_valid_ones(client: TestClient) -> None:
    response = client.get("/api/v1/content/xx")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 404 and problem["title"] == "Not found"
    assert problem["available_locales"][0] == "en" and "ar" in problem["available_locales"]
    assert "xx" in problem["detail"]


def test_malformed_locale_is_a_422_problem(client: TestClient) -> None:
    response = client.get("/api/v1/content/NOT%20A%20LOCALE")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == ["path", "locale"]


def test_one_item(client: TestClient) -> None:
    response = client.get("/api/v1/content/en/items/tool-7-8")
    assert response.status_code == 200
    item = response.json()
    assert item["slug"] == "tool-7-8" and item["kind"] == "tool"
    assert item["sources"] and item["body_html"]
    again = client.get(
        "/api/v1/content/en/items/tool-7-8", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304


def test_unknown_item_is_a_problem_naming_the_valid_slugs(client: TestClient) -> None:
    response = client.get("/api/v1/content/en/items/tool-7-11")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "tool-7-10" in response.json()["available_slugs"]


def test_locales_report_names_direction_and_coverage(client: TestClient) -> None:
    response = client.get("/api/v1/locales", headers={"Accept-Language": "de, en;q=0.5"})
    assert response.status_code == 200
    body = response.json()
    assert body["default"] == "en" and body["preferred"] == "en"
    english = body["locales"][0]
    assert english == {
        "code": "en",
        "name": "English",
        "native_name": "English",
        "direction": "ltr",
        "ui_coverage": 1.0,
        "content_coverage": 1.0,
    }
    for locale in body["locales"]:
        assert 0.0 <= locale["ui_coverage"] <= 1.0
        assert 0.0 <= locale["content_coverage"] <= 1.0


def test_openapi_schema_is_served(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Homeward"
    assert "/api/v1/content/{locale}" in schema["paths"]
    assert "/api/v1/content/{locale}/items/{slug}" in schema["paths"]


def test_unknown_route_and_method_are_problems(client: TestClient) -> None:
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = client.post("/api/v1/locales")
    assert wrong.status_code == 405
    assert wrong.headers["content-type"] == "application/problem+json"


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/healthz", "/api/v1/content/en", "/api/v1/nothing-here"):
        headers = client.get(path).headers
        # JSON is never a document: the shortest policy that forbids everything.
        assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-content-type-options"] == "nosniff"


def test_full_policy_only_on_documents_and_the_service_worker(client: TestClient) -> None:
    for path in ("/", "/en/", "/sw.js"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert "camera=()" in headers["permissions-policy"], path
        assert headers["x-frame-options"] == "DENY", path
    for path in ("/static/js/app.js", "/static/app.css", "/static/icons/icon-192.png"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff", path
        # A script's imports take the page's no-referrer; a style sheet's do not.
        assert headers.get("referrer-policy") == (None if path.endswith(".js") else "no-referrer")
        assert "content-security-policy" not in headers, path
        assert "permissions-policy" not in headers, path
    # A 304 carries no policy: a cache merges its headers into the stored document.
    etag = client.get("/").headers["etag"]
    revalidated = client.get("/", headers={"If-None-Match": etag})
    assert revalidated.status_code == 304
    assert "content-security-policy" not in revalidated.headers


def test_a_translation_becomes_stale_when_its_english_source_changes(
    client: TestClient, session: Session
) -> None:
    def french_page() -> dict:
        bundle = client.get("/api/v1/content/fr").json()
        return next(i for i in bundle["items"] if i["slug"] == "what-happens-next")

    before = french_page()
    assert before["locale"] == "fr" and before["status"] == "machine"
    assert before["stale"] is False and before["fallback"] is False
    english = session.exec(
        select(ContentItemTranslation)
        .join(ContentItem, ContentItem.id == ContentItemTranslation.item_id)  # type: ignore[arg-type]
        .where(ContentItem.slug == "what-happens-next", ContentItemTranslation.locale == "en")
    ).one()
    english.body_md += "\n\nA new paragraph in the English source."
    english.source_hash = "new-english-source"
    from app.core.models import utcnow

    english.updated_at = utcnow()
    session.add(english)
    bump_content_version(session)
    session.commit()
    after = french_page()
    assert after["stale"] is True and after["locale"] == "fr"
    assert after["source_updated_at"] > before["source_updated_at"]
    spanish = next(
        i for i in client.get("/api/v1/content/es").json()["items"] if i["slug"] == "tool-7-1"
    )
    assert spanish["stale"] is False


def test_missing_translations_fall_back_to_english_and_say_so(
    client: TestClient, session: Session
) -> None:
    tool_7_4 = session.exec(select(ContentItem).where(ContentItem.slug == "tool-7-4")).one()
    persian = session.exec(
        select(ContentItemTranslation).where(
            ContentItemTranslation.item_id == tool_7_4.id, ContentItemTranslation.locale == "fa"
        )
    ).first()
    if persian is not None:  # the shipped content has it: take it away for this test
        session.delete(persian)
        bump_content_version(session)
        session.commit()
    bundle = client.get("/api/v1/content/fa").json()
    assert bundle["direction"] == "rtl"
    page = next(i for i in bundle["items"] if i["slug"] == "your-rights")
    assert page["locale"] == "fa" and page["fallback"] is False
    tool = next(i for i in bundle["items"] if i["slug"] == "tool-7-4")
    assert tool["locale"] == "en" and tool["fallback"] is True
    assert len(bundle["items"]) == len(client.get("/api/v1/content/en").json()["items"])


def test_a_regional_variant_is_served_its_parent_language(client: TestClient) -> None:
    # fr-CA has no content of its own: it gets the French bundle itself (same bytes, same
    # ETag, one cache entry), not a copy flagged as a fallback.
    variant = client.get("/api/v1/content/fr-CA")
    french = client.get("/api/v1/content/fr")
    assert variant.json()["locale"] == "fr"
    assert variant.headers["etag"] == french.headers["etag"]
    page = next(i for i in variant.json()["items"] if i["slug"] == "asylum")
    assert page["locale"] == "fr" and page["fallback"] is False
    assert client.get("/api/v1/content/xx").status_code == 404
    assert client.get("/api/v1/content/xx-YY").status_code == 404


def test_instrument_names_are_in_the_bundles_language(client: TestClient) -> None:
    def names(locale: str) -> set[str]:
        bundle = client.get(f"/api/v1/content/{locale}").json()
        return {a["instrument_name"] for i in bundle["items"] for a in i["articles"]}

    english = names("en")
    assert "Trafficking in Persons Protocol" in english
    for locale in ("fr", "ru", "ar"):
        assert not names(locale) & english, locale


def test_invented_variants_do_not_grow_the_bundle_cache(client: TestClient, app: FastAPI) -> None:
    for n in range(300):
        assert client.get(f"/api/v1/content/fr-x{n:03d}").status_code == 200
    assert len(app.state.bundle_cache) == 1  # French, served for every variant


def test_the_etag_comes_from_the_content_alone(session: Session) -> None:
    """Two processes (or one, restarted) build the same bytes for the same content."""
    from app.content.bundles import build_bundle, encode

    first = encode(build_bundle(session, "fr", "en", 7))
    second = encode(build_bundle(session, "fr", "en", 7))
    assert first.etag == second.etag and first.body == second.body
