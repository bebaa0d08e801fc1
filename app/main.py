"""The application factory: middleware, error handlers, routers."""

import logging

from fastapi import FastAPI

from app.api.router import api_router
from app.api.routes import frontend, health
from app.core.config import Settings, get_settings
from app.core.errors import install_error_handlers
from app.core.http import install_http_middleware
from app.services.bundles import BundleCache


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logging.basicConfig(level=settings.log_level.upper())
    app = FastAPI(
        title="Homeward",
        version="0.1.0",
        summary="Offline-first guidance on the immigration status, safe return and "
        "reintegration of survivors of trafficking (UNODC Toolkit, chapter 7).",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.bundle_cache = BundleCache()
    install_error_handlers(app)
    install_http_middleware(app, production=settings.environment == "production")
    app.include_router(health.router)
    app.include_router(api_router)
    # The PWA's routes go last: its navigation fallback must not shadow the API.
    app.include_router(frontend.router)
    return app
