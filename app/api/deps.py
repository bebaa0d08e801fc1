"""The one place route dependencies are defined (``Annotated`` aliases)."""

from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.core.config import Settings, get_settings
from app.core.db import session_scope
from app.services.bundles import BundleCache


def _bundle_cache(request: Request) -> BundleCache:
    return request.app.state.bundle_cache


SessionDep = Annotated[Session, Depends(session_scope)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
BundleCacheDep = Annotated[BundleCache, Depends(_bundle_cache)]
