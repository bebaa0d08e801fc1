"""Content delta efficiency (a benchmark, not a test): after one changed item, the answer of
GET /api/v1/sync/content?patches=1 (as the PWA asks: the item comes as a patch) since the
phone's cursor, against the language bundle, gzip on both sides (as on the wire), for the
shipped library and for synthetic libraries 10x and 100x larger (the shipped items copied
under new slugs, in every locale, published at once).

Goal (issue #13): the delta <= 2 % of the bundle, and the same size at every scale.

In-process on a throwaway SQLite database: the bytes are those the routes send (the same
models serialised the same way), without the noise of a server on a shared machine.

Usage: .venv/bin/python bench/delta.py [--scales 1 10 100]
"""

from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python bench/delta.py
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Figures, copy_frontend, prepare, server_env, throwaway_database, workdir

DELTA_GOAL = 0.02  # of the bundle
CHANGED = "what-happens-next"  # the item edited (in the source language)
SOURCE = "en"
MEASURED = ("en", "fr")  # the edited language, and one whose translation it makes stale


def _gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=9, mtime=0))  # as app/core/http.precompress


def _multiply(session, copies: int) -> int:  # type: ignore[no-untyped-def]
    """Adds ``copies`` copies of every shipped item (all its translations) and publishes them
    in one change, as an import would. Returns the number of items now published."""
    from sqlmodel import select

    from app.content.models import ContentItem, ContentItemTranslation
    from app.content.write import all_guidance_hashes, content_changed

    items = list(session.exec(select(ContentItem)))
    texts = list(session.exec(select(ContentItemTranslation)))
    by_item: dict[int, list[ContentItemTranslation]] = {}
    for text in texts:
        by_item.setdefault(text.item_id, []).append(text)
    before = all_guidance_hashes(session, SOURCE)
    for n in range(1, copies + 1):
        for item in items:
            copy = ContentItem(
                **item.model_dump(exclude={"id", "slug", "position"}),
                slug=f"{item.slug}-copy-{n}"[:80],
                position=item.position + 1000 * n,
            )
            session.add(copy)
            session.flush()
            for text in by_item.get(item.id or 0, []):
                session.add(
                    ContentItemTranslation(
                        **text.model_dump(exclude={"id", "item_id"}), item_id=copy.id or 0
                    )
                )
    session.flush()
    content_changed(session, before, SOURCE)
    session.commit()
    return len(items) * (copies + 1)


def measure(database_url: str, scale: int) -> list[tuple[str, int, int, int, float]]:
    """[(locale, items, delta bytes, bundle bytes, seconds to record the edit)]"""
    from sqlmodel import Session

    from app.content.bundles import build_bundle
    from app.content.feed import read_changes
    from app.content.models import ContentItemTranslation
    from app.content.schemas import ContentDelta
    from app.content.write import current_version, edit_text
    from app.core.db import build_engine

    engine = build_engine(database_url)
    try:
        with Session(engine) as session:
            items = _multiply(session, scale - 1) if scale > 1 else None
            version = current_version(session)
            cursor = build_bundle(session, SOURCE, SOURCE, version).cursor
            began = time.perf_counter()
            edit_text(session, ContentItemTranslation, CHANGED, SOURCE,
                      title="What happens next (revised)")  # fmt: skip
            took = time.perf_counter() - began
            version = current_version(session)
            out = []
            for locale in MEASURED:
                bundle = build_bundle(session, locale, SOURCE, version)
                n = items if items is not None else len(bundle.items)
                page = read_changes(session, locale, cursor, 200, SOURCE, patches=True)
                delta = ContentDelta.model_validate(page, from_attributes=True)
                out.append((locale, n, _gzip_size(delta.model_dump_json().encode()),
                            _gzip_size(bundle.model_dump_json().encode()), took))  # fmt: skip
            return out
    finally:
        engine.dispose()


def main(figures: Figures | None = None, scales: tuple[int, ...] = (1, 10, 100)) -> Figures:
    figures = figures or Figures()
    section = "Content delta after one changed item (gzip, as on the wire)"
    print(f"\n== {section} ==")
    sizes: dict[str, list[int]] = {}
    for scale in scales:
        with workdir() as work, throwaway_database("sqlite", work) as db:
            prepare(server_env(db, copy_frontend(work)))  # migrations and the shipped seed
            rows = measure(db, scale)
            for locale, items, delta, bundle, _took in rows:
                ratio = delta / bundle
                figures.add(section, f"{scale:>3}x library, {locale}: delta / bundle",
                            f"{delta:,} / {bundle:,} B = {ratio:.2%} ({items} items)",
                            f"<= {DELTA_GOAL:.0%}", ratio <= DELTA_GOAL)  # fmt: skip
                sizes.setdefault(locale, []).append(delta)
            figures.add(section, "   time to publish the edit (feed for every locale)",
                        f"{rows[0][4]:.1f} s")  # fmt: skip
    for locale, seen in sizes.items():
        flat = max(seen) - min(seen) <= 64  # a few bytes of cursor and compression noise
        across = " / ".join(f"{s:,} B" for s in seen)
        figures.add(section, f"delta size across scales, {locale}", across,
                    "the same at each scale", flat)  # fmt: skip
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    main(scales=tuple(parser.parse_args().scales))
