"""Small building blocks every content writer shares: hashing and the content version."""

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from app.content.models import ContentState


def values_hash(values: Mapping[str, Any]) -> str:
    """A stable hash of field values (canonical JSON), used for source and seed hashes."""
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def current_version(session: Session) -> int:
    return session.exec(select(ContentState.version).where(ContentState.id == 1)).one()


def bump_content_version(session: Session) -> int:
    """Called in the same transaction as any change to published content."""
    state = session.get(ContentState, 1, with_for_update=True)
    if state is None:  # migrations create it; be forgiving on a hand-made database
        state = ContentState(id=1, version=0)
    state.version += 1
    session.add(state)
    return state.version
