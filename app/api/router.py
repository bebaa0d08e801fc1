from fastapi import APIRouter

from app.api.routes import auth, cases, content, sync
from app.core.errors import problem_responses

api_router = APIRouter(prefix="/api/v1", responses=problem_responses(400, 422))
api_router.include_router(content.router)
api_router.include_router(auth.router)
api_router.include_router(cases.rules_router)  # before /cases/{case_id}
api_router.include_router(cases.router)
api_router.include_router(sync.router)
