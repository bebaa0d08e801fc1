"""Every table module is imported here so Alembic's autogenerate sees all of them."""

from app.models.base import Audience, ItemKind, Role, TranslationStatus
from app.models.content import (
    ChecklistItem,
    ChecklistItemTranslation,
    ChecklistTemplate,
    ChecklistTemplateTranslation,
    ContentItem,
    ContentItemTranslation,
    ContentState,
    GlossaryTerm,
    GlossaryTermTranslation,
)
from app.models.users import User

__all__ = [
    "Audience",
    "ChecklistItem",
    "ChecklistItemTranslation",
    "ChecklistTemplate",
    "ChecklistTemplateTranslation",
    "ContentItem",
    "ContentItemTranslation",
    "ContentState",
    "GlossaryTerm",
    "GlossaryTermTranslation",
    "ItemKind",
    "Role",
    "TranslationStatus",
    "User",
]
