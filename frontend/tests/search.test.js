// The search normaliser (frontend/js/search.js): case- and diacritic-insensitive matching that
// maps back to the original text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildIndex, fold, foldMapped, search, terms } from '../js/search.js';

test('Latin: case and accents are folded', () => {
  assert.equal(fold('Traité ÉTAT Ça', 'fr'), 'traite etat ca');
  assert.equal(fold('Ştefan Ţară', 'ro'), 'stefan tara');
});

test('Cyrillic: й→и, ё→е, case', () => {
  assert.equal(fold('Йод ЁЛКА', 'ru'), 'иод елка');
  assert.equal(fold('Її', 'uk'), 'іі');
});

test('Arabic: harakat and tatweel are dropped; Greek final sigma', () => {
  assert.equal(fold('مُـحَـامٍ', 'ar'), 'محام');
  assert.equal(fold('λόγος', 'el'), 'λογοσ');
});

test('Turkish dotted I follows the locale', () => {
  assert.equal(fold('İ', 'tr'), 'i');
});

test('the map points every folded unit back at the original text', () => {
  const text = 'Ça été';
  const { text: folded, map } = foldMapped(text, 'fr');
  assert.equal(folded, 'ca ete');
  assert.equal(map.length, folded.length + 1);
  const at = folded.indexOf('ete');
  assert.equal(text.slice(map[at], map[at + 3]), 'été');
});

test('terms split on spaces and punctuation', () => {
  assert.deepEqual(terms('  Traité, d’ÉTAT!  ', 'fr'), ['traite', 'd', 'etat']);
  assert.deepEqual(terms('   ', 'fr'), []);
});

test('search: every term must match; title outranks body; snippet marks the original', () => {
  const index = buildIndex(
    [
      { id: 'a', kind: 'item', title: 'Body mention', summary: '', body: 'Le traité de Genève protège.', order: 1 },
      { id: 'b', kind: 'item', title: 'Traité', summary: 'Genève', body: '', order: 2 },
      { id: 'c', kind: 'item', title: 'Autre', summary: '', body: 'traite seule', order: 0 },
    ],
    'fr',
  );
  const hits = search(index, 'TRAITE geneve');
  assert.deepEqual(
    hits.map((x) => x.doc.id),
    ['b', 'a'],
  );
  const marked = hits[1].snippet.find((p) => p.mark);
  assert.equal(marked.text, 'traité');
  assert.deepEqual(search(index, ''), []);
});
