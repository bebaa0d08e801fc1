"""Content routes: the locale list, language bundles and single items (public)."""

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Header, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope

from app.content.bundles import BundleCache, find_item, served_locale
from app.content.feed import read_changes
from app.content.locales import available_locales
from app.content.schemas import Bundle, ContentDelta, ItemOut, LocaleList
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import problem_responses
from app.core.fastpath import Prepared, Resolver
from app.core.http import cached_response
from app.core.schemas import SLUG_PATTERN
from app.i18n.locales import LOCALE_PATTERN

router = APIRouter(tags=["content"])

LocalePath = Annotated[str, Path(pattern=LOCALE_PATTERN, max_length=35)]
SlugPath = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=80)]
IfNoneMatch = Annotated[str | None, Header()]
NOT_MODIFIED = {304: {"description": "Not modified: the ETag in If-None-Match still holds"}}


async def _bundle_cache(request: Request) -> BundleCache:
    # async: FastAPI runs sync dependencies on a worker thread, and this path is hot.
    return request.app.state.bundle_cache


BundleCacheDep = Annotated[BundleCache, Depends(_bundle_cache)]


@router.get("/locales", response_model=LocaleList)
async def get_locales(
    cache: BundleCacheDep,
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    """Locales with content or a UI catalog: names, direction, coverage, and the best match
    for the request's Accept-Language (`preferred`). Kept per content version, like the
    bundles: no query and no thread while the version is known."""
    table = cache.fresh_locales() or await run_in_threadpool(cache.get_locales)
    return Response(
        content=table.body(accept_language),
        media_type="application/json",
        headers={"Vary": "Accept-Language"},
    )


@router.get(
    "/content/{locale}",
    response_model=Bundle,
    responses={**NOT_MODIFIED, **problem_responses(404)},
)
async def get_bundle(
    locale: LocalePath,
    request: Request,
    cache: BundleCacheDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The whole language bundle (items, checklists, glossary) with `version` and `ETag`.
    Served from memory; the database is read only when the content version may have moved
    (not on the event loop)."""
    entry = cache.fresh(locale) or await run_in_threadpool(cache.get, locale)
    return cached_response(
        request,
        body=entry.body,
        gzip_body=entry.gzip_body,
        br_body=entry.br_body,
        etag=entry.etag,
        cache_control=cache.cache_control,
        media_type="application/json",
    )


@router.get(
    "/content/{locale}/items/{slug}",
    response_model=ItemOut,
    responses={**NOT_MODIFIED, **problem_responses(404)},
)
async def get_item(
    locale: LocalePath,
    slug: SlugPath,
    request: Request,
    cache: BundleCacheDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """One item of the bundle."""
    entry = cache.fresh(locale) or await run_in_threadpool(cache.get, locale)
    item = find_item(entry, slug)
    body = item.model_dump_json().encode()
    etag = f'"{entry.etag.strip(chr(34))}-{slug}"'
    return cached_response(
        request,
        body=body,
        etag=etag,
        cache_control=cache.cache_control,
        media_type="application/json",
    )


@router.get(
    "/sync/content",
    response_model=ContentDelta,
    responses=problem_responses(400, 404, 410),
)
def get_content_changes(
    session: SessionDep,
    settings: SettingsDep,
    locale: Annotated[str, Query(pattern=LOCALE_PATTERN, max_length=35)],
    since: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    patches: Annotated[bool, Query()] = False,
) -> ContentDelta:
    """What changed in a language's published content after `since` (the bundle's
    `cursor`, or the `cursor` of the previous page): puts and deletes with the data resolved
    for that locale (fallbacks and stale flags as in the bundle), in pages; follow
    `has_more`. With `patches=1`, an entity changed once since the cursor may come as a
    `patch` of the version the cursor had instead of a put. An unknown or too-old cursor
    answers 410: download the bundle again."""
    served = served_locale(
        locale, available_locales(session, settings.source_locale), settings.source_locale
    )
    page = read_changes(session, served, since, limit, settings.source_locale, patches)
    return ContentDelta.model_validate(page, from_attributes=True)


CONTENT_PREFIX = "/api/v1/content/"


def bundle_fast_path(app: FastAPI) -> Resolver:
    """GET /api/v1/content/{locale} answered before routing while the cached bundle is known
    to be current (app/core/fastpath.py); otherwise the route above answers."""

    def resolve(path: str, scope: Scope) -> Prepared | None:
        if not path.startswith(CONTENT_PREFIX):
            return None
        cache: BundleCache = app.state.bundle_cache
        locale = path[len(CONTENT_PREFIX) :]
        entry = cache.fresh(locale) if "/" not in locale else None
        if entry is None:
            return None
        return Prepared(
            body=entry.body,
            etag=entry.etag,
            cache_control=cache.cache_control,
            media_type="application/json",
            gzip_body=entry.gzip_body,
            br_body=entry.br_body,
        )

    return resolve
