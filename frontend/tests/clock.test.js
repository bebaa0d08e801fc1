// Clock adoption on the device (frontend/js/cases/outbox.js), robust to a hostile value (issue #9):
// a colleague's clock of 2**31-1 (or more, or not a number) must not stop this device's changes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adoptClock, maxClock, nextClock } from '../js/cases/outbox.js';

const MAX = 2 ** 31 - 1; // what the server serves as max_counter

describe('adoptClock', () => {
  test('takes the higher clock it has seen (Lamport)', () => {
    assert.equal(adoptClock(3, 9, MAX), 9);
    assert.equal(adoptClock(12, 9, MAX), 12);
    assert.equal(adoptClock(0, 0, MAX), 0);
  });
  test('never goes above the server bound', () => {
    assert.equal(adoptClock(5, MAX, MAX), MAX);
    assert.equal(adoptClock(5, 2 ** 63 - 1, MAX), 5); // not a safe integer: ignored
    assert.equal(adoptClock(5, 2 ** 40, MAX), MAX);
    assert.equal(adoptClock(2 ** 40, 1, MAX), MAX); // a stored clock from before the bound
  });
  test('ignores what is not a whole number', () => {
    for (const bad of [Number.POSITIVE_INFINITY, Number.NaN, -4, 1.5, '1e400', null, undefined, {}, [7], 'x']) assert.equal(adoptClock(5, bad, MAX), 5, String(bad));
    assert.equal(adoptClock(5, '42', MAX), 42);
  });
  test('without a usable bound, JavaScript exact integers', () => {
    assert.equal(adoptClock(1, 2 ** 40, undefined), 2 ** 40);
    assert.equal(adoptClock(1, 2 ** 40, 'x'), 2 ** 40);
  });
});

describe('nextClock', () => {
  test('+1 below the bound, stays at the bound', () => {
    assert.equal(nextClock(0, MAX), 1);
    assert.equal(nextClock(41, MAX), 42);
    assert.equal(nextClock(MAX - 1, MAX), MAX);
    assert.equal(nextClock(MAX, MAX), MAX);
  });
  test('a hostile colleague cannot make the next change unacceptable', () => {
    const hostile = { clocks: { max: MAX }, checklists: [{ items: { a: { clock: 2 ** 53 } } }] };
    let clock = adoptClock(10, maxClock(hostile), MAX);
    for (let i = 0; i < 3; i++) {
      clock = nextClock(clock, MAX);
      assert.ok(Number.isSafeInteger(clock) && clock >= 1 && clock <= MAX, String(clock));
    }
  });
});
