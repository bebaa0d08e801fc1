import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from app.accounts.deps import WorkerUser
from app.cases import service as cases
from app.cases.schemas import AssignWorker, CaseCreate, CaseOut
from app.cases.sync import push as case_sync
from app.core.deps import SessionDep
from app.core.errors import problem_responses
from app.core.http import no_store

router = APIRouter(prefix="/cases", tags=["cases"], dependencies=[Depends(no_store)])
CaseId = Annotated[str, Path(pattern=r"^[0-9a-fA-F-]{36}$")]


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
    case = cases.assigned_case(session, user, case_id)
    cases.remove_worker(session, case, user_id)
    case_sync.record_case_change(session, case.id)
    session.commit()
    return Response(status_code=204, headers={"Cache-Control": "no-store"})
