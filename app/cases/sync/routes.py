from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.accounts.deps import WorkerUser
from app.cases.sync.pull import pull
from app.cases.sync.push import push
from app.cases.sync.schemas import PullResponse, PushRequest, PushResponse
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import problem_responses
from app.core.http import no_store

router = APIRouter(prefix="/sync", tags=["sync"], dependencies=[Depends(no_store)])


@router.post("/cases", response_model=PushResponse, responses=problem_responses(400, 401, 403))
def push_cases(body: PushRequest, user: WorkerUser, session: SessionDep) -> PushResponse:
    """Applies a device's offline mutations, each at most once; answers per mutation."""
    return push(session, user, body.device_id, body.mutations)


@router.get("/cases", response_model=PullResponse, responses=problem_responses(400, 401, 403, 410))
def pull_cases(
    user: WorkerUser,
    session: SessionDep,
    settings: SettingsDep,
    since: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> PullResponse:
    """Snapshots of the caller's cases changed since the cursor, in pages (`has_more`),
    with the merge notices meant for the caller."""
    return pull(session, user, since, limit, settings)
