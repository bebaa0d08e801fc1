// Unit tests for merging content delta pages into a stored language record (frontend/js/delta.js).

import assert from 'node:assert/strict';
import test from 'node:test';
import { applyPage, changesBetween, collect } from '../js/delta.js';

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
    page([put('item', 'a', item('a')), put('video', 'v', { slug: 'v' }), { type: 'item', slug: 'a', op: 'patch', data: {} }, put('item', 'e', null)]),
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
