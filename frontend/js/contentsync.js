// Keeping the stored languages current (issue #11), loaded when the app is online: each
// language pulls what changed after its record's cursor (GET /api/v1/sync/content, pages
// followed while has_more), merged by delta.js and stored with the new cursor in one IndexedDB
// transaction; a 410 downloads the bundle again; only a record without a cursor, or a server
// without the feed, is revalidated by ETag. Cached on first use, like the field features:
// a first visit downloads none of it (issue #13).

import * as content from './content.js';
import { applyPage, changesBetween, collect } from './delta.js';
import * as store from './store.js';

// Where a stored record stands in the change feed: its bundle's cursor, moved on by every page
// applied; none in a bundle stored by an app from before delta sync.
const cursorOf = (rec) => rec?.data?.cursor || null;
const bundleBytes = (data) => new Blob([JSON.stringify(data)]).size;

// Pages of changes after the record's cursor, each applied with its new cursor in one
// IndexedDB transaction (a page is never half stored, and a record that moved meanwhile, in
// another tab, is not written over). Returns {changed} when the record is current, {gone} when
// the server no longer answers for the cursor (410, or 400: not a cursor it knows) and the
// bundle must be downloaded again, {unsupported} for a server without delta sync.
async function pullChanges(locale, since) {
  const changed = [];
  const done = (more) => ({ ...more, changed: collect(changed) });
  let cursor = since;
  for (;;) {
    const query = new URLSearchParams({ locale, since: cursor });
    const res = await fetch(`/api/v1/sync/content?${query}`, { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'omit' });
    if (res.status === 410 || res.status === 400) return done({ gone: true });
    if (res.status === 404 || res.status === 405) return done({ unsupported: true });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const page = await res.json();
    if (!page || !Array.isArray(page.changes) || typeof page.cursor !== 'string') throw new Error('Malformed changes');
    if (!page.changes.length && page.cursor === cursor) return done({}); // up to date
    const applied = await store.tx(['bundles'], 'readwrite', async (os) => {
      const rec = await os('bundles').get(locale);
      if (!rec || cursorOf(rec) !== cursor) return null; // removed, or moved on meanwhile
      const out = applyPage(rec, page);
      if (out.changed.length) out.record.bytes = bundleBytes(out.record.data) + (rec.catalog?.bytes || 0);
      await os('bundles').put(out.record);
      return out;
    });
    if (!applied) return done({});
    content.remember(applied.record);
    changed.push(...applied.changed);
    cursor = page.cursor;
    if (!page.has_more) return done({});
  }
}

// One stored language against the server: its content by deltas where it has a cursor, else
// (a bundle from before delta sync, a server without it) by ETag; its catalog by ETag.
// Returns what changed for the reader ([] if nothing), or null if the record went meanwhile.
async function syncLocale(s) {
  const catalogP = s.locale === content.SOURCE ? Promise.resolve(null) : content.fetchCatalog(s.locale, s.catalog_etag).catch(() => null);
  const old = await store.get('bundles', s.locale);
  if (!old) return null;
  let changed = [];
  let got = null;
  const since = cursorOf(old);
  const pulled = since ? await pullChanges(s.locale, since) : { unsupported: true, changed };
  changed = pulled.changed;
  if (pulled.gone) got = await content.fetchBundle(s.locale, null);
  else if (pulled.unsupported) got = await content.fetchBundle(s.locale, s.etag);
  const catalog = await catalogP;
  if (got || catalog) {
    const now = await store.get('bundles', s.locale);
    if (!now) return null; // removed meanwhile
    if (got) changed = collect(changed, changesBetween(now.data, got.data));
    await content.save(content.merge(now, got, catalog));
    if (catalog && !changed.length) changed = [{ type: 'catalog' }]; // the UI strings changed
  }
  return changed;
}

// Every stored language against the server. `changed`: the locales whose content or catalog
// changed; `updates`: locale → what changed in its content ({type, slug, op, title, kind});
// `reached`: whether the server answered at all (navigator.onLine says only that a network is
// there, not that it reaches the server).
export async function syncAll() {
  const changed = [];
  const updates = {};
  let reached = false;
  for (const s of await store.bundleSummaries()) {
    try {
      const got = await syncLocale(s);
      reached = true;
      if (!got?.length) continue;
      changed.push(s.locale);
      updates[s.locale] = got.filter((c) => c.type !== 'catalog');
    } catch {
      // Offline or server trouble: keep what we have and try again later.
    }
  }
  return { changed, updates, reached };
}
