// Unit tests for the glossary matcher (frontend/js/terms.js).

import assert from 'node:assert/strict';
import test from 'node:test';
import { findTerm, termForms } from '../js/terms.js';

const found = (text, g, locale) => {
  const m = findTerm(text, termForms(g, locale), locale);
  return m && text.slice(m.index, m.index + m.length);
};

test('whole words only, any case, in spaced scripts', () => {
  const g = { term: 'Reflection period' };
  assert.equal(found('During the reflection period you may stay.', g, 'en'), 'reflection period');
  assert.equal(found('Its reflection periods vary.', g, 'en'), null);
  assert.equal(found('Non-refoulement applies.', { term: 'refoulement' }, 'en'), 'refoulement'); // hyphen is a boundary
  assert.equal(found('Antirefoulement', { term: 'refoulement' }, 'en'), null);
});

test('a term written with a slash matches each half', () => {
  const g = { term: 'Victim / survivor' };
  assert.deepEqual(termForms(g, 'en'), ['Victim / survivor', 'survivor', 'Victim']);
  assert.equal(found('Every survivor has rights.', g, 'en'), 'survivor');
  assert.equal(found('A victim of trafficking.', g, 'en'), 'victim');
  assert.equal(found('A victim / survivor may…', g, 'en'), 'victim / survivor'); // the longest wins
});

test('inflected forms come from the glossary variants', () => {
  const g = { term: 'Притулок', variants: ['притулку', 'притулком'] };
  assert.equal(found('Ви можете попросити притулку в цій країні.', g, 'uk'), 'притулку');
  assert.equal(found('Ви можете попросити притулку.', { term: 'Притулок' }, 'uk'), null); // without variants
  assert.equal(found('ПРИТУЛОК надається…', g, 'uk'), 'ПРИТУЛОК');
});

test('accents are not ignored (Vietnamese tones make different words)', () => {
  assert.equal(found('Họ bán hàng.', { term: 'ban' }, 'vi'), null);
  assert.equal(found('Họ bán hàng.', { term: 'bán' }, 'vi'), 'bán');
});

test('Thai: words are found by segmentation, not spaces', () => {
  const g = { term: 'ผู้ปกครอง' };
  const text = 'เด็กควรมีผู้ปกครองตามกฎหมายที่ได้รับการแต่งตั้ง';
  assert.equal(found(text, g, 'th'), 'ผู้ปกครอง');
  // Without segmentation a term only matches where spaces surround it: the old behaviour.
  assert.equal(findTerm(text, termForms(g, 'en'), 'en'), null);
});

test('Arabic and Persian: letters joined to the term are part of another word', () => {
  assert.equal(found('يحق لك طلب اللجوء الآن', { term: 'اللجوء' }, 'ar'), 'اللجوء');
  assert.equal(found('فترة التفكير', { term: 'التفكير' }, 'ar'), 'التفكير');
  assert.equal(found('پناهندگی', { term: 'پناه' }, 'fa'), null);
});

test('the earliest match in the text wins, then the longest', () => {
  const forms = termForms({ term: 'residence permit', variants: ['permit'] }, 'en');
  const m = findTerm('A permit, then a residence permit.', forms, 'en');
  assert.deepEqual([m.index, m.length], [2, 6]);
});
