"""Content translations exchanged with professional translators as gettext PO files
(design notes 4.6), read and written with Babel's ``pofile``.

One message per translatable field: ``msgctxt`` is ``<kind>:<slug>:<field>`` (checklist
entries: ``checklist:<slug>:items.<key>.action``), ``msgid`` the published English text,
``msgstr`` the translation (the draft when there is one). A stale translation is flagged
``fuzzy`` with the English it was made from as ``#| msgid`` where the editor knows it.

An import is validated as a whole (unknown ids, lengths, broken Markdown, links of the
English missing from the translation) and written in one transaction, or not at all. The
header of an uploaded file (its Language, Plural-Forms) is never trusted: the locale is the
one the caller names. Fuzzy and empty messages are not imported.
"""

import io
from collections.abc import Iterator
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po
from sqlmodel import Session

from app.accounts import audit
from app.accounts.models import User
from app.content.editorial import all_entities
from app.content.markdown import markdown_links
from app.content.models import EntityKind, TranslationStatus
from app.content.write import (
    TEXT_KEYS,
    Unprocessable,
    _source_revision_with_hash,
    _validate,
    check_locale,
    check_may_write,
    get_pointer,
    get_revision,
    live_text,
    publish,
    save_draft,
)
from app.core.errors import AppError
from app.i18n import _


def _strings(kind: EntityKind, fields: dict[str, Any]) -> Iterator[tuple[str, str, str | None]]:
    """(field path, text, checklist entry key) of every translatable string of a text."""
    for name in TEXT_KEYS[kind]:
        if name == "items":
            for entry in fields.get("items", []):
                for part in ("action", "reason"):
                    yield f"items.{entry['key']}.{part}", entry[part], entry["key"]
        elif fields.get(name):
            yield name, fields[name], None


def _current(session: Session, kind: EntityKind, key: str, locale: str, source_locale: str) -> Any:
    """The translation as a translator continues it: the draft revision, else the live text."""
    pointer = get_pointer(session, kind, key, locale)
    if pointer and pointer.draft_rev:
        return get_revision(session, kind, key, locale, pointer.draft_rev)
    return live_text(session, kind, key, locale, source_locale)


def export_po(session: Session, user: User | None, locale: str, source_locale: str = "en") -> bytes:
    check_locale(session, locale, source_locale)
    try:
        babel_locale: Any = Locale.parse(locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        babel_locale = None
    catalog = Catalog(
        locale=babel_locale,
        project="Homeward content",
        fuzzy=False,
        charset="utf-8",
        header_comment=f"# Homeward guidance content, {locale}.\n# msgctxt = kind:slug:field",
    )
    for kind, key in all_entities(session, source_locale):
        source = live_text(session, kind, key, source_locale, source_locale)
        if source is None:
            continue  # not published in English: nothing to translate yet
        text = _current(session, kind, key, locale, source_locale)
        translated = (
            {path: value for path, value, _k in _strings(kind, text.fields)} if text else {}
        )
        old_source = (
            _source_revision_with_hash(session, kind, key, source_locale, text.source_hash)
            if text and text.source_hash != source.source_hash
            else None
        )
        previous = {p: v for p, v, _k in _strings(kind, old_source.fields)} if old_source else {}
        for path, msgid, entry in _strings(kind, source.fields):
            msgstr = translated.get(path, "")
            if entry is None:
                stale = bool(text) and text.source_hash != source.source_hash
            else:
                stale = bool(text) and text.item_hashes.get(entry) not in (
                    None,
                    source.item_hashes.get(entry),
                )
            stale = stale and bool(msgstr)
            catalog.add(
                msgid,
                msgstr,
                context=f"{kind.value}:{key}:{path}",
                flags={"fuzzy"} if stale else set(),
                auto_comments=[f"{kind.value} {key}, {path}"],
                previous_id=previous[path] if stale and previous.get(path, msgid) != msgid else (),
            )
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, include_previous=True, no_location=True)
    audit.record(session, user, "export", "translations", locale)
    session.commit()
    return buffer.getvalue()


def _put(fields: dict[str, Any], path: str, value: str) -> None:
    if path.startswith("items."):
        _items, key, part = path.split(".", 2)
        for entry in fields["items"]:
            if entry["key"] == key:
                entry[part] = value
                return
        fields["items"].append({"key": key, part: value})
    else:
        fields[path] = value


def import_po(
    session: Session,
    user: User,
    locale: str,
    data: bytes,
    *,
    status: TranslationStatus,
    publish_now: bool = False,
    source_locale: str = "en",
) -> dict[str, Any]:
    """Reads a PO file of ``locale`` and stores its translations as new draft revisions
    with ``status`` (``machine`` or ``reviewed``), and publishes them when asked. All or
    nothing: any error is reported (422, every problem listed) and nothing is written."""
    check_locale(session, locale, source_locale)
    check_may_write(session, user, locale)
    if locale == source_locale:
        raise AppError(_("The source locale is not translated."), field="locale")
    if status is TranslationStatus.draft:
        raise AppError(_("Import as 'machine' or 'reviewed'."), field="status")
    try:
        catalog = read_po(io.BytesIO(data), locale=None, charset="utf-8", abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError) as exc:
        raise Unprocessable(
            _("The file is not a valid PO file."),
            errors=[{"loc": ["file"], "msg": str(exc)[:300], "type": "po"}],
        ) from exc
    known = {
        (kind, key): live_text(session, kind, key, source_locale, source_locale)
        for kind, key in all_entities(session, source_locale)
    }
    errors: list[dict[str, Any]] = []
    wanted: dict[tuple[EntityKind, str], dict[str, tuple[str, bool]]] = {}
    for message in catalog:
        if not message.id:
            continue  # the header
        context = message.context or ""
        parts = context.split(":", 2)
        if len(parts) != 3 or parts[0] not in EntityKind.__members__:
            errors.append({"loc": [context], "msg": "unknown message id", "type": "unknown_id"})
            continue
        kind, key, path = EntityKind(parts[0]), parts[1], parts[2]
        source = known.get((kind, key))
        paths = {p: v for p, v, _k in _strings(kind, source.fields)} if source else {}
        if path not in paths:
            errors.append({"loc": [context], "msg": "unknown message id", "type": "unknown_id"})
            continue
        text = message.string if isinstance(message.string, str) else ""
        if not text or message.fuzzy:
            continue
        current_source = message.id == paths[path]
        wanted.setdefault((kind, key), {})[path] = (text, current_source)
    plans = []
    for (kind, key), strings in wanted.items():
        source = known[(kind, key)]
        base = _current(session, kind, key, locale, source_locale)
        fields = (
            {k: v for k, v in base.fields.items()}
            if base
            else {"items": []}
            if kind is EntityKind.checklist
            else {}
        )
        if kind is EntityKind.checklist:
            fields["items"] = [dict(e) for e in fields.get("items", [])]
        for path, (text, _ok) in strings.items():
            _put(fields, path, text)
        if kind is EntityKind.checklist:  # English order; entries never translated stay out
            order = [e["key"] for e in source.fields["items"]]
            fields["items"] = sorted(
                (e for e in fields["items"] if "action" in e and "reason" in e),
                key=lambda e: order.index(e["key"]) if e["key"] in order else len(order),
            )
        if kind is EntityKind.item:
            missing = set(markdown_links(source.fields["body_md"])) - set(
                markdown_links(fields.get("body_md", ""))
            )
            if missing:
                errors.append(
                    {
                        "loc": [f"item:{key}:body_md"],
                        "msg": "links of the English text are missing: "
                        + ", ".join(sorted(missing)),
                        "type": "links",
                    }
                )
        try:
            keys = (
                [e["key"] for e in source.fields["items"]] if kind is EntityKind.checklist else None
            )
            _validate(kind, fields, False, keys)
        except Unprocessable as exc:
            for err in exc.extra.get("errors", []):
                loc = [str(p) for p in err["loc"][1:]]
                errors.append({**err, "loc": [f"{kind.value}:{key}:{'.'.join(loc)}"]})
            continue
        all_strings = {p for p, _v, _k in _strings(kind, source.fields)}
        complete = set(strings) == all_strings and all(ok for _t, ok in strings.values())
        outdated = base is not None and (
            base.source_hash != source.source_hash
            or any(base.item_hashes.get(k) != h for k, h in source.item_hashes.items())
        )
        # Only what the file changes: new or changed text, or a stale translation now
        # brought up to date. Strings that come back unchanged make no revision.
        if base is None or fields != base.fields or (complete and outdated):
            plans.append((kind, key, fields, complete, base))
    if errors:
        raise Unprocessable(_("The file has errors; nothing was imported."), errors=errors)
    saved = []
    for kind, key, fields, complete, _base in plans:
        pointer = get_pointer(session, kind, key, locale)
        revision = save_draft(
            session,
            user,
            kind,
            key,
            locale,
            base_rev=pointer.draft_rev if pointer else 0,
            fields=fields,
            note="PO import",
            minor=not complete,  # a partial or outdated translation stays as stale as it was
            status=status,
            source_locale=source_locale,
            commit=False,
        )
        saved.append({"kind": kind.value, "key": key, "rev": revision.rev})
    published = None
    if publish_now and saved:
        published = publish(
            session,
            user,
            [(EntityKind(s["kind"]), s["key"], locale) for s in saved],
            source_locale=source_locale,
            commit=False,
        )["seq"]
    audit.record(
        session, user, "translations_import", "translations", locale,
        entities=len(saved), status=status.value, published_seq=published,
    )  # fmt: skip
    session.commit()
    return {"locale": locale, "saved": saved, "published_seq": published}
