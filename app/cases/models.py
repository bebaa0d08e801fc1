"""Return cases. Privacy by design: a case is a pseudonymous reference code, a country and
a stage. There is no field for a name, phone number, address or date of birth."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.cases.sync.registers import CaseClocks, Register
from app.core.models import Timestamped, enum_type, utcnow


class CaseStage(StrEnum):
    preparing = "preparing"  # before return
    travel = "travel"
    arrival = "arrival"
    reintegration = "reintegration"
    closed = "closed"


def _fk(target: str, *, nullable: bool = False, index: bool = True) -> Any:
    kind = Integer if target.startswith("user_account") else String(36)
    return Field(
        sa_column=Column(
            kind, ForeignKey(target, ondelete="CASCADE"), nullable=nullable, index=index
        )
    )


class ReturnCase(Timestamped, table=True):
    __tablename__ = "return_case"

    id: str = Field(primary_key=True, max_length=36)  # UUID, may be made on the device
    reference: str = Field(max_length=32)
    country: str = Field(max_length=2)  # ISO 3166-1 alpha-2, the country of return
    stage: CaseStage = Field(default=CaseStage.preparing, sa_type=enum_type(CaseStage))
    created_by: int = _fk("user_account.id")
    closed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    deleted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # Last-writer-wins registers (app/cases/sync/registers.py), stored as JSON.
    clocks: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    version: int = 1

    def get_clocks(self) -> CaseClocks:
        return CaseClocks.from_json(self.clocks)

    def set_clocks(self, clocks: CaseClocks) -> None:
        self.clocks = clocks.to_json()


class CaseAssignment(SQLModel, table=True):
    __tablename__ = "case_assignment"

    case_id: str = Field(
        sa_column=Column(
            String(36), ForeignKey("return_case.id", ondelete="CASCADE"), primary_key=True
        )
    )
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
        )
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class CaseRemoval(SQLModel, table=True):
    """A worker taken off a case. Their devices get the case in ``purge`` on every pull until
    they are assigned again (or the record ages out with the sync bookkeeping)."""

    __tablename__ = "case_removal"

    case_id: str = Field(
        sa_column=Column(
            String(36), ForeignKey("return_case.id", ondelete="CASCADE"), primary_key=True
        )
    )
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
        )
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class CaseChecklist(SQLModel, table=True):
    __tablename__ = "case_checklist"

    id: str = Field(primary_key=True, max_length=36)
    case_id: str = _fk("return_case.id")
    template_slug: str = Field(max_length=80)
    # What the worker was guided by: the content version and a hash of the template's and
    # related tool's source text, to say "guidance updated — review" when it changes.
    content_version: int
    guidance_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    deleted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class CaseItemState(SQLModel, table=True):
    """Done/not done for one checklist item: a last-writer-wins register by (clock, device)."""

    __tablename__ = "case_item_state"
    __table_args__ = (UniqueConstraint("checklist_id", "item_key"),)

    id: int | None = Field(default=None, primary_key=True)
    checklist_id: str = _fk("case_checklist.id")
    item_key: str = Field(max_length=80)
    done: bool = False
    done_on: date | None = Field(default=None, sa_type=Date)
    changed_by: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="SET NULL")),
    )
    clock: int = 0
    device_id: str = Field(default="", max_length=64)
    version: int = 1

    def register(self) -> Register:
        return Register(self.clock, self.device_id, self.changed_by)

    def set_register(self, register: Register) -> None:
        self.clock, self.device_id, self.changed_by = (
            register.clock,
            register.device,
            register.user,
        )


class CaseNote(SQLModel, table=True):
    """A short note. Never silently dropped: a concurrent edit becomes a sibling note
    (``conflict_of``), and every earlier text is kept in ``history``."""

    __tablename__ = "case_note"

    id: str = Field(primary_key=True, max_length=36)  # UUID made on the device
    case_id: str = _fk("return_case.id")
    checklist_id: str | None = Field(default=None, max_length=36)
    item_key: str | None = Field(default=None, max_length=80)
    body: str = Field(max_length=1000)
    author_id: int = _fk("user_account.id")
    # Who wrote the current text (``updated_at``), when it is not the first text: None until
    # the first edit.
    edited_by: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="SET NULL")),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    deleted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    conflict_of: str | None = Field(default=None, max_length=36)
    history: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    version: int = 1
