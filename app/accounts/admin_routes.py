"""Admin API for accounts and the audit log (admins only). Thin: the rules are in
admin.py and audit.py."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from app.accounts import admin, audit
from app.accounts.deps import require_role
from app.accounts.models import Role, User
from app.accounts.schemas import Email
from app.core.deps import SessionDep
from app.core.errors import problem_responses
from app.core.http import no_store
from app.core.schemas import Strict, UtcDatetime

AdminUser = Annotated[User, Depends(require_role(Role.admin))]
Locales = Annotated[list[Annotated[str, Field(max_length=16)]], Field(max_length=50)]
Password = Annotated[str, Field(min_length=1, max_length=128)]

router = APIRouter(
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(no_store)],
    responses=problem_responses(401, 403),
)


class AdminUserOut(BaseModel):
    id: int
    email: str
    role: Role
    is_active: bool
    locales: list[str]
    created_at: UtcDatetime


class UserCreate(Strict):
    email: Email
    role: Role
    password: Password
    locales: Locales = Field(default_factory=list)


class UserUpdate(Strict):
    role: Role | None = None
    locales: Locales | None = None
    active: bool | None = None


class PasswordReset(Strict):
    password: Password


class AuditEventOut(BaseModel):
    id: int
    at: UtcDatetime
    actor_id: int | None
    action: str
    target_kind: str
    target: str
    details: dict[str, Any]


def _out(session: Any, user: User) -> AdminUserOut:
    return AdminUserOut(
        id=user.id or 0,
        email=user.email,
        role=user.role,
        is_active=user.is_active,
        locales=admin.locales_of(session, user.id),
        created_at=user.created_at,
    )


@router.get("/users", response_model=list[AdminUserOut])
def list_users(_admin: AdminUser, session: SessionDep) -> list[AdminUserOut]:
    return [_out(session, u) for u in admin.list_users(session)]


@router.post(
    "/users", response_model=AdminUserOut, status_code=201, responses=problem_responses(409)
)
def create_user(body: UserCreate, actor: AdminUser, session: SessionDep) -> AdminUserOut:
    user = admin.add_user(
        session,
        actor,
        email=body.email,
        role=body.role,
        password=body.password,
        locales=body.locales,
    )
    return _out(session, user)


@router.patch(
    "/users/{user_id}", response_model=AdminUserOut, responses=problem_responses(404, 409)
)
def update_user(
    user_id: int, body: UserUpdate, actor: AdminUser, session: SessionDep
) -> AdminUserOut:
    """Role, translator locales, active. Deactivating revokes every session at once."""
    user, _revoked = admin.update_user(
        session, actor, user_id, role=body.role, locales=body.locales, active=body.active
    )
    return _out(session, user)


@router.post("/users/{user_id}/password", status_code=204, responses=problem_responses(404))
def reset_password(
    user_id: int, body: PasswordReset, actor: AdminUser, session: SessionDep
) -> Response:
    """Sets a new password (tell the person out of band) and ends every session."""
    admin.reset_password(session, actor, user_id, body.password)
    return Response(status_code=204)


@router.get("/audit", response_model=list[AuditEventOut])
def list_audit(
    _admin: AdminUser,
    session: SessionDep,
    actor_id: int | None = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
    target_kind: Annotated[str | None, Query(max_length=40)] = None,
    target: Annotated[str | None, Query(max_length=200)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AuditEventOut]:
    """The audit log, newest first, filterable; read-only (no route changes it)."""
    events = audit.list_events(
        session,
        actor_id=actor_id,
        action=action,
        target_kind=target_kind,
        target=target,
        since=since,
        until=until,
        before_id=before_id,
        limit=limit,
    )
    return [AuditEventOut.model_validate(e, from_attributes=True) for e in events]
