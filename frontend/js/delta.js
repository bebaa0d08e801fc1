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

// A patch (app/content/patch.py states the format) that does not apply to what is stored: the
// page is not stored and the language's bundle is downloaded again (content.js).
export class PatchError extends Error {}

const isObject = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);
const isIndex = (list, k) => Number.isInteger(k) && k >= 0 && k < list.length;
const fail = (why) => {
  throw new PatchError(why);
};

// The value at `path` in `doc` replaced by what `change` makes of it; the containers along the
// path are copied, nothing of `doc` is changed. The path must exist.
function update(doc, path, change, depth = 0) {
  if (depth === path.length) return change(doc);
  const k = path[depth];
  if (Array.isArray(doc)) {
    if (!isIndex(doc, k)) fail('no such index');
    const copy = [...doc];
    copy[k] = update(doc[k], path, change, depth + 1);
    return copy;
  }
  if (!isObject(doc) || typeof k !== 'string' || !Object.hasOwn(doc, k)) fail('no such key');
  return { ...doc, [k]: update(doc[k], path, change, depth + 1) };
}

function splice(text, at, del, ins, length) {
  if (typeof text !== 'string' || typeof ins !== 'string') fail('not a string');
  if (text.length !== length) fail('not the text the patch was made from');
  if (!Number.isInteger(at) || !Number.isInteger(del) || at < 0 || del < 0 || at + del > length) fail('beyond the text');
  return text.slice(0, at) + ins + text.slice(at + del);
}

// `doc` with the ops applied (a new value; `doc` is not changed), or a PatchError.
export function applyPatch(doc, ops) {
  if (!Array.isArray(ops)) fail('not a patch');
  let out = doc;
  for (const op of ops) {
    if (!Array.isArray(op) || !Array.isArray(op[0])) fail('not an op');
    if (op.length === 2) out = update(out, op[0], () => op[1]);
    else if (op.length === 5) out = update(out, op[0], (text) => splice(text, op[1], op[2], op[3], op[4]));
    else fail('not an op');
  }
  return out;
}

// One page of changes applied to a record {locale, version, data, ...}: puts replace
// the entity with the same key where it stands (an item moved to another section or order
// keeps one copy: the views sort and group by its fields) or are added at the end; deletes
// remove it; patches change the entity the record holds (a PatchError when they do not apply:
// then nothing of the page may be stored). Returns the new record (the input is not changed)
// and what really changed: a page applied twice changes nothing the second time (a patch
// applied again gives the same entity or a PatchError). Unknown types and ops are skipped (a
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
    } else if (c.op === 'patch') {
      if (at < 0) fail('no such entity');
      const doc = applyPatch(list[at], c.patch);
      if (!isObject(doc) || doc[key] !== c.slug) fail('not this entity');
      if (same(list[at], doc)) continue;
      list[at] = doc;
      changed.push(summary(c.type, c.slug, 'put', doc)); // named like a put, by its new title
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
