"""The application factory: middleware, error handlers, routers."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.accounts.admin_routes import router as accounts_admin_router
from app.accounts.routes import router as accounts_router
from app.cases.routes import router as cases_router
from app.cases.routes import rules_router as case_rules_router
from app.cases.service import record_guidance_change
from app.cases.sync.routes import router as case_sync_router
from app.content.admin_routes import router as content_admin_router
from app.content.bundles import BundleCache
from app.content.notify import ContentListener, is_postgresql
from app.content.routes import bundle_fast_path
from app.content.routes import router as content_router
from app.content.write import guidance_listeners
from app.core.config import Settings, get_settings
from app.core.db import get_engine
from app.core.errors import install_error_handlers, problem_responses
from app.core.health import router as health_router
from app.core.http import install_http_middleware
from app.field.routes import admin as field_admin_router
from app.field.routes import router as field_router
from app.i18n.routes import router as i18n_router
from app.pwa.routes import router as pwa_router
from app.pwa.routes import shell_fast_path, warm_up


def wire_parts() -> None:
    """Connects the parts that must not import each other: content changes reach the case
    feed (content never imports cases)."""
    if record_guidance_change not in guidance_listeners:
        guidance_listeners.append(record_guidance_change)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On PostgreSQL, each process listens for publishes made by any process (notify.py), so
    that it serves the new bundle at once."""
    engine = get_engine()
    listener = None
    if is_postgresql(engine):
        cache: BundleCache = app.state.bundle_cache
        listener = ContentListener(engine, cache.invalidate, cache.listening)
        await run_in_threadpool(listener.start)  # listening before the first request
    yield
    if listener is not None:
        listener.stop()


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
        lifespan=lifespan,
        # No OpenTelemetry: spans carry client addresses and paths (personal data, sent to
        # whoever collects them), and checking for a provider on every request costs as
        # much as answering a static file from memory (issue #13).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.bundle_cache = BundleCache(
        lambda: Session(get_engine()),
        source_locale=settings.source_locale,
        version_ttl=settings.content_version_ttl_seconds,
        max_age=settings.bundle_max_age,
    )
    # Run once, on a background thread, after /readyz first answers 200: what can wait until
    # the process is ready does (issue #13: start-up under 2 s).
    app.state.after_ready = [lambda: warm_up(app)]
    wire_parts()
    install_error_handlers(app)
    install_http_middleware(
        app,
        production=settings.environment == "production",
        max_body_bytes=settings.max_body_bytes,
        # The bundle and the shell from memory, before routing (issue #13: throughput).
        fast_paths=(bundle_fast_path(app), shell_fast_path(app)),
    )
    api = APIRouter(prefix="/api/v1", responses=problem_responses(400, 422))
    # The case rules go before /cases/{case_id}.
    parts = (content_router, i18n_router, accounts_router, case_rules_router, cases_router)
    admin = (content_admin_router, accounts_admin_router)
    for part in (*parts, case_sync_router, field_router, field_admin_router, *admin):
        api.include_router(part)
    app.include_router(health_router)
    app.include_router(api)
    # The PWA's routes go last: its navigation fallback must not shadow the API.
    app.include_router(pwa_router)
    return app
