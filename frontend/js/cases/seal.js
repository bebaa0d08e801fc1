// Encryption of a worker's case data on the phone (WebCrypto only; no DOM, no IndexedDB, so Node
// runs the unit tests in frontend/tests/seal.test.js). Design: frontend/README.md ("On-device
// encryption") and docs/SECURITY.md.
//
// The key is AES-GCM-256, derived from the worker's PIN or passphrase with PBKDF2-SHA-256 over a
// random 16-byte salt, PBKDF2_ITERATIONS times (OWASP's 2023 figure for PBKDF2-HMAC-SHA256). It is
// made non-extractable: script can use it but never read its bytes, and it lives only in memory.
// Each record is sealed with a fresh random 96-bit IV, and with the store and key of the record as
// additional data, so a record cannot be moved to another place without failing to open.

export const PBKDF2_ITERATIONS = 310000;
const CHECK = 'homeward key check';
const enc = new TextEncoder();
const dec = new TextDecoder();

export const randomSalt = () => crypto.getRandomValues(new Uint8Array(16));

export async function deriveKey(pin, salt, iterations = PBKDF2_ITERATIONS) {
  const material = await crypto.subtle.importKey('raw', enc.encode(pin.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

// value (anything JSON can hold) → {iv, ct}; aad: a string naming where the record lives.
export async function seal(key, value, aad) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: enc.encode(aad) }, key, enc.encode(JSON.stringify(value)));
  return { iv, ct: new Uint8Array(ct) };
}

// Rejects (OperationError) when the key is wrong or the record was changed or moved.
export async function unseal(key, { iv, ct }, aad) {
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: enc.encode(aad) }, key, ct);
  return JSON.parse(dec.decode(plain));
}

// The key-check value stored next to the salt: it tells a wrong PIN from a right one without
// keeping anything from which the PIN or the key could be read more cheaply than by guessing.
export const makeCheck = (key) => seal(key, CHECK, 'check');

export async function keyFits(key, check) {
  try {
    return (await unseal(key, check, 'check')) === CHECK;
  } catch {
    return false;
  }
}

// Whether a chosen PIN or passphrase is acceptable: at least `min` characters (served by the
// server in the case rules, device.pin_min_length).
export const pinProblem = (pin, min) => (!pin || [...pin].length < min ? 'short' : null);
