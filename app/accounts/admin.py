"""Managing staff and worker accounts (admins only): create, change role and locales,
deactivate (every session revoked at once), reset a password. Each act is written to the
audit log in the same transaction, without the password."""

from sqlmodel import Session, col, delete, select

from app.accounts import audit
from app.accounts.models import Role, User, UserLocale
from app.accounts.passwords import password_problem
from app.accounts.service import create_user, revoke_all_sessions
from app.core.errors import AppError, Conflict, NotFound
from app.core.security import hash_password
from app.i18n import _
from app.i18n.locales import LOCALE_PATTERN


def _check_locales(role: Role, locales: list[str]) -> list[str]:
    import re

    bad = [loc for loc in locales if not re.fullmatch(LOCALE_PATTERN, loc) or len(loc) > 16]
    if bad:
        raise AppError(_("'{locale}' is not a locale."), {"locale": bad[0]}, field="locales")
    if locales and role is not Role.translator:
        raise AppError(_("Only translators are limited to locales."), field="locales")
    return sorted(set(locales))


def locales_of(session: Session, user_id: int | None) -> list[str]:
    return sorted(
        session.exec(select(UserLocale.locale).where(UserLocale.user_id == user_id)).all()
    )


def _set_locales(session: Session, user: User, locales: list[str]) -> None:
    session.exec(delete(UserLocale).where(col(UserLocale.user_id) == user.id))  # type: ignore[call-overload]
    for locale in locales:
        session.add(UserLocale(user_id=user.id or 0, locale=locale))


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.email))).all())


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("There is no user {id}."), {"id": user_id})
    return user


def add_user(
    session: Session, actor: User, *, email: str, role: Role, password: str, locales: list[str]
) -> User:
    locales = _check_locales(role, locales)
    user = create_user(session, email=email, role=role, password=password, commit=False)
    _set_locales(session, user, locales)
    audit.record(
        session, actor, "user_create", "user", str(user.id), role=role.value, locales=locales
    )
    session.commit()
    session.refresh(user)
    return user


def _last_admin(session: Session, user: User) -> bool:
    admins = session.exec(select(User.id).where(User.role == Role.admin, User.is_active)).all()
    return list(admins) == [user.id]


def update_user(
    session: Session,
    actor: User,
    user_id: int,
    *,
    role: Role | None = None,
    locales: list[str] | None = None,
    active: bool | None = None,
) -> tuple[User, int]:
    """Changes role, locales or active state. Deactivating revokes every session of the
    account at once. Returns the user and the sessions revoked."""
    user = get_user(session, user_id)
    demoted = role is not None and role is not Role.admin
    if user.role is Role.admin and (demoted or active is False) and _last_admin(session, user):
        raise Conflict(_("The last active admin cannot be demoted or deactivated."))
    new_role = role or user.role
    if role is not None and role is not user.role:
        audit.record(
            session, actor, "role_change", "user", str(user.id), old=user.role.value, new=role.value
        )
        user.role = role
    if locales is not None or (role is not None and role is not Role.translator):
        wanted = _check_locales(new_role, locales or [])
        if wanted != locales_of(session, user.id):
            audit.record(session, actor, "locales_change", "user", str(user.id), locales=wanted)
            _set_locales(session, user, wanted)
    revoked = 0
    if active is not None and active != user.is_active:
        user.is_active = active
        audit.record(
            session, actor, "user_activate" if active else "user_deactivate", "user", str(user.id)
        )
    session.add(user)
    if active is False:
        revoked = revoke_all_sessions(session, user.id or 0)  # commits the whole change
    else:
        session.commit()
    session.refresh(user)
    return user, revoked


def reset_password(session: Session, actor: User, user_id: int, password: str) -> int:
    """Sets a new password and ends every session of the account. Returns sessions ended."""
    user = get_user(session, user_id)
    problem = password_problem(password)
    if problem is not None:
        raise AppError(problem[0], problem[1], field="password")
    user.password_hash = hash_password(password)
    session.add(user)
    audit.record(session, actor, "password_reset", "user", str(user.id))
    return revoke_all_sessions(session, user.id or 0)
