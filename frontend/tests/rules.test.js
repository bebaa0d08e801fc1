// The case rules as the PWA applies them (frontend/js/cases/rules.js). The rules themselves come
// from the server; tests/test_case_rules.py runs this module with the served rules and checks
// that it refuses exactly what the server refuses. Here: the mechanics, on a small rule set.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateReference, normaliseReference, referenceProblem } from '../js/cases/rules.js';

const rules = {
  reference: {
    max_length: 12,
    checks: [
      { problem: 'format', pattern: '^[A-Z0-9-]+$', refuse_on_match: false },
      { problem: 'word', pattern: '[A-Z]{4,}', refuse_on_match: true },
      { problem: 'digit', pattern: '[0-9]', refuse_on_match: false },
    ],
    generated: { prefix: 'HW', alphabet: 'BC23', groups: 2, group_length: 3 },
  },
  countries: ['AL', 'NG'],
  stages: ['preparing', 'closed'],
  note: { max_length: 10 },
};

test('the first check that refuses a code gives the reason, in order', () => {
  assert.equal(referenceProblem('RT-42', rules), null);
  assert.equal(referenceProblem('rt-42', rules), 'format');
  assert.equal(referenceProblem('MARIA-1', rules), 'word');
  assert.equal(referenceProblem('ABC', rules), 'digit');
  assert.equal(referenceProblem('MARIA', rules), 'word', 'word comes before digit');
  assert.equal(referenceProblem('A1-A1-A1-A1-A1', rules), 'format', 'longer than max_length');
});

test('normalising: trimmed and upper-case', () => {
  assert.equal(normaliseReference('  rt-42 '), 'RT-42');
  assert.equal(normaliseReference(null), '');
});

test('generated codes follow the served shape and pass the checks', () => {
  let n = 0;
  const random = (k) => Uint8Array.from({ length: k }, () => n++);
  const code = generateReference(rules, random);
  assert.match(code, /^HW-[BC23]{3}-[BC23]{3}$/);
  assert.equal(referenceProblem(code, rules), null);
});

test('a generated code that a check refuses is drawn again', () => {
  const strict = { ...rules, reference: { ...rules.reference, checks: [...rules.reference.checks, { problem: 'date', pattern: 'BBB', refuse_on_match: true }] } };
  const draws = [
    [0, 0, 0],
    [0, 0, 0],
    [2, 2, 2],
    [3, 3, 3],
  ]; // first code: HW-BBB-BBB (refused)
  const code = generateReference(strict, () => Uint8Array.from(draws.shift()));
  assert.equal(code, 'HW-222-333');
});
