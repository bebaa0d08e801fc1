from fastapi import APIRouter, Depends, Request, Response

from app.accounts import service as auth
from app.accounts.deps import CurrentUser, SessionToken
from app.accounts.schemas import LoginRequest, LoginResponse, UserOut
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import problem_responses
from app.core.http import no_store

router = APIRouter(prefix="/auth", tags=["auth"], dependencies=[Depends(no_store)])


def _user_out(user: object) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


@router.post("/login", response_model=LoginResponse, responses=problem_responses(401, 429))
def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> LoginResponse:
    """Signs in: an HttpOnly session cookie for the browser, and the same token for API
    clients (`Authorization: Bearer`)."""
    address = request.client.host if request.client else "unknown"
    user, token = auth.login(
        session, email=body.email, password=body.password, address=address, settings=settings
    )
    response.set_cookie(
        settings.session_cookie_name,
        token,
        max_age=settings.session_limits(user.role)[1] * 86400,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="strict",
        path="/",
    )
    return LoginResponse(token=token, user=_user_out(user))


@router.post("/logout", status_code=204, responses=problem_responses(401, 403))
def logout(
    user: CurrentUser,
    token: SessionToken,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Ends this session on the server and clears the cookie."""
    if token:
        auth.logout(session, token)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    # Same attributes as when it was set: a __Host- cookie is only replaced by a Secure one.
    response.delete_cookie(
        settings.session_cookie_name,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/me", response_model=UserOut, responses=problem_responses(401))
def me(user: CurrentUser) -> UserOut:
    return _user_out(user)
