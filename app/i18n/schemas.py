"""Schemas of the i18n API."""

from typing import Literal

from pydantic import BaseModel


class UiCatalogOut(BaseModel):
    locale: str
    dir: Literal["ltr", "rtl"]
    plural: Literal["cldr"]
    # msgid (with "context\u0004" prefix when it has one) → text, or CLDR category → text
    messages: dict[str, str | dict[str, str]]
