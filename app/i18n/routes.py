"""The UI message catalogs as JSON for the PWA."""

from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response

from app.core.deps import SettingsDep
from app.core.errors import NotFound, problem_responses
from app.core.http import cached_response
from app.i18n import _
from app.i18n.catalogs import catalog_locales, resolve_ui_catalog
from app.i18n.locales import LOCALE_PATTERN
from app.i18n.schemas import UiCatalogOut

router = APIRouter(tags=["i18n"])

LocalePath = Annotated[str, Path(pattern=LOCALE_PATTERN, max_length=35)]
IfNoneMatch = Annotated[str | None, Header()]
NOT_MODIFIED = {304: {"description": "Not modified: the ETag in If-None-Match still holds"}}


@router.get(
    "/i18n/{locale}",
    response_model=UiCatalogOut,
    responses={**NOT_MODIFIED, **problem_responses(404)},
)
def get_ui_catalog(
    locale: LocalePath,
    request: Request,
    settings: SettingsDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The UI message catalog as JSON; plural variants keyed by CLDR category."""
    catalog = resolve_ui_catalog(locale, settings.source_locale)
    if catalog is None:
        raise NotFound(
            _("There is no UI catalog for locale '{locale}'."),
            {"locale": locale},
            available_locales=[settings.source_locale, *catalog_locales()],
        )
    return cached_response(
        request,
        body=catalog.body,
        etag=catalog.etag,
        cache_control=f"public, max-age={settings.bundle_max_age}",
        media_type="application/json",
    )
