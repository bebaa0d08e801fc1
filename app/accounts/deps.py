"""Who is calling: the session (cookie + CSRF header, or bearer token) and role checks."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from app.accounts.models import Role, User
from app.accounts.service import authenticate, disabled_session
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import Forbidden, Unauthorized
from app.i18n import _

CSRF_HEADER = "X-Homeward-CSRF"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


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
        if token and disabled_session(session, token):
            # The account was disabled (a lost phone, a worker who left): the device erases
            # its case data and outbox when it sees this (docs/SECURITY.md).
            raise Unauthorized(_("Please sign in."), wipe=True)
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
