// A worker's case data on the phone, encrypted (issue #9). Its own IndexedDB database, so that
// sign-out and "Wipe and exit" delete the whole database (indexedDB.deleteDatabase), and the
// guide (database `homeward`, store.js) stays:
//   keys:     {key: 'lock', salt, iterations, check, failures, gen}   in clear: nothing secret
//   cases:    {id, iv, ct}      ┐ each value sealed with AES-GCM (seal.js) under the key derived
//   outbox:   {seq, iv, ct}     │ from the worker's PIN; only the record's key is in clear (a
//   syncmeta: {key, iv, ct}     ┘ random case id, a sequence number, a fixed name)
// The key is a non-extractable CryptoKey held in this module's memory, never stored. While
// unlocked, the decrypted records are kept in memory too (`mirror`): reads come from there, and
// a write transaction (tx) is staged in memory, sealed, then written in ONE IndexedDB transaction
// (WebCrypto cannot run inside one: the transaction would commit while it waits). `gen` in the
// lock record counts committed writes: a write made in another tab meanwhile is noticed, the
// mirror reloaded and the transaction run again. Locked (no key), nothing can be read: every
// call throws Locked. No DOM here.
import { deriveKey, keyFits, makeCheck, PBKDF2_ITERATIONS, randomSalt, seal, unseal } from './seal.js';

export const DB_NAME = 'homeward-worker';
export const STORES = ['cases', 'outbox', 'syncmeta'];
const KEYPATH = { cases: 'id', outbox: 'seq', syncmeta: 'key' };
const LOCK = 'lock';
const GONE = Symbol('deleted');

export class Locked extends Error {
  constructor() {
    super('The case data on this device is locked');
    this.name = 'Locked';
  }
}

export const events = new EventTarget(); // 'locked', 'unlocked', 'wiped' (this tab)
let conn = null; // Promise<IDBDatabase | null>
let key = null;
let mirror = null; // Map(store → Map(record key → value)) while unlocked
let gen = 0;
let queue = Promise.resolve();

const req = (r) =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
const finished = (t) =>
  new Promise((resolve, reject) => {
    t.oncomplete = resolve;
    t.onabort = t.onerror = () => reject(t.error || new Error('transaction aborted'));
  });
const emit = (name) => events.dispatchEvent(new Event(name));

// create: false only opens an existing database (an open that would create it is aborted, so a
// reader's phone never gets one).
function connect(create) {
  if (conn) return conn;
  const p = new Promise((resolve, reject) => {
    const r = indexedDB.open(DB_NAME, 1);
    r.onupgradeneeded = (e) => {
      if (!create && e.oldVersion === 0) {
        r.transaction.abort();
        return;
      }
      const db = r.result;
      db.createObjectStore('keys', { keyPath: 'key' });
      for (const s of STORES) db.createObjectStore(s, { keyPath: KEYPATH[s] });
    };
    r.onsuccess = () => {
      const db = r.result;
      // Another tab deletes the database (sign-out, wipe): let it, and forget the key here too.
      db.onversionchange = () => {
        db.close();
        conn = null;
        if (key || mirror) forget();
        emit('wiped');
      };
      resolve(db);
    };
    r.onerror = (e) => {
      e.preventDefault();
      if (!create && r.error?.name === 'AbortError') resolve(null);
      else reject(r.error);
    };
  });
  conn = p.then(
    (db) => {
      if (!db) conn = null;
      return db;
    },
    (e) => {
      conn = null;
      throw e;
    },
  );
  return conn;
}

async function readLock() {
  const db = await connect(false);
  if (!db) return null;
  const t = db.transaction('keys', 'readonly');
  return (await req(t.objectStore('keys').get(LOCK))) || null;
}

function forget() {
  key = null;
  mirror = null;
  gen = 0;
}

// 'none' (no worker data on this device), 'locked' or 'open'.
export async function state() {
  if (key) return 'open';
  return (await readLock()) ? 'locked' : 'none';
}
export const isOpen = () => !!key;

const aad = (store, k) => `${store}:${JSON.stringify(k)}`;

async function load(k) {
  const db = await connect(false);
  if (!db) throw new Locked();
  const t = db.transaction(['keys', ...STORES], 'readonly');
  const lock = await req(t.objectStore('keys').get(LOCK));
  const raw = {};
  for (const s of STORES) raw[s] = await req(t.objectStore(s).getAll());
  const m = new Map();
  for (const s of STORES) {
    const records = new Map();
    for (const r of raw[s]) records.set(r[KEYPATH[s]], await unseal(k, r, aad(s, r[KEYPATH[s]])));
    m.set(s, records);
  }
  mirror = m;
  gen = lock?.gen || 0;
}

// A new, empty encrypted database under a key derived from `pin` (whatever was there before is
// deleted first).
export async function create(pin) {
  await wipe(false);
  const salt = randomSalt();
  const k = await deriveKey(pin, salt, PBKDF2_ITERATIONS);
  const check = await makeCheck(k);
  const db = await connect(true);
  const t = db.transaction('keys', 'readwrite');
  t.objectStore('keys').put({ key: LOCK, salt, iterations: PBKDF2_ITERATIONS, check, failures: 0, gen: 0 });
  await finished(t);
  key = k;
  mirror = new Map(STORES.map((s) => [s, new Map()]));
  gen = 0;
  emit('unlocked');
}

// Resolves with {ok: true}, {left: n} (wrong PIN, n tries left), {wiped: true} (that was the
// last try: the database is deleted) or {none: true} (nothing to unlock).
export async function unlock(pin, maxFailures) {
  const lock = await readLock();
  if (!lock) return { none: true };
  const k = await deriveKey(pin, lock.salt, lock.iterations);
  const fits = await keyFits(k, lock.check);
  const db = await connect(false);
  const t = db.transaction('keys', 'readwrite');
  const now = await req(t.objectStore('keys').get(LOCK));
  const failures = fits ? 0 : (now.failures || 0) + 1;
  if (now.failures !== failures) t.objectStore('keys').put({ ...now, failures });
  await finished(t);
  if (!fits) {
    if (failures >= maxFailures) {
      await wipe();
      return { wiped: true };
    }
    return { left: maxFailures - failures };
  }
  await load(k);
  key = k;
  emit('unlocked');
  return { ok: true };
}

// Drops the key and the decrypted records from memory. The data stays, encrypted.
export function lock() {
  if (!key && !mirror) return;
  forget();
  emit('locked');
}

// Deletes the whole database (not only its stores), and the key.
export async function wipe(announce = true) {
  forget();
  const db = conn && (await conn.catch(() => null));
  conn = null;
  db?.close();
  await new Promise((resolve) => {
    const r = indexedDB.deleteDatabase(DB_NAME);
    r.onsuccess = r.onerror = resolve; // other tabs close on versionchange, then this succeeds
  });
  if (announce) emit('wiped');
}

// Another tab wrote: reload the mirror if the database changed since it was read.
export async function refresh() {
  if (!key) return;
  const lock = await readLock();
  if (lock && lock.gen !== gen && key) await load(key);
}

const order = (a, b) => (typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : typeof a === 'number' ? -1 : 1);

function view(name, stage, mode) {
  const staged = () => stage.get(name);
  const writable = () => {
    if (mode !== 'readwrite') throw new Error('read-only transaction');
    if (!stage.has(name)) stage.set(name, { cleared: false, puts: new Map() });
    return stage.get(name);
  };
  const current = (k) => {
    const s = staged();
    const v = s?.puts.has(k) ? s.puts.get(k) : s?.cleared ? undefined : mirror.get(name).get(k);
    return v === GONE ? undefined : v;
  };
  return {
    get: async (k) => {
      const v = current(k);
      return v === undefined ? undefined : structuredClone(v);
    },
    all: async () => {
      const s = staged();
      const m = new Map(s?.cleared ? [] : mirror.get(name));
      for (const [k, v] of s?.puts || []) v === GONE ? m.delete(k) : m.set(k, v);
      return [...m.entries()].sort((a, b) => order(a[0], b[0])).map(([, v]) => structuredClone(v));
    },
    put: async (v) => {
      writable().puts.set(v[KEYPATH[name]], structuredClone(v));
    },
    delete: async (k) => {
      writable().puts.set(k, GONE);
    },
    clear: async () => {
      const s = writable();
      s.cleared = true;
      s.puts.clear();
    },
  };
}

// One transaction, as store.tx: fn(os) gets os(name) → {get, all, put, delete, clear}. Reads see
// the transaction's own writes; all of them are committed together, or none. Transactions of this
// tab run one after the other. Throws Locked when locked (before or during).
export function tx(_stores, mode, fn) {
  const run = queue.then(() => runTx(mode, fn));
  queue = run.catch(() => {});
  return run;
}

async function runTx(mode, fn) {
  for (let attempt = 0; ; attempt++) {
    const k = key;
    if (!k) throw new Locked();
    const stage = new Map();
    const result = await fn((name) => view(name, stage, mode));
    if (mode !== 'readwrite' || !stage.size) return result;
    const sealed = new Map();
    for (const [name, s] of stage)
      for (const [rk, v] of s.puts) if (v !== GONE) sealed.set(`${name}\u0000${aad(name, rk)}`, { [KEYPATH[name]]: rk, ...(await seal(k, v, aad(name, rk))) });
    if (key !== k) throw new Locked();
    const db = await connect(false);
    if (!db || key !== k) throw new Locked();
    const t = db.transaction(['keys', ...stage.keys()], 'readwrite');
    const done = finished(t);
    done.catch(() => {});
    const lock = await req(t.objectStore('keys').get(LOCK));
    if (!lock || lock.gen !== gen) {
      t.abort();
      if (!lock) throw new Locked();
      if (attempt >= 5) throw new Error('the case data kept changing in another tab');
      await load(k); // another tab wrote meanwhile: read again and redo
      continue;
    }
    for (const [name, s] of stage) {
      const os = t.objectStore(name);
      if (s.cleared) os.clear();
      for (const [rk, v] of s.puts) {
        if (v === GONE) os.delete(rk);
        else os.put(sealed.get(`${name}\u0000${aad(name, rk)}`));
      }
    }
    t.objectStore('keys').put({ ...lock, gen: lock.gen + 1 });
    await done;
    if (key !== k) return result; // locked meanwhile: written, but nothing kept in memory
    for (const [name, s] of stage) {
      const m = s.cleared ? new Map() : mirror.get(name);
      for (const [rk, v] of s.puts) v === GONE ? m.delete(rk) : m.set(rk, v);
      mirror.set(name, m);
    }
    gen = lock.gen + 1;
    return result;
  }
}
