"""The application factory: middleware, error handlers, routers."""

import logging

from fastapi import APIRouter, FastAPI

from app.accounts.routes import router as accounts_router
from app.cases.routes import router as cases_router
from app.cases.sync.routes import router as case_sync_router
from app.content.bundles import BundleCache
from app.content.routes import router as content_router
from app.core.config import Settings, get_settings
from app.core.errors import install_error_handlers, problem_responses
from app.core.health import router as health_router
from app.core.http import install_http_middleware
from app.i18n.routes import router as i18n_router
from app.pwa.routes import router as pwa_router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logging.basicConfig(level=settings.log_level.upper())
    app = FastAPI(
        title="Homeward",
        version="0.1.0",
        summary="Offline-first guidance on the immigration status, safe return and "
        "reintegration of survivors of trafficking (UNODC Toolkit, chapter 7).",
        openapi_url="/api/v1/openapi.json",
        # No Swagger UI: it loads from a CDN that the CSP (rightly) blocks. The schema is
        # served; read it with any OpenAPI viewer (docs/SECURITY.md).
        docs_url=None,
        redoc_url=None,
    )
    app.state.bundle_cache = BundleCache()
    install_error_handlers(app)
    install_http_middleware(
        app,
        production=settings.environment == "production",
        max_body_bytes=settings.max_body_bytes,
    )
    api = APIRouter(prefix="/api/v1", responses=problem_responses(400, 422))
    for part in (content_router, i18n_router, accounts_router, cases_router, case_sync_router):
        api.include_router(part)
    app.include_router(health_router)
    app.include_router(api)
    # The PWA's routes go last: its navigation fallback must not shadow the API.
    app.include_router(pwa_router)
    return app
