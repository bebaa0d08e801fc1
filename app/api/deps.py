"""The one place route dependencies are defined (``Annotated`` aliases)."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlmodel import Session

from app.core.config import Settings, get_settings
from app.core.db import session_scope
from app.core.errors import Forbidden, Unauthorized, _
from app.models import Role, User
from app.services.auth import authenticate
from app.services.bundles import BundleCache

CSRF_HEADER = "X-Homeward-CSRF"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _bundle_cache(request: Request) -> BundleCache:
    return request.app.state.bundle_cache


SessionDep = Annotated[Session, Depends(session_scope)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
BundleCacheDep = Annotated[BundleCache, Depends(_bundle_cache)]


def session_token(request: Request, settings: SettingsDep) -> str | None:
    """The bearer token (API clients) or the session cookie (the browser). A cookie-borne
    request that changes state must also carry the custom CSRF header, which a cross-site
    form or image cannot send."""
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    token = request.cookies.get(settings.session_cookie_name)
    unsafe = token is not None and request.method not in _SAFE_METHODS
    if unsafe and (
        request.headers.get(CSRF_HEADER) != "1"
        or request.headers.get("sec-fetch-site") == "cross-site"
    ):
        raise Forbidden(_("This request is missing its CSRF header."))
    return token


SessionToken = Annotated[str | None, Depends(session_token)]


def current_user(token: SessionToken, session: SessionDep, settings: SettingsDep) -> User:
    user = authenticate(session, token, settings) if token else None
    if user is None:
        raise Unauthorized(_("Please sign in."))
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_role(*roles: Role) -> Callable[[User], User]:
    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise Forbidden(_("Your role does not allow this."))
        return user

    return check


WorkerUser = Annotated[User, Depends(require_role(Role.worker))]


def no_store(response: Response) -> None:
    """Per-user answers must never be kept by a cache (a shared phone, a proxy)."""
    response.headers["Cache-Control"] = "no-store"
