"""Shared API schema pieces: the strict request base and the one pattern of each kind."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from app.core.models import as_utc

# No control characters (PostgreSQL cannot store NUL; none belong in an email or a note).
PLAIN_TEXT = r"^[^\x00-\x1f\x7f]*$"
MULTILINE_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

Uuid = Annotated[str, Field(pattern=UUID_PATTERN)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=80)]


class Strict(BaseModel):
    """Request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def _json_integer(value: object) -> object:
    # JSON Schema's "integer" admits 3.0 but not "3" or true; pydantic's lax int admits both.
    if isinstance(value, str | bool):
        raise ValueError("Input should be a valid integer")
    return value


# An integer in a JSON body, exactly as the OpenAPI schema says.
JsonInt = Annotated[int, BeforeValidator(_json_integer)]


# A stored time in a response: SQLite hands back naive datetimes (UTC by our convention), which
# would serialise without an offset and be read by a browser as its own local time.
UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]
