from fastapi import APIRouter

from app.core.errors import problem_responses

from app.api.routes import content

api_router = APIRouter(prefix="/api/v1", responses=problem_responses(422))
api_router.include_router(content.router)
