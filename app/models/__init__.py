"""Every table module is imported here so Alembic's autogenerate sees all of them."""

from app.models.auth import LoginFailure, UserSession
from app.models.base import Audience, ItemKind, Role, TranslationStatus
from app.models.cases import (
    CaseAssignment,
    CaseChecklist,
    CaseItemState,
    CaseNote,
    CaseStage,
    ReturnCase,
)
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
from app.models.sync import AppliedMutation, CaseChange, Device, MergeNotice, SyncCounter
from app.models.users import User

__all__ = [
    "AppliedMutation",
    "Audience",
    "CaseAssignment",
    "CaseChange",
    "CaseChecklist",
    "CaseItemState",
    "CaseNote",
    "CaseStage",
    "ChecklistItem",
    "ChecklistItemTranslation",
    "ChecklistTemplate",
    "ChecklistTemplateTranslation",
    "ContentItem",
    "ContentItemTranslation",
    "ContentState",
    "Device",
    "GlossaryTerm",
    "GlossaryTermTranslation",
    "ItemKind",
    "LoginFailure",
    "MergeNotice",
    "ReturnCase",
    "Role",
    "SyncCounter",
    "TranslationStatus",
    "User",
    "UserSession",
]
