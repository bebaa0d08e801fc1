"""Last-writer-wins registers: the typed form of the case's ``clocks`` and of item states.

A register records who last wrote a value: a Lamport clock, the device, and the user. The
newer write is the one with the higher (clock, device) pair; ties between devices are broken
by the device id, so every server and device agrees. Stored as ``[clock, device, user]``.
"""

from dataclasses import dataclass, replace
from typing import Any

# What both databases (PostgreSQL INTEGER) and JavaScript (exact up to 2**53) hold exactly.
MAX_COUNTER = 2**31 - 1
# A device's clock is global to the device, so it may run ahead of one case's clocks by the
# number of edits made elsewhere; more than this ahead is clamped. Clamping keeps the write
# newer than everything the case has seen, and a hostile value cannot push the clocks of a
# colleague's device towards MAX_COUNTER in a few steps.
MAX_CLOCK_STEP = 10_000


@dataclass(frozen=True)
class Register:
    clock: int
    device: str
    user: int | None = None

    def beats(self, other: "Register | None") -> bool:
        return other is None or (self.clock, self.device) > (other.clock, other.device)

    def to_json(self) -> list[Any]:
        return [self.clock, self.device, self.user]

    @classmethod
    def from_json(cls, raw: Any) -> "Register | None":
        if not isinstance(raw, list | tuple) or len(raw) < 2:
            return None
        user = raw[2] if len(raw) > 2 else None
        return cls(int(raw[0]), str(raw[1]), int(user) if user is not None else None)


@dataclass(frozen=True)
class CaseClocks:
    """The case's registers (``stage``, ``country``), its delete mark, the latest change of
    any kind (``last``) and the highest clock seen (``max``)."""

    stage: Register | None = None
    country: Register | None = None
    deleted: Register | None = None
    last: Register | None = None
    max: int = 0

    FIELDS = ("stage", "country")

    def field(self, name: str) -> Register | None:
        return getattr(self, name)

    def with_field(self, name: str, register: Register) -> "CaseClocks":
        return replace(self, **{name: register})

    def observe(self, write: Register) -> "CaseClocks":
        return replace(self, max=max(self.max, write.clock), last=write)

    def effective_clock(self, clock: int) -> int:
        """The clock a write is stored with (see MAX_CLOCK_STEP)."""
        return max(0, min(clock, self.max + MAX_CLOCK_STEP, MAX_COUNTER))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"max": self.max}
        for name in ("stage", "country", "deleted", "last"):
            register = getattr(self, name)
            if register is not None:
                out[name] = register.to_json()
        return out

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None) -> "CaseClocks":
        raw = raw or {}
        return cls(
            stage=Register.from_json(raw.get("stage")),
            country=Register.from_json(raw.get("country")),
            deleted=Register.from_json(raw.get("deleted")),
            last=Register.from_json(raw.get("last")),
            max=int(raw.get("max", 0)),
        )
