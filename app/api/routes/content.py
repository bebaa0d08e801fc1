from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response

from app.api.deps import BundleCacheDep, SessionDep, SettingsDep
from app.core.catalogs import resolve_ui_catalog
from app.core.errors import NotFound, _, problem_responses
from app.core.i18n import LOCALE_PATTERN
from app.models.api import Bundle, ItemOut, LocaleList, UiCatalogOut
from app.services.bundles import find_item
from app.services.locales import available_locales, list_locales

router = APIRouter(tags=["content"])

LocalePath = Annotated[str, Path(pattern=LOCALE_PATTERN, max_length=35)]
SlugPath = Annotated[str, Path(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
IfNoneMatch = Annotated[str | None, Header()]
NOT_MODIFIED = {304: {"description": "Not modified: the ETag in If-None-Match still holds"}}


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


def _cached_json(
    request: Request,
    if_none_match: str | None,
    body: bytes,
    gzip_body: bytes | None,
    etag: str,
    max_age: int,
) -> Response:
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": "Accept-Encoding",
    }
    if _etag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    if gzip_body is not None and "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        body = gzip_body
    return Response(content=body, media_type="application/json", headers=headers)


@router.get("/locales", response_model=LocaleList)
def get_locales(
    session: SessionDep,
    settings: SettingsDep,
    accept_language: Annotated[str | None, Header()] = None,
) -> LocaleList:
    """Locales with content or a UI catalog: names, direction, coverage, and the best match
    for the request's Accept-Language (`preferred`)."""
    return list_locales(session, settings.source_locale, accept_language)


@router.get(
    "/i18n/{locale}",
    response_model=UiCatalogOut,
    responses={**NOT_MODIFIED, **problem_responses(404)},
)
def get_ui_catalog(
    locale: LocalePath,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The UI message catalog as JSON; plural variants keyed by CLDR category."""
    catalog = resolve_ui_catalog(locale, settings.source_locale)
    if catalog is None:
        raise NotFound(
            _("There is no UI catalog for locale '{locale}'."),
            {"locale": locale},
            available_locales=available_locales(session, settings.source_locale),
        )
    return _cached_json(
        request, if_none_match, catalog.body, None, catalog.etag, settings.bundle_max_age
    )


@router.get(
    "/content/{locale}",
    response_model=Bundle,
    responses={**NOT_MODIFIED, **problem_responses(404)},
)
def get_bundle(
    locale: LocalePath,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    cache: BundleCacheDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The whole language bundle (items, checklists, glossary) with `version` and `ETag`."""
    entry = cache.get(session, locale, settings.source_locale)
    return _cached_json(
        request, if_none_match, entry.body, entry.gzip_body, entry.etag, settings.bundle_max_age
    )


@router.get(
    "/content/{locale}/items/{slug}",
    response_model=ItemOut,
    responses={**NOT_MODIFIED, **problem_responses(404)},
)
def get_item(
    locale: LocalePath,
    slug: SlugPath,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    cache: BundleCacheDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """One item of the bundle."""
    entry = cache.get(session, locale, settings.source_locale)
    item = find_item(entry.bundle, slug)
    body = item.model_dump_json().encode()
    etag = f'"{entry.etag.strip(chr(34))}-{slug}"'
    return _cached_json(request, if_none_match, body, None, etag, settings.bundle_max_age)
