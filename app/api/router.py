from fastapi import APIRouter

from app.api.routes import content
from app.core.errors import problem_responses

api_router = APIRouter(prefix="/api/v1", responses=problem_responses(422))
api_router.include_router(content.router)
