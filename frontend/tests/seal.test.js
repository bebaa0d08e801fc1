// On-device encryption (frontend/js/cases/seal.js): PBKDF2-SHA-256 → AES-GCM, non-extractable key,
// a key check that tells a wrong PIN, records bound to their place, nothing readable in a record.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deriveKey, keyFits, makeCheck, PBKDF2_ITERATIONS, pinProblem, randomSalt, seal, unseal } from '../js/cases/seal.js';

const FAST = 1000; // iterations for the tests; the app uses PBKDF2_ITERATIONS

describe('seal', () => {
  test('the documented iteration count', () => {
    assert.equal(PBKDF2_ITERATIONS, 310000);
  });
  test('the key is AES-GCM-256 and cannot be exported', async () => {
    const key = await deriveKey('493817', randomSalt(), FAST);
    assert.equal(key.algorithm.name, 'AES-GCM');
    assert.equal(key.algorithm.length, 256);
    assert.equal(key.extractable, false);
    await assert.rejects(crypto.subtle.exportKey('raw', key));
  });
  test('a sealed record holds no readable text and opens only with its key and place', async () => {
    const salt = randomSalt();
    const key = await deriveKey('493817', salt, FAST);
    const value = { reference: 'HW-BCDF-2345', notes: [{ body: 'Prefers a female interpreter.' }] };
    const rec = await seal(key, value, 'cases:"c1"');
    const bytes = Buffer.from(rec.ct).toString('latin1');
    assert.ok(!bytes.includes('HW-BCDF') && !bytes.includes('interpreter'));
    assert.deepEqual(await unseal(key, rec, 'cases:"c1"'), value);
    await assert.rejects(unseal(key, rec, 'cases:"c2"')); // moved to another record
    const wrong = await deriveKey('493818', salt, FAST);
    await assert.rejects(unseal(wrong, rec, 'cases:"c1"'));
    const again = await seal(key, value, 'cases:"c1"');
    assert.notDeepEqual(Buffer.from(again.iv), Buffer.from(rec.iv)); // a fresh IV every time
  });
  test('the key check tells the right PIN from a wrong one', async () => {
    const salt = randomSalt();
    const check = await makeCheck(await deriveKey('correct horse', salt, FAST));
    assert.equal(await keyFits(await deriveKey('correct horse', salt, FAST), check), true);
    assert.equal(await keyFits(await deriveKey('correct hors', salt, FAST), check), false);
    assert.equal(await keyFits(await deriveKey('correct horse', randomSalt(), FAST), check), false);
  });
  test('a PIN or passphrase has a minimum length', () => {
    assert.equal(pinProblem('12345', 6), 'short');
    assert.equal(pinProblem('', 6), 'short');
    assert.equal(pinProblem('123456', 6), null);
    assert.equal(pinProblem('ключ12', 6), null);
  });
});
