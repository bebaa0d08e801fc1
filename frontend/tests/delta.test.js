// Unit tests for merging content delta pages into a stored language record (frontend/js/delta.js).

import assert from 'node:assert/strict';
import test from 'node:test';
import { applyPage, applyPatch, changesBetween, collect, PatchError } from '../js/delta.js';

const item = (slug, fields = {}) => ({ slug, kind: 'tool', order: 1, title: `Title ${slug}`, body_html: `<p>${slug}</p>`, stale: false, ...fields });
const checklist = (slug, fields = {}) => ({ slug, title: `List ${slug}`, order: 1, items: [], ...fields });
const term = (key, fields = {}) => ({ key, term: `Term ${key}`, definition: '…', ...fields });

const record = () => ({
  locale: 'fr',
  version: 7,
  etag: '"abc"',
  bytes: 1000,
  catalog: { etag: '"cat"', messages: {} },
  data: {
    locale: 'fr',
    version: 7,
    cursor: 'k1.7',
    items: [item('a'), item('b', { kind: 'page' }), item('c')],
    checklists: [checklist('pre-return')],
    glossary: [term('t1'), term('t2')],
  },
});
const page = (changes, cursor = 'k1.9', version = 9, has_more = false) => ({ changes, cursor, version, has_more });
const put = (type, slug, data) => ({ type, slug, op: 'put', data });
const del = (type, slug) => ({ type, slug, op: 'delete', data: null });
const slugs = (rec) => rec.data.items.map((i) => i.slug);

test('a put replaces the entity in place, a new one is added at the end', () => {
  const before = record();
  const { record: after, changed } = applyPage(before, page([put('item', 'b', item('b', { kind: 'page', title: 'New b' })), put('item', 'd', item('d'))]));
  assert.deepEqual(slugs(after), ['a', 'b', 'c', 'd']);
  assert.equal(after.data.items[1].title, 'New b');
  assert.deepEqual(
    changed.map((c) => [c.type, c.slug, c.op, c.title]),
    [
      ['item', 'b', 'put', 'New b'],
      ['item', 'd', 'put', 'Title d'],
    ],
  );
  // The stored record is not changed: the caller writes the new one in its transaction.
  assert.deepEqual(before, record());
  // Everything else of the record is kept; the cursor and version move on.
  assert.equal(after.data.cursor, 'k1.9');
  assert.equal(after.version, 9);
  assert.equal(after.data.version, 9);
  assert.equal(after.catalog, before.catalog);
  assert.equal(after.data.checklists, before.data.checklists); // untouched lists are shared
});

test('removals of items, checklists and glossary terms; an unknown removal is no change', () => {
  const { record: after, changed } = applyPage(record(), page([del('item', 'a'), del('checklist', 'pre-return'), del('term', 't2'), del('item', 'nowhere')]));
  assert.deepEqual(slugs(after), ['b', 'c']);
  assert.deepEqual(after.data.checklists, []);
  assert.deepEqual(
    after.data.glossary.map((g) => g.key),
    ['t1'],
  );
  // A removal is named by the title the reader knew.
  assert.deepEqual(
    changed.map((c) => [c.type, c.slug, c.op, c.title]),
    [
      ['item', 'a', 'delete', 'Title a'],
      ['checklist', 'pre-return', 'delete', 'List pre-return'],
      ['term', 't2', 'delete', 'Term t2'],
    ],
  );
});

test('pages apply in order: the later change of an entity wins', () => {
  const first = applyPage(record(), page([put('item', 'c', item('c', { title: 'C1' })), del('item', 'a')], 'k1.8', 8, true));
  const second = applyPage(first.record, page([put('item', 'a', item('a', { title: 'A back' })), del('item', 'c')]));
  assert.deepEqual(slugs(second.record), ['b', 'a']);
  assert.equal(second.record.data.items[1].title, 'A back');
  assert.deepEqual(
    collect(first.changed, second.changed).map((c) => [c.slug, c.op, c.title]),
    [
      ['c', 'delete', 'C1'],
      ['a', 'put', 'A back'],
    ],
  );
});

test('a put for an item that moved to another section keeps one copy, in its new section', () => {
  const moved = item('c', { kind: 'page', order: 0, title: 'Now a page' });
  const { record: after, changed } = applyPage(record(), page([put('item', 'c', moved)]));
  const copies = after.data.items.filter((i) => i.slug === 'c');
  assert.equal(copies.length, 1);
  assert.deepEqual(copies[0], moved);
  assert.deepEqual(changed, [{ type: 'item', slug: 'c', op: 'put', title: 'Now a page', kind: 'page' }]);
});

test('the same page applied twice: the same record, and nothing changed the second time', () => {
  const p = page([
    put('item', 'a', item('a', { stale: true })),
    put('term', 't3', term('t3')),
    del('item', 'b'),
    put('checklist', 'pre-return', checklist('pre-return', { title: 'Before' })),
  ]);
  const once = applyPage(record(), p);
  const twice = applyPage(once.record, p);
  assert.deepEqual(twice.record, once.record);
  assert.equal(once.changed.length, 4);
  assert.deepEqual(twice.changed, []);
});

test('a put identical to what is stored, and unknown types or ops, change nothing', () => {
  const { record: after, changed } = applyPage(
    record(),
    page([put('item', 'a', item('a')), put('video', 'v', { slug: 'v' }), { type: 'item', slug: 'a', op: 'merge', data: {} }, put('item', 'e', null)]),
  );
  assert.deepEqual(after.data.items, record().data.items);
  assert.deepEqual(changed, []);
  assert.equal(after.data.cursor, 'k1.9'); // the cursor still moves: the page was read
});

test('changes between two bundles (one downloaded again) read like a page of changes', () => {
  const before = record().data;
  const after = { ...before, items: [item('a'), item('c', { title: 'C2' }), item('d')], glossary: [term('t1'), term('t2')] };
  assert.deepEqual(
    changesBetween(before, after).map((c) => [c.type, c.slug, c.op, c.title]),
    [
      ['item', 'c', 'put', 'C2'],
      ['item', 'd', 'put', 'Title d'],
      ['item', 'b', 'delete', 'Title b'],
    ],
  );
  assert.deepEqual(changesBetween(before, before), []);
  assert.deepEqual(changesBetween(null, after), []); // a first download is not an update
});

// Patches (app/content/patch.py states the format; tests/test_content_patch.py checks that what
// Python makes, this applies).
const patch = (type, slug, ops) => ({ type, slug, op: 'patch', patch: ops });

test('a patch replaces values and splices strings, without changing its input', () => {
  const doc = { title: 'Thirty days', body: '<p>at least 30 days</p>', tags: ['a', 'b'], n: { x: 1 } };
  const copy = structuredClone(doc);
  const out = applyPatch(doc, [
    [['body'], 12, 2, '45', 23],
    [['tags', 1], 'c'],
    [['n'], { y: 2 }],
  ]);
  assert.deepEqual(out, { title: 'Thirty days', body: '<p>at least 45 days</p>', tags: ['a', 'c'], n: { y: 2 } });
  assert.deepEqual(doc, copy);
  assert.equal(out.title, doc.title);
  assert.deepEqual(applyPatch(doc, []), doc);
  assert.deepEqual(applyPatch(doc, [[[], [1]]]), [1]); // the root replaced whole
  // Positions count UTF-16 code units, as the server counts them.
  assert.equal(applyPatch({ t: '😀 a' }, [[['t'], 3, 1, 'b', 4]]).t, '😀 b');
});

test('a patch that does not fit what is stored is refused', () => {
  const doc = { body: 'at least 30 days', list: [1, 2], n: null };
  const refused = [
    [[['nowhere'], 1]], // a missing key is not added
    [[['list', 2], 3]], // nor a missing index
    [[['list', '0'], 3]], // an index is a number
    [[['body', 'x'], 1]], // a string has no members
    [[['n'], 0, 0, 'x', 0]], // a splice of something else than a string
    [[['body'], 9, 2, '45', 15]], // not the text the patch was made from
    [[['body'], 15, 2, 'x', 16]], // beyond the text
    [[['body'], -1, 0, 'x', 16]],
    [[['body'], 1, 2]], // neither a replacement nor a splice
    [['body', 'x']],
    'not a list',
  ];
  for (const ops of refused) assert.throws(() => applyPatch(doc, ops), PatchError, JSON.stringify(ops));
});

test('a patch in a page changes the stored entity and is named by its new title', () => {
  const before = record();
  const { record: after, changed } = applyPage(before, page([patch('item', 'b', [[['title'], 7, 0, ' revised', 7]]), patch('term', 't1', [[['definition'], 'Now defined']])]));
  assert.equal(after.data.items[1].title, 'Title b revised');
  assert.equal(after.data.items[1].kind, 'page');
  assert.equal(after.data.glossary[0].definition, 'Now defined');
  assert.deepEqual(changed, [
    { type: 'item', slug: 'b', op: 'put', title: 'Title b revised', kind: 'page' },
    { type: 'term', slug: 't1', op: 'put', title: 'Term t1' },
  ]);
  assert.deepEqual(before, record());
  assert.equal(after.data.cursor, 'k1.9');
  // Applied again: a replacement gives the same entity (nothing changed), a splice that
  // changed the length no longer fits (refused: the phone downloads the bundle again).
  assert.deepEqual(applyPage(after, page([patch('term', 't1', [[['definition'], 'Now defined']])])).changed, []);
  assert.throws(() => applyPage(after, page([patch('item', 'b', [[['title'], 7, 0, ' revised', 7]])])), PatchError);
});

test('a page with a patch for an entity not stored, or of the wrong shape, is refused whole', () => {
  assert.throws(() => applyPage(record(), page([put('item', 'd', item('d')), patch('item', 'zz', [[['title'], 'x']])])), PatchError);
  assert.throws(() => applyPage(record(), page([patch('item', 'a', [[['slug'], 'b']])])), PatchError); // another entity
  assert.throws(() => applyPage(record(), page([patch('item', 'a', [[[], 'text']])])), PatchError);
  assert.throws(() => applyPage(record(), page([patch('item', 'a', null)])), PatchError);
});
