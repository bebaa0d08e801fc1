// The admin screens' pure logic (frontend/js/admin/logic.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrors, filterQuery, matchRoute, pairParagraphs, readFilters, wordDiff } from '../js/admin/logic.js';

const PATTERNS = ['', 'content', 'content/:kind/:key/:locale', 'content/:kind/:key/:locale/history', 'users'];

test('sub-paths find their view and its parameters; anything else none', () => {
  assert.deepEqual(matchRoute(PATTERNS, ''), { pattern: '', params: {} });
  assert.deepEqual(matchRoute(PATTERNS, 'content/item/tool-7-1/fr'), { pattern: 'content/:kind/:key/:locale', params: { kind: 'item', key: 'tool-7-1', locale: 'fr' } });
  assert.equal(matchRoute(PATTERNS, 'content/item/tool-7-1/fr/history').pattern, 'content/:kind/:key/:locale/history');
  assert.equal(matchRoute(PATTERNS, 'users').pattern, 'users');
  for (const sub of ['nope', 'content/item', 'content/item/a/b/c', 'users/1']) assert.equal(matchRoute(PATTERNS, sub), null, sub);
});

test('filters: read from the address, unknown values dropped, written back without empty ones', () => {
  assert.deepEqual(readFilters('?locale=fr&status=stale&kind=item'), { locale: 'fr', status: 'stale', kind: 'item' });
  assert.deepEqual(readFilters('?status=bogus&kind=<x>&locale=../x', 'en'), { locale: 'en', status: '', kind: '' });
  assert.deepEqual(readFilters('', 'uk'), { locale: 'uk', status: '', kind: '' });
  assert.equal(filterQuery({ locale: 'fr', status: '', kind: 'term' }), '?locale=fr&kind=term');
  assert.equal(filterQuery({ locale: '', status: '', kind: '' }), '');
  const f = { locale: 'ar', status: 'draft', kind: 'checklist' };
  assert.deepEqual(readFilters(filterQuery(f)), f);
});

const join = (parts, ops) =>
  parts
    .filter((p) => ops.includes(p.op))
    .map((p) => p.text)
    .join('');

test('a word diff shows exactly the changed figure and joins back into both texts', () => {
  const a = '- provide a reflection period of **at least 30 days**;\n- not enforce any expulsion order.';
  const b = '- provide a reflection period of **at least 45 days**;\n- not enforce any expulsion order.';
  const d = wordDiff(a, b);
  assert.deepEqual(
    d.filter((p) => p.op !== 'eq'),
    [
      { op: 'del', text: '30' },
      { op: 'ins', text: '45' },
    ].map((p) => ({ ...p })),
    JSON.stringify(d),
  );
  assert.equal(join(d, ['eq', 'del']), a);
  assert.equal(join(d, ['eq', 'ins']), b);
});

test('word diffs of insertions, deletions, identical and empty texts', () => {
  assert.deepEqual(wordDiff('same text', 'same text'), [{ op: 'eq', text: 'same text' }]);
  assert.deepEqual(wordDiff('', 'new words'), [{ op: 'ins', text: 'new words' }]);
  assert.deepEqual(wordDiff('old words', ''), [{ op: 'del', text: 'old words' }]);
  const d = wordDiff('one two three', 'one and two three four');
  assert.equal(join(d, ['eq', 'ins']), 'one and two three four');
  assert.equal(join(d, ['eq', 'del']), 'one two three');
  assert.deepEqual(
    d.filter((p) => p.op === 'ins').map((p) => p.text.trim()),
    ['and', 'four'],
  );
  // Past the limit: the middle is one deletion and one insertion, still joining back.
  const big = wordDiff('a b c d', 'a x y d', 1);
  assert.deepEqual(big, [
    { op: 'eq', text: 'a ' },
    { op: 'del', text: 'b c' },
    { op: 'ins', text: 'x y' },
    { op: 'eq', text: ' d' },
  ]);
});

test('paragraph changes pair a replaced paragraph with its new version', () => {
  const pairs = pairParagraphs({ op: 'replace', old: ['Stay 30 days.'], new: ['Stay 45 days.', 'A new paragraph.'] });
  assert.deepEqual(
    pairs.map((p) => p.op),
    ['replace', 'insert'],
  );
  assert.deepEqual(pairs[1].parts, [{ op: 'ins', text: 'A new paragraph.' }]);
  assert.deepEqual(pairParagraphs({ op: 'delete', old: ['Gone.'], new: [] }), [{ op: 'delete', parts: [{ op: 'del', text: 'Gone.' }] }]);
});

test('field errors of a problem, by field', () => {
  const problem = {
    errors: [
      { loc: ['fields', 'title'], msg: 'too long', type: 'string_too_long' },
      { loc: ['fields', 'sources', 0, 'url'], msg: 'bad', type: 'string_pattern_mismatch' },
      { loc: ['fields', 'title'], msg: 'x', type: 'y' },
    ],
  };
  const e = fieldErrors(problem);
  assert.deepEqual(Object.keys(e).sort(), ['sources', 'title']);
  assert.equal(e.title.length, 2);
  assert.deepEqual(fieldErrors(null), {});
});
