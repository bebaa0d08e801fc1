// Language bundles: downloaded once into IndexedDB, then kept current when online with what
// changed after their cursor (GET /api/v1/sync/content, merged by delta.js), or downloaded
// again when the server no longer knows the cursor (410). A record also holds its language's
// UI catalog (/api/v1/i18n/{locale}) as `catalog` {etag, dir, messages, bytes}: downloaded,
// revalidated with If-None-Match and removed with the bundle.

import { buildIndex, htmlToText } from './search.js';
import * as store from './store.js';

export const SOURCE = 'en'; // msgids are English: no catalog to fetch
const EMPTY_CATALOG = { etag: null, dir: 'ltr', messages: {}, bytes: 0 };
const FALLBACK_LOCALES = { default: 'en', locales: [{ code: 'en', name: 'English', native_name: 'English', direction: 'ltr' }] };

let active = null; // {locale, version, etag, bytes, fetched_at, data, catalog}
let index = null;
let listed = null; // the locale list, fetched once per session
const fetched = new Map(); // catalogs fetched before their bundle (first run)

export const bundle = () => (active ? active.data : null);
export const activeRecord = () => active;

// `downloaded`: the record download() just stored, which need not be read back from IndexedDB
// (on a slow phone that read is tens of milliseconds of the first screen).
export async function activate(locale, downloaded = null) {
  if (active && active.locale === locale) return active;
  const rec = downloaded?.locale === locale ? downloaded : await store.get('bundles', locale);
  active = rec || null;
  index = null;
  return active;
}

async function getJson(path, etag) {
  const headers = { Accept: 'application/json' };
  if (etag) headers['If-None-Match'] = etag;
  const res = await fetch(path, { headers, cache: 'no-store', credentials: 'omit' });
  if (res.status === 304) return null;
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const text = await res.text();
  // UTF-8 size: TextEncoder is a few times cheaper than a Blob on a bundle-sized text.
  return { data: JSON.parse(text), etag: res.headers.get('ETag'), bytes: new TextEncoder().encode(text).length };
}

async function fetchBundle(locale, etag) {
  const got = await getJson(`/api/v1/content/${encodeURIComponent(locale)}`, etag);
  if (!got) return null;
  const { data } = got;
  if (!data || !Array.isArray(data.items)) throw new Error('Malformed bundle');
  return { locale, version: data.version, etag: got.etag, bytes: got.bytes, fetched_at: new Date().toISOString(), data };
}

async function fetchCatalog(locale, etag) {
  const got = await getJson(`/api/v1/i18n/${encodeURIComponent(locale)}`, etag);
  if (!got) return null;
  const { data } = got;
  if (!data || typeof data.messages !== 'object') throw new Error('Malformed catalog');
  return { etag: got.etag, dir: data.dir === 'rtl' ? 'rtl' : 'ltr', messages: data.messages, bytes: got.bytes };
}

// New bundle and/or catalog into a record; `bytes` counts both.
function merge(old, got, catalog) {
  const cat = catalog || old?.catalog || null;
  const bundleBytes = got ? got.bytes : old.bytes - (old.catalog?.bytes || 0);
  return { ...(got || old), catalog: cat, bytes: bundleBytes + (cat?.bytes || 0) };
}

async function save(rec) {
  await store.put('bundles', rec);
  remember(rec);
  return rec;
}

// One download of a language at a time: a second ask waits for the first.
const downloading = new Map();
export function download(locale) {
  if (!downloading.has(locale)) {
    const run = async () => {
      const [got, catalog] = await Promise.all([fetchBundle(locale, null), locale === SOURCE ? EMPTY_CATALOG : fetchedCatalog(locale)]);
      fetched.delete(locale);
      const rec = await save(merge(null, got, catalog));
      if (locale === SOURCE) await store.setMeta('english', 'kept');
      return rec;
    };
    downloading.set(
      locale,
      run().finally(() => downloading.delete(locale)),
    );
  }
  return downloading.get(locale);
}

// Fetched before its bundle, or under way; null if it cannot be (tried again next time).
async function fetchedCatalog(locale) {
  if (!fetched.has(locale))
    fetched.set(
      locale,
      fetchCatalog(locale).catch(() => null),
    );
  const catalog = await fetched.get(locale);
  if (!catalog) fetched.delete(locale);
  return catalog;
}

// A language's catalog from the device; else fetched once, and stored in its record (one saved
// without it) or kept in memory until its bundle is downloaded (first run).
export async function catalogFor(locale) {
  if (locale === SOURCE) return EMPTY_CATALOG;
  const rec = active && active.locale === locale ? active : await store.get('bundles', locale);
  if (rec?.catalog) return rec.catalog;
  if (!fetched.has(locale) && !navigator.onLine) return null;
  const catalog = await fetchedCatalog(locale);
  if (rec && catalog) await save(merge(rec, null, catalog));
  return catalog;
}

// A first visit asks at once for what its first screen needs (issue #13): the language list,
// the page's catalog and, when the address names a language, its guide.
export function prefetch(pageLocale, routeLocale) {
  if (!navigator.onLine) return;
  locales().catch(() => {});
  if (pageLocale) catalogFor(pageLocale).catch(() => {});
  if (routeLocale) {
    store
      .get('bundles', routeLocale)
      .then((rec) => rec || download(routeLocale))
      .catch(() => {});
  }
}

// The in-memory copy follows what was stored.
function remember(rec) {
  if (rec.locale === SOURCE) englishTerms = null;
  if (active && active.locale === rec.locale) {
    if (active.data !== rec.data) index = null;
    active = rec;
  }
}

// None in a bundle stored by an app from before delta sync.
const cursorOf = (rec) => rec?.data?.cursor || null;
const bundleBytes = (data) => new Blob([JSON.stringify(data)]).size;
const deltaCode = () => import('./delta.js'); // only once something changed (issue #13)

// Each page applied with its cursor in one IndexedDB transaction, onto the record it was asked
// for (another tab may have moved it on). {gone}: the server no longer answers for the cursor
// (410, or 400: not a cursor it knows), or a patch does not apply to what is stored;
// {unsupported}: a server without delta sync.
async function pullChanges(locale, since) {
  const changed = [];
  let delta = null;
  const done = (more) => ({ ...more, changed: delta ? delta.collect(changed) : [] });
  let cursor = since;
  for (;;) {
    const query = new URLSearchParams({ locale, since: cursor, patches: '1' });
    const res = await fetch(`/api/v1/sync/content?${query}`, { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'omit' });
    if (res.status === 410 || res.status === 400) return done({ gone: true });
    if (res.status === 404 || res.status === 405) return done({ unsupported: true });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const page = await res.json();
    if (!page || !Array.isArray(page.changes) || typeof page.cursor !== 'string') throw new Error('Malformed changes');
    if (!page.changes.length && page.cursor === cursor) return done({}); // up to date
    delta ||= await deltaCode(); // not inside the transaction: it would commit meanwhile
    const applied = await store.tx(['bundles'], 'readwrite', async (os) => {
      const rec = await os('bundles').get(locale);
      if (!rec || cursorOf(rec) !== cursor) return null; // removed, or moved on meanwhile
      let out;
      try {
        out = delta.applyPage(rec, page);
      } catch (e) {
        if (e instanceof delta.PatchError) return { unapplied: true }; // nothing stored
        throw e;
      }
      if (out.changed.length) out.record.bytes = bundleBytes(out.record.data) + (rec.catalog?.bytes || 0);
      await os('bundles').put(out.record);
      return out;
    });
    if (!applied) return done({});
    if (applied.unapplied) return done({ gone: true }); // a patch that does not fit: the bundle
    remember(applied.record);
    changed.push(...applied.changed);
    cursor = page.cursor;
    if (!page.has_more) return done({});
  }
}

// One language: its content by deltas where it can, else by ETag; its catalog by ETag.
// Returns what changed for the reader, or null if the record went meanwhile.
async function syncLocale(s) {
  const catalogP = s.locale === SOURCE ? Promise.resolve(null) : fetchCatalog(s.locale, s.catalog_etag).catch(() => null);
  const old = await store.get('bundles', s.locale);
  if (!old) return null;
  let changed = [];
  let got = null;
  const since = cursorOf(old);
  const pulled = since ? await pullChanges(s.locale, since) : { unsupported: true, changed };
  changed = pulled.changed;
  if (pulled.gone) got = await fetchBundle(s.locale, null);
  else if (pulled.unsupported) got = await fetchBundle(s.locale, s.etag);
  const catalog = await catalogP;
  if (got || catalog) {
    const delta = got ? await deltaCode() : null;
    const now = await store.get('bundles', s.locale);
    if (!now) return null; // removed meanwhile
    if (got) changed = delta.collect(changed, delta.changesBetween(now.data, got.data));
    await save(merge(now, got, catalog));
    if (catalog && !changed.length) changed = [{ type: 'catalog' }]; // the UI strings changed
  }
  return changed;
}

// Every stored language. `changed`: locales whose content or catalog changed; `updates`: locale
// → what changed in its content (delta.js); `reached`: whether the server answered at all
// (navigator.onLine says only that a network is there); `complete`: whether every language was
// brought up to date (not when a request, or the merging code it needed, failed on the way).
export async function revalidateAll() {
  const changed = [];
  const updates = {};
  let reached = false;
  let complete = true;
  for (const s of await store.bundleSummaries()) {
    try {
      const got = await syncLocale(s);
      reached = true;
      if (!got?.length) continue;
      changed.push(s.locale);
      updates[s.locale] = got.filter((c) => c.type !== 'catalog');
    } catch {
      // Offline or server trouble: keep what we have and try again later.
      complete = false;
    }
  }
  return { changed, updates, reached, complete };
}

export async function remove(locale) {
  await store.del('bundles', locale);
  if (active && active.locale === locale) active = null;
  if (locale === SOURCE) await store.setMeta('english', 'removed');
}

// The language list: the one stored on the device at once (the app opens from the phone first),
// refreshed from the server in the background; fetched and awaited only when none is stored.
let listing = null; // the fetch under way, if any
function fetchLocales() {
  listing ||= (async () => {
    const res = await fetch('/api/v1/locales', { cache: 'no-store', credentials: 'omit' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    listed = await res.json();
    await store.setMeta('locales', listed);
    return listed;
  })().finally(() => {
    listing = null;
  });
  return listing;
}

export async function locales() {
  if (listed) return listed;
  const stored = await store.getMeta('locales');
  if (stored) {
    listed = stored;
    if (navigator.onLine) fetchLocales().catch(() => {});
    return stored;
  }
  if (navigator.onLine) {
    try {
      return await fetchLocales();
    } catch {
      // fall through to English only
    }
  }
  return FALLBACK_LOCALES;
}

const byOrder = (a, b) => (a.order ?? 0) - (b.order ?? 0);

// In reading order, sorted once per bundle (frozen: every screen shares the same list, and
// item(slug) looks one up on every render).
const sorted = new WeakMap();
function inOrder(list) {
  if (!sorted.has(list)) sorted.set(list, Object.freeze([...list].sort(byOrder)));
  return sorted.get(list);
}
export const items = () => (bundle() ? inOrder(bundle().items) : []);
export const checklists = () => (bundle() ? inOrder(bundle().checklists) : []);
export function glossary() {
  const b = bundle();
  if (!b) return [];
  const coll = new Intl.Collator(b.locale);
  return [...b.glossary].sort((a, c) => coll.compare(a.term, c.term));
}
export const item = (slug) => items().find((i) => i.slug === slug) || null;
export const checklist = (slug) => checklists().find((c) => c.slug === slug) || null;
export const term = (key) => (bundle() ? bundle().glossary.find((g) => g.key === key) || null : null);

export function searchIndex() {
  const b = bundle();
  if (!b) return null;
  if (!index) {
    const docs = [];
    for (const i of b.items) {
      docs.push({ id: i.slug, kind: 'item', ref: i, lang: i.locale, title: i.title, summary: i.summary, body: htmlToText(i.body_html || ''), order: i.order });
    }
    for (const c of b.checklists) {
      const body = c.items.map((x) => `${x.action} ${x.reason || ''}`).join(' ');
      docs.push({ id: c.slug, kind: 'checklist', ref: c, lang: c.locale, title: c.title, summary: c.summary, body, order: 1000 + (c.order || 0) });
    }
    for (const g of b.glossary) {
      docs.push({ id: g.key, kind: 'term', ref: g, lang: g.locale, title: g.term, summary: g.definition, body: '', order: 2000 });
    }
    index = buildIndex(docs, b.locale);
  }
  return index;
}

// The English glossary (key -> entry) from the English bundle on the device, for searching the
// items a reader sees in English with the words of their own language (search.glossaryBridge).
let englishTerms = null;
export async function englishGlossary() {
  if (!englishTerms) {
    const rec = active && active.locale === SOURCE ? active : await store.get('bundles', SOURCE);
    englishTerms = rec ? new Map(rec.data.glossary.map((g) => [g.key, g])) : null;
  }
  return englishTerms;
}
