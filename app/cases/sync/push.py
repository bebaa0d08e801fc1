"""Push: a device's offline mutations, each applied at most once.

A mutation's client-made id is its idempotency key. Each runs in its own SAVEPOINT, so a
refused one (by a merge rule, by validation, or by the database) is reported on its own and
never rolls back the rest; the device's last sequence number advances in the same
transaction. The rules are in rules.py and docs/SYNC.md.
"""

import hashlib
import json
import re
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.cases.models import ReturnCase
from app.cases.sync.feed import record_case_changes
from app.cases.sync.models import AppliedMutation, Device, MergeNotice
from app.cases.sync.rules import RULES, MergeContext, Refused
from app.cases.sync.schemas import Mutation, MutationEnvelope, MutationResult, PushResponse
from app.core.errors import Forbidden
from app.core.models import utcnow
from app.core.schemas import UUID_PATTERN
from app.i18n import _

_MUTATION: TypeAdapter[Any] = TypeAdapter(Mutation)


def _payload_hash(payload: dict[str, Any]) -> str:
    try:
        text = json.dumps(payload, sort_keys=True, default=str)
    except (RecursionError, ValueError):
        # Nested too deeply to serialise: still recognisable on replay by its id and seq.
        text = f"unserialisable:{payload.get('id')}:{payload.get('seq')}"
    return hashlib.sha256(text.encode()).hexdigest()


def _device(session: Session, user: User, device_id: str) -> Device:
    """The device's row, locked until commit: one device's pushes apply one after another
    (the same batch sent twice at once is applied once and answered twice)."""
    device = session.get(Device, device_id, with_for_update=True)
    if device is None:
        savepoint = session.begin_nested()
        try:
            session.add(Device(id=device_id, user_id=user.id or 0))
            session.flush()
            savepoint.commit()
        except SQLAlchemyError:
            savepoint.rollback()  # made at the same moment by a concurrent push
        device = session.get(Device, device_id, with_for_update=True, populate_existing=True)
        assert device is not None
    if device.user_id != user.id:
        # A device id belongs to one account; a shared phone gets a new id after sign-out.
        raise Forbidden(_("This device is registered to another account."))
    return device


def _lock_cases(session: Session, mutations: list[MutationEnvelope]) -> None:
    """Locks the batch's existing cases in one order, so concurrent pushes on the same
    case apply one after another (no lost update) and never deadlock, while pushes on
    unrelated cases run side by side."""
    case_ids = sorted(
        {
            raw
            for m in mutations
            if isinstance(raw := (m.model_extra or {}).get("case_id"), str) and len(raw) == 36
        }
    )
    if case_ids:
        session.exec(
            select(ReturnCase.id)
            .where(col(ReturnCase.id).in_(case_ids))
            .order_by(col(ReturnCase.id))
            .with_for_update()
        ).all()


def _replayed(seen: AppliedMutation, user: User, digest: str, mutation_id: str) -> MutationResult:
    if seen.user_id != user.id or seen.payload_hash != digest:
        return MutationResult(mutation_id=mutation_id, status="rejected", reason="id_reused")
    return MutationResult(
        mutation_id=mutation_id,
        # A replay is never applied twice; a refused one stays refused.
        status="rejected" if seen.status == "rejected" else "duplicate",
        reason=seen.result.get("reason"),
        case_id=seen.result.get("case_id"),
    )


def _apply_one(ctx: MergeContext, payload: dict[str, Any]) -> tuple[str, str | None]:
    """(status, reason) of one mutation, applied inside its own SAVEPOINT."""
    session = ctx.session
    notices_before = len(ctx.notices)
    touched_before = set(ctx.touched)
    savepoint = session.begin_nested()
    try:
        mutation = _MUTATION.validate_python(payload)
        status = RULES[type(mutation)](ctx, mutation)
        session.flush()
        savepoint.commit()
        return status, None
    except (
        Refused,
        ValidationError,
        SQLAlchemyError,
        ValueError,
        OverflowError,
        RecursionError,
    ) as exc:
        # Whatever goes wrong with one mutation (a merge rule, its values, or a value the
        # database cannot store) refuses that mutation alone.
        savepoint.rollback()
        del ctx.notices[notices_before:]
        ctx.touched.intersection_update(touched_before)
        return "rejected", exc.reason if isinstance(exc, Refused) else "invalid"


def push(
    session: Session, user: User, device_id: str, mutations: list[MutationEnvelope]
) -> PushResponse:
    device = _device(session, user, device_id)
    _lock_cases(session, mutations)
    ctx = MergeContext(session, user, device_id)
    results: list[MutationResult] = []
    # Replays are looked up in one statement, not one per mutation (shorter transactions).
    applied = {
        row.mutation_id: row
        for row in session.exec(
            select(AppliedMutation).where(
                col(AppliedMutation.mutation_id).in_({m.id for m in mutations})
            )
        )
    }
    for envelope in mutations:
        payload = envelope.model_dump(mode="json")
        digest = _payload_hash(payload)
        seen = applied.get(envelope.id)
        if seen is not None:
            results.append(_replayed(seen, user, digest, envelope.id))
            continue
        if envelope.seq <= device.last_seq:
            results.append(
                MutationResult(mutation_id=envelope.id, status="rejected", reason="stale_seq")
            )
            continue
        status, reason = _apply_one(ctx, payload)
        raw_case = payload.get("case_id")
        case_id = raw_case if isinstance(raw_case, str) and _is_uuid(raw_case) else None
        record = AppliedMutation(
            mutation_id=envelope.id,
            user_id=user.id or 0,
            device_id=device_id,
            seq=envelope.seq,
            payload_hash=digest,
            status=status,
            result={"reason": reason, "case_id": case_id},
        )
        session.add(record)
        applied[envelope.id] = record  # the same id again in this batch is a replay
        device.last_seq = envelope.seq
        results.append(
            MutationResult(mutation_id=envelope.id, status=status, reason=reason, case_id=case_id)  # type: ignore[arg-type]
        )
    device.last_seen_at = utcnow()
    session.add(device)
    if ctx.touched or ctx.notices:
        seq = record_case_changes(session, ctx.touched)
        for n in ctx.notices:
            session.add(
                MergeNotice(
                    seq=seq, user_id=n.user_id, case_id=n.case_id, kind=n.kind, details=n.details
                )
            )
    session.commit()
    return PushResponse(results=results)


def _is_uuid(value: str) -> bool:
    return re.fullmatch(UUID_PATTERN, value) is not None
