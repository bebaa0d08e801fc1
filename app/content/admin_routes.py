"""Admin API for content (staff only; translators only in their locales, checked in the
services): the content list and coverage, one entity's draft, save, revisions, diff,
revert, review, publish, a Markdown preview, and PO download/upload. Thin: the rules are in
write.py (every write), editorial.py (reads) and po.py."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field

from app.accounts.deps import require_role
from app.accounts.models import Role, User
from app.content import editorial, po, write
from app.content.locales import available_locales
from app.content.markdown import markdown_problems, render_markdown
from app.content.models import EntityKind, TranslationStatus
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import NotFound, problem_responses
from app.core.http import no_store
from app.core.schemas import SLUG_PATTERN, Strict
from app.i18n import _
from app.i18n.locales import LOCALE_PATTERN

Staff = Annotated[User, Depends(require_role(Role.admin, Role.editor, Role.translator))]
KeyPath = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=80)]
LocalePath = Annotated[str, Path(pattern=LOCALE_PATTERN, max_length=16)]
Rev = Annotated[int, Field(ge=0)]
MAX_PO_BYTES = 5_000_000

router = APIRouter(
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(no_store)],
    responses=problem_responses(401, 403),
)
ENTITY = "/content/{kind}/{key}/{locale}"


class SaveDraft(Strict):
    base_rev: Rev
    fields: dict[str, Any]
    note: Annotated[str, Field(max_length=500)] = ""
    minor: bool = False


class BaseRev(Strict):
    base_rev: Rev


class Revert(Strict):
    base_rev: Rev
    to_rev: Annotated[int, Field(ge=1)]


class TargetIn(Strict):
    kind: EntityKind
    key: Annotated[str, Field(pattern=SLUG_PATTERN, max_length=80)]
    locale: Annotated[str, Field(pattern=LOCALE_PATTERN, max_length=16)]


class PublishIn(Strict):
    targets: Annotated[list[TargetIn], Field(min_length=1, max_length=500)]


class PreviewIn(Strict):
    body_md: Annotated[str, Field(max_length=100_000)]


class PreviewOut(BaseModel):
    html: str  # exactly as readers get it (sanitised)
    problems: list[str]


class RevisionOut(BaseModel):
    rev: int
    author: str | None
    created_at: str
    status: str
    note: str
    minor: bool
    fields: dict[str, Any] | None = None


def _revision(session: Any, revision: Any, with_fields: bool = True) -> RevisionOut:
    summary = write.revision_summary(session, revision)
    return RevisionOut(**summary, fields=revision.fields if with_fields else None)


@router.get("/content")
def list_content(
    _user: Staff,
    session: SessionDep,
    settings: SettingsDep,
    locale: Annotated[str | None, Query(pattern=LOCALE_PATTERN, max_length=16)] = None,
    status: Annotated[str | None, Query(pattern="^(missing|draft|machine|reviewed|stale)$")] = None,
    kind: EntityKind | None = None,
) -> list[dict[str, Any]]:
    """Every item, checklist and glossary term with its status in one locale (missing,
    draft, machine, reviewed, stale), last editor and last change; filterable."""
    return editorial.list_content(
        session, locale or settings.source_locale, settings.source_locale, status, kind
    )


@router.get("/coverage")
def get_coverage(user: Staff, session: SessionDep, settings: SettingsDep) -> list[dict[str, Any]]:
    """Per locale: shares translated, reviewed and stale, and whether the caller may change
    that locale (the admin screens link to the work only where it is theirs)."""
    locales = available_locales(session, settings.source_locale)[1:]
    return [
        {**row, "may_write": write.may_write(session, user, row["locale"])}
        for row in editorial.coverage(session, locales, settings.source_locale)
    ]


@router.get(ENTITY, responses=problem_responses(404))
def get_entity(
    kind: EntityKind,
    key: KeyPath,
    locale: LocalePath,
    user: Staff,
    session: SessionDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """The draft to edit (with the `base_rev` to save against), the published text, the
    source text beside it and, when stale, what changed in the source since; `may_write`:
    whether the caller may change it (every staff member may read)."""
    detail = editorial.entity_detail(session, kind, key, locale, settings.source_locale)
    if detail is None:
        raise NotFound(_("There is no {kind} '{key}'."), {"kind": kind.value, "key": key})
    return {**detail, "may_write": write.may_write(session, user, locale)}


@router.put(ENTITY, response_model=RevisionOut, responses=problem_responses(404, 409))
def save_draft(
    kind: EntityKind,
    key: KeyPath,
    locale: LocalePath,
    body: SaveDraft,
    user: Staff,
    session: SessionDep,
    settings: SettingsDep,
) -> RevisionOut:
    """Saves a draft revision. 409 (with the newer revision and its author) when someone
    saved after `base_rev`; 422 with field-level errors for invalid fields."""
    revision = write.save_draft(
        session,
        user,
        kind,
        key,
        locale,
        base_rev=body.base_rev,
        fields=body.fields,
        note=body.note,
        minor=body.minor,
        source_locale=settings.source_locale,
    )
    return _revision(session, revision)


@router.get(ENTITY + "/revisions", response_model=list[RevisionOut])
def list_revisions(
    kind: EntityKind, key: KeyPath, locale: LocalePath, _user: Staff, session: SessionDep
) -> list[RevisionOut]:
    return [
        _revision(session, r, with_fields=False)
        for r in write.list_revisions(session, kind, key, locale)
    ]


@router.get(ENTITY + "/diff", responses=problem_responses(404))
def diff(
    kind: EntityKind,
    key: KeyPath,
    locale: LocalePath,
    _user: Staff,
    session: SessionDep,
    a: Annotated[int, Query(ge=1)] = 1,
    b: Annotated[int, Query(ge=1)] = 1,
) -> dict[str, Any]:
    """Paragraph-level differences between two revisions."""
    return write.diff_revisions(session, kind, key, locale, a, b)


@router.post(ENTITY + "/revert", response_model=RevisionOut, responses=problem_responses(404, 409))
def revert(
    kind: EntityKind,
    key: KeyPath,
    locale: LocalePath,
    body: Revert,
    user: Staff,
    session: SessionDep,
    settings: SettingsDep,
) -> RevisionOut:
    """A new draft revision with an old revision's text (publish it to take effect)."""
    revision = write.revert(
        session,
        user,
        kind,
        key,
        locale,
        base_rev=body.base_rev,
        to_rev=body.to_rev,
        source_locale=settings.source_locale,
    )
    return _revision(session, revision)


@router.post(ENTITY + "/review", response_model=RevisionOut, responses=problem_responses(404, 409))
def review(
    kind: EntityKind,
    key: KeyPath,
    locale: LocalePath,
    body: BaseRev,
    user: Staff,
    session: SessionDep,
    settings: SettingsDep,
) -> RevisionOut:
    """Marks the draft reviewed (who and when); published at once if it already was."""
    revision = write.mark_reviewed(
        session,
        user,
        kind,
        key,
        locale,
        base_rev=body.base_rev,
        source_locale=settings.source_locale,
    )
    return _revision(session, revision)


@router.post("/content/publish", responses=problem_responses(404, 409))
def publish(
    body: PublishIn, user: Staff, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Publishes drafts atomically (one or a batch) under the next content sequence number."""
    return write.publish(
        session,
        user,
        [(t.kind, t.key, t.locale) for t in body.targets],
        source_locale=settings.source_locale,
    )


@router.post("/content/preview", response_model=PreviewOut)
def preview(body: PreviewIn, _user: Staff) -> PreviewOut:
    """The sanitised HTML of a Markdown text exactly as readers would get it."""
    return PreviewOut(html=render_markdown(body.body_md), problems=markdown_problems(body.body_md))


@router.get(
    "/translations/{locale}",
    response_class=Response,
    responses={200: {"content": {"text/x-gettext-translation": {}}}, **problem_responses(404)},
)
def download_po(
    locale: LocalePath, user: Staff, session: SessionDep, settings: SettingsDep
) -> Response:
    """All content strings of a locale as a PO file (stale translations fuzzy)."""
    write.check_may_write(session, user, locale)
    data = po.export_po(session, user, locale, settings.source_locale)
    return Response(
        data,
        media_type="text/x-gettext-translation; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="homeward-content-{locale}.po"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/translations/{locale}", responses=problem_responses(404, 413))
async def upload_po(
    locale: LocalePath,
    request: Request,
    user: Staff,
    session: SessionDep,
    settings: SettingsDep,
    status: Annotated[TranslationStatus, Query()] = TranslationStatus.machine,
    publish: bool = False,
) -> dict[str, Any]:
    """Imports a PO file (the request body) as drafts with `status` machine or reviewed;
    validated as a whole, nothing partial is written."""
    from starlette.concurrency import run_in_threadpool

    data = await request.body()
    return await run_in_threadpool(
        po.import_po,
        session,
        user,
        locale,
        data,
        status=status,
        publish_now=publish,
        source_locale=settings.source_locale,
    )
