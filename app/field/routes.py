"""Feedback and contacts routes: public feedback and directory, admin screens' API."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from app.accounts.deps import require_role
from app.accounts.models import Role, User
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import AppError, problem_responses
from app.core.http import cached_response, no_store
from app.core.schemas import UUID_PATTERN
from app.field import service
from app.field.schemas import ContactIn, ContactOut, FeedbackAck, FeedbackIn, FeedbackOut
from app.i18n import _

router = APIRouter(tags=["field"])
admin = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(no_store)])

EditorUser = Annotated[User, Depends(require_role(Role.editor, Role.admin))]
AdminUser = Annotated[User, Depends(require_role(Role.admin))]
ContactId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Country = Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")]


class FeedbackTooLarge(AppError):
    status = 413
    title = _("Request too large")


def small_body(request: Request, settings: SettingsDep) -> None:
    """Feedback is a few lines: a body declared larger than HOMEWARD_FEEDBACK_MAX_BYTES is
    refused before it is read (the schema bounds every field as well)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.feedback_max_bytes:
        raise FeedbackTooLarge(_("This feedback is too long."))


@router.post(
    "/feedback",
    response_model=FeedbackAck,
    responses=problem_responses(413, 429),
    dependencies=[Depends(small_body), Depends(no_store)],
)
def post_feedback(
    body: FeedbackIn, request: Request, session: SessionDep, settings: SettingsDep
) -> FeedbackAck:
    """Anonymous feedback on an item ("useful", "not-useful", "wrong" and a short text).
    Idempotent by the device-made `id`; at most HOMEWARD_FEEDBACK_MAX_BYTES per request and
    HOMEWARD_FEEDBACK_DAILY_PER_ADDRESS per client address and day."""
    address = request.client.host if request.client else "unknown"
    return service.receive_feedback(session, body, address=address, settings=settings)


@router.get("/contacts", responses={304: {"description": "Not modified"}})
def get_contacts(request: Request, session: SessionDep, country: Country = None) -> Response:
    """The help-contacts directory (all countries, or one), with an ETag."""
    body, etag = service.contacts_json(session, country)
    return cached_response(
        request, body=body, etag=etag, cache_control="no-cache", media_type="application/json"
    )


@admin.get("/feedback", response_model=list[FeedbackOut], responses=problem_responses(401, 403))
def admin_feedback(
    user: EditorUser, session: SessionDep, resolved: bool | None = None
) -> list[FeedbackOut]:
    """Feedback for editors and admins, newest first (`resolved=false`: open only)."""
    return service.list_feedback(session, resolved=resolved)


@admin.post(
    "/feedback/{feedback_id}/resolve",
    response_model=FeedbackOut,
    responses=problem_responses(401, 403, 404),
)
def admin_resolve_feedback(
    feedback_id: Annotated[str, Path(pattern=UUID_PATTERN)], user: EditorUser, session: SessionDep
) -> FeedbackOut:
    return service.resolve_feedback(session, feedback_id, user)


@admin.get("/contacts", response_model=list[ContactOut], responses=problem_responses(401, 403))
def admin_contacts(
    user: AdminUser, session: SessionDep, country: Country = None
) -> list[ContactOut]:
    return service.list_contacts(session, country)


@admin.post(
    "/contacts", status_code=201, response_model=ContactOut, responses=problem_responses(401, 403)
)
def admin_create_contact(body: ContactIn, user: AdminUser, session: SessionDep) -> ContactOut:
    return service.create_contact(session, body, user)


@admin.put(
    "/contacts/{contact_id}", response_model=ContactOut, responses=problem_responses(401, 403, 404)
)
def admin_update_contact(
    contact_id: ContactId, body: ContactIn, user: AdminUser, session: SessionDep
) -> ContactOut:
    return service.update_contact(session, contact_id, body, user)


@admin.delete("/contacts/{contact_id}", status_code=204, responses=problem_responses(401, 403, 404))
def admin_delete_contact(contact_id: ContactId, user: AdminUser, session: SessionDep) -> Response:
    service.delete_contact(session, contact_id, user)
    return Response(status_code=204, headers={"Cache-Control": "no-store"})
