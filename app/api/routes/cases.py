import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from app.api.deps import SessionDep, WorkerUser, no_store
from app.api.routes.content import NOT_MODIFIED, IfNoneMatch, _cached_json
from app.core.errors import problem_responses
from app.models.cases_api import AssignWorker, CaseCreate, CaseOut
from app.services import case_sync, cases

router = APIRouter(prefix="/cases", tags=["cases"], dependencies=[Depends(no_store)])
# Public and cacheable (nothing personal in it): kept apart from the no-store case routes.
rules_router = APIRouter(prefix="/cases", tags=["cases"])
CaseId = Annotated[str, Path(pattern=r"^[0-9a-fA-F-]{36}$")]


@rules_router.get("/rules", responses=NOT_MODIFIED)
def get_case_rules(request: Request, if_none_match: IfNoneMatch = None) -> Response:
    """What the PWA checks before sending a case or a note (reference code checks, accepted
    country codes, stages, note length), from the validators the server uses. With an ETag."""
    body, etag = cases.case_rules_json()
    response = _cached_json(request, if_none_match, body, None, etag, 0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@router.get("", response_model=list[CaseOut], responses=problem_responses(401, 403))
def list_cases(user: WorkerUser, session: SessionDep) -> list[CaseOut]:
    """The caller's cases (only those they are assigned to)."""
    return cases.list_cases(session, user)


@router.post(
    "", status_code=201, response_model=CaseOut, responses=problem_responses(400, 401, 403)
)
def create_case(body: CaseCreate, user: WorkerUser, session: SessionDep) -> CaseOut:
    """Creates a case online (offline creation goes through sync). The reference is
    generated when none is given; typed ones that look like a name, a phone number or a
    date of birth are refused."""
    case = cases.new_case(
        session,
        user,
        case_id=body.id or str(uuid.uuid4()),
        reference=body.reference,
        country=body.country,
        stage=body.stage,
    )
    for spec in body.checklists:
        cases.new_checklist(session, case, checklist_id=spec.id, template_slug=spec.template_slug)
    case_sync.record_case_change(session, case.id)
    session.commit()
    return cases.snapshot(session, case)


@router.get("/{case_id}", response_model=CaseOut, responses=problem_responses(401, 403, 404))
def get_case(case_id: CaseId, user: WorkerUser, session: SessionDep) -> CaseOut:
    return cases.snapshot(session, cases.assigned_case(session, user, case_id))


@router.post(
    "/{case_id}/workers",
    response_model=CaseOut,
    responses=problem_responses(401, 403, 404),
)
def assign_worker(
    case_id: CaseId, body: AssignWorker, user: WorkerUser, session: SessionDep
) -> CaseOut:
    """Adds a colleague (a worker account) to a case the caller is assigned to."""
    case = cases.assigned_case(session, user, case_id)
    cases.assign_worker(session, case, body.email)
    case_sync.record_case_change(session, case.id)
    session.commit()
    return cases.snapshot(session, case)
