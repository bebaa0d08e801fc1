// Language bundles: downloaded once into IndexedDB, kept current online by contentsync.js.
// A record also holds its language's UI catalog (/api/v1/i18n/{locale}) as `catalog`
// {etag, dir, messages, bytes}: downloaded, revalidated and removed with the bundle.

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

export async function activate(locale) {
  if (active && active.locale === locale) return active;
  const rec = await store.get('bundles', locale);
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
  return { data: JSON.parse(text), etag: res.headers.get('ETag'), bytes: new Blob([text]).size };
}

export async function fetchBundle(locale, etag) {
  const got = await getJson(`/api/v1/content/${encodeURIComponent(locale)}`, etag);
  if (!got) return null;
  const { data } = got;
  if (!data || !Array.isArray(data.items)) throw new Error('Malformed bundle');
  return { locale, version: data.version, etag: got.etag, bytes: got.bytes, fetched_at: new Date().toISOString(), data };
}

export async function fetchCatalog(locale, etag) {
  const got = await getJson(`/api/v1/i18n/${encodeURIComponent(locale)}`, etag);
  if (!got) return null;
  const { data } = got;
  if (!data || typeof data.messages !== 'object') throw new Error('Malformed catalog');
  return { etag: got.etag, dir: data.dir === 'rtl' ? 'rtl' : 'ltr', messages: data.messages, bytes: got.bytes };
}

// New bundle and/or catalog into a record; `bytes` counts both.
export function merge(old, got, catalog) {
  const cat = catalog || old?.catalog || null;
  const bundleBytes = got ? got.bytes : old.bytes - (old.catalog?.bytes || 0);
  return { ...(got || old), catalog: cat, bytes: bundleBytes + (cat?.bytes || 0) };
}

export async function save(rec) {
  await store.put('bundles', rec);
  remember(rec);
  return rec;
}

export async function download(locale) {
  const [got, catalog] = await Promise.all([fetchBundle(locale, null), locale === SOURCE ? EMPTY_CATALOG : fetched.get(locale) || fetchCatalog(locale).catch(() => null)]);
  fetched.delete(locale);
  const rec = await save(merge(null, got, catalog));
  if (locale === SOURCE) await store.setMeta('english', 'kept');
  return rec;
}

// A language's catalog from the device; else fetched once, and stored in its record (one saved
// without it) or kept in memory until its bundle is downloaded (first run).
export async function catalogFor(locale) {
  if (locale === SOURCE) return EMPTY_CATALOG;
  const rec = active && active.locale === locale ? active : await store.get('bundles', locale);
  if (rec?.catalog) return rec.catalog;
  if (!fetched.has(locale) && navigator.onLine) {
    try {
      fetched.set(locale, await fetchCatalog(locale));
    } catch {
      return null;
    }
  }
  const catalog = fetched.get(locale) || null;
  if (rec && catalog) await save(merge(rec, null, catalog));
  return catalog;
}

// The in-memory copy follows what was stored.
export function remember(rec) {
  if (rec.locale === SOURCE) englishTerms = null;
  if (active && active.locale === rec.locale) {
    if (active.data !== rec.data) index = null;
    active = rec;
  }
}

export async function remove(locale) {
  await store.del('bundles', locale);
  if (active && active.locale === locale) active = null;
  if (locale === SOURCE) await store.setMeta('english', 'removed');
}

// The language list: the one stored on the device at once (the app opens from the phone first),
// refreshed from the server in the background; fetched and awaited only when none is stored.
async function fetchLocales() {
  const res = await fetch('/api/v1/locales', { cache: 'no-store', credentials: 'omit' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  listed = await res.json();
  await store.setMeta('locales', listed);
  return listed;
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

export function items() {
  const b = bundle();
  return b ? [...b.items].sort(byOrder) : [];
}
export function checklists() {
  const b = bundle();
  return b ? [...b.checklists].sort(byOrder) : [];
}
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
