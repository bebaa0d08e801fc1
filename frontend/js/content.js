// Language bundles: downloaded once into IndexedDB, revalidated with If-None-Match when online.
import * as store from './store.js';
import { buildIndex, htmlToText } from './search.js';

const FALLBACK_LOCALES = { default: 'en', locales: [{ code: 'en', name: 'English', native_name: 'English', direction: 'ltr' }] };

let active = null; // {locale, version, etag, bytes, fetched_at, data}
let index = null;

export const bundle = () => (active ? active.data : null);
export const activeRecord = () => active;

export async function activate(locale) {
  if (active && active.locale === locale) return active;
  const rec = await store.get('bundles', locale);
  active = rec || null;
  index = null;
  return active;
}

async function fetchBundle(locale, etag) {
  const headers = { Accept: 'application/json' };
  if (etag) headers['If-None-Match'] = etag;
  const res = await fetch(`/api/v1/content/${encodeURIComponent(locale)}`, {
    headers,
    cache: 'no-store',
    credentials: 'omit',
  });
  if (res.status === 304) return null;
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const text = await res.text();
  const data = JSON.parse(text);
  if (!data || !Array.isArray(data.items)) throw new Error('Malformed bundle');
  const rec = {
    locale,
    version: data.version,
    etag: res.headers.get('ETag'),
    bytes: new Blob([text]).size,
    fetched_at: new Date().toISOString(),
    data,
  };
  await store.put('bundles', rec);
  return rec;
}

export async function download(locale) {
  const rec = await fetchBundle(locale, null);
  if (active && active.locale === locale) {
    active = rec;
    index = null;
  }
  return rec;
}

// Checks every downloaded bundle; returns the locales whose content changed.
export async function revalidateAll() {
  const changed = [];
  for (const s of await store.bundleSummaries()) {
    try {
      const rec = await fetchBundle(s.locale, s.etag);
      if (rec) {
        changed.push(s.locale);
        if (active && active.locale === s.locale) {
          active = rec;
          index = null;
        }
      }
    } catch {
      // Offline or server trouble: keep what we have and try again later.
    }
  }
  return changed;
}

export async function remove(locale) {
  await store.del('bundles', locale);
  if (active && active.locale === locale) active = null;
}

export async function locales() {
  if (navigator.onLine) {
    try {
      const res = await fetch('/api/v1/locales', { cache: 'no-store', credentials: 'omit' });
      if (res.ok) {
        const data = await res.json();
        await store.setMeta('locales', data);
        return data;
      }
    } catch {
      // fall through to the stored list
    }
  }
  return (await store.getMeta('locales')) || FALLBACK_LOCALES;
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
      docs.push({ id: i.slug, kind: 'item', ref: i, title: i.title, summary: i.summary, body: htmlToText(i.body_html || ''), order: i.order });
    }
    for (const c of b.checklists) {
      const body = c.items.map((x) => `${x.action} ${x.reason || ''}`).join(' ');
      docs.push({ id: c.slug, kind: 'checklist', ref: c, title: c.title, summary: c.summary, body, order: 1000 + (c.order || 0) });
    }
    for (const g of b.glossary) {
      docs.push({ id: g.key, kind: 'term', ref: g, title: g.term, summary: g.definition, body: '', order: 2000 });
    }
    index = buildIndex(docs, b.locale);
  }
  return index;
}
