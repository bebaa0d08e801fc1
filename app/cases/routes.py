from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from app.accounts.deps import WorkerUser
from app.cases import service as cases
from app.cases.schemas import AssignWorker, CaseCreate, CaseOut
from app.core.deps import SessionDep
from app.core.errors import problem_responses
from app.core.http import cached_response, no_store
from app.core.schemas import UUID_PATTERN

router = APIRouter(prefix="/cases", tags=["cases"], dependencies=[Depends(no_store)])
# Public and cacheable (nothing personal in it): kept apart from the no-store case routes.
rules_router = APIRouter(prefix="/cases", tags=["cases"])
CaseId = Annotated[str, Path(pattern=UUID_PATTERN)]
NOT_MODIFIED = {304: {"description": "Not modified: the ETag in If-None-Match still holds"}}


@rules_router.get("/rules", responses=NOT_MODIFIED)
def get_case_rules(request: Request) -> Response:
    """What the PWA checks before sending a case or a note (reference code checks, accepted
    country codes, stages, note length), from the validators the server uses. With an ETag."""
    body, etag = cases.case_rules_json()
    return cached_response(
        request, body=body, etag=etag, cache_control="no-cache", media_type="application/json"
    )


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
    return cases.create_case(session, user, body)


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
    return cases.add_worker(session, user, case_id, body.email)


@router.delete(
    "/{case_id}/workers/{user_id}",
    status_code=204,
    responses=problem_responses(401, 403, 404, 409),
)
def remove_worker(
    case_id: CaseId,
    user_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    user: WorkerUser,
    session: SessionDep,
) -> Response:
    """Takes a worker (possibly the caller) off a case the caller is assigned to. The case
    keeps at least one worker (409 otherwise). The removed worker's devices erase the case
    on their next sync (`purge`)."""
    cases.take_off_case(session, user, case_id, user_id)
    return Response(status_code=204, headers={"Cache-Control": "no-store"})
