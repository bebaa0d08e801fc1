// Content delta sync (GET /api/v1/sync/content): merging one page of changes into a stored
// language record, and what changed between two bundles of a language. Pure functions (no
// IndexedDB, no network, no DOM), tested in frontend/tests/delta.test.js; content.js fetches
// and stores. Loaded only when there is something to merge (app/pwa/shell.py LAZY_FILES).

// A change's type → the bundle's list and the key its entities are found by
// (app/content/schemas.py: ContentChangeOut.slug is a glossary term's key).
const LISTS = { item: ['items', 'slug'], checklist: ['checklists', 'slug'], term: ['glossary', 'key'] };
const TYPE_OF = Object.fromEntries(Object.entries(LISTS).map(([type, [name]]) => [name, type]));

const titleOf = (type, doc) => (type === 'term' ? doc.term : doc.title);
// Both sides come from the server's JSON, whose keys are always in the same order.
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// What the notice names: one entry per entity (the last change wins), in the order first seen.
// {type, slug, op: 'put'|'delete', title, kind (items: page|tool)}
export function collect(...lists) {
  const out = new Map();
  for (const c of lists.flat()) {
    const id = `${c.type}:${c.slug}`;
    if (out.has(id)) out.set(id, { ...c, title: c.title || out.get(id).title });
    else out.set(id, c);
  }
  return [...out.values()];
}

const summary = (type, slug, op, doc) => ({ type, slug, op, title: titleOf(type, doc), ...(type === 'item' ? { kind: doc.kind } : {}) });

// One page of changes applied to a record {locale, version, data, ...}: puts replace
// the entity with the same key where it stands (an item moved to another section or order
// keeps one copy: the views sort and group by its fields) or are added at the end; deletes
// remove it. Returns the new record (the input is not changed) and what really changed: a
// page applied twice changes nothing the second time. Unknown types and ops are skipped (a
// newer server), never guessed at.
export function applyPage(rec, page) {
  const data = { ...rec.data };
  const changed = [];
  for (const c of page.changes || []) {
    const spec = LISTS[c.type];
    if (!spec) continue;
    const [name, key] = spec;
    if (data[name] === rec.data[name]) data[name] = [...(rec.data[name] || [])];
    const list = data[name];
    const at = list.findIndex((x) => x[key] === c.slug);
    if (c.op === 'delete') {
      if (at < 0) continue;
      changed.push(summary(c.type, c.slug, 'delete', list[at]));
      list.splice(at, 1);
    } else if (c.op === 'put' && c.data && typeof c.data === 'object') {
      if (at >= 0 && same(list[at], c.data)) continue;
      if (at >= 0) list[at] = c.data;
      else list.push(c.data);
      changed.push(summary(c.type, c.slug, 'put', c.data));
    }
  }
  data.cursor = page.cursor;
  if (Number.isInteger(page.version)) data.version = page.version;
  return { record: { ...rec, version: data.version, data }, changed: collect(changed) };
}

// What changed from one bundle of a language to another (a bundle downloaded again): the same
// summaries as applyPage, so the reader is told the same way whichever way the change came.
export function changesBetween(before, after) {
  if (!before) return [];
  const changed = [];
  for (const [name, key] of Object.values(LISTS)) {
    const type = TYPE_OF[name];
    const old = new Map((before[name] || []).map((x) => [x[key], x]));
    for (const doc of after[name] || []) {
      const was = old.get(doc[key]);
      old.delete(doc[key]);
      if (!was || !same(was, doc)) changed.push(summary(type, doc[key], 'put', doc));
    }
    for (const [slug, doc] of old) changed.push(summary(type, slug, 'delete', doc));
  }
  return changed;
}
