// Minimal promise wrapper around IndexedDB. Everything Homeward keeps lives here, on the device only:
//   bundles: {locale, version, etag, bytes, fetched_at, data, catalog}   one language per record (catalog: UI strings)
//   meta:    {key, value}                                       preferences, locale list, markers
//   steps:   {id: "<checklist>/<item>", done, at}               the user's own ticks ("my steps")
// Outreach workers' case data is NOT here: it lives encrypted in its own database (cases/vault.js).
// Version 2 of the app kept it in plain stores `cases`, `outbox`, `syncmeta` of this database;
// on a device that has them, cases/core.js takes their records into the encrypted database at the
// next sign-in and empties them (new devices never get them).
const DB_NAME = 'homeward';
const DB_VERSION = 3;
export const CASE_STORES = ['cases', 'outbox', 'syncmeta']; // the plain stores of version 2
// Anyone (v3, field/feedback.js): feedback: {id, ...} readers' feedback waiting to be sent
let dbp = null;

export function openDb() {
  if (!dbp) {
    dbp = new Promise((resolve, reject) => {
      const r = indexedDB.open(DB_NAME, DB_VERSION);
      r.onupgradeneeded = () => {
        const db = r.result;
        if (!db.objectStoreNames.contains('bundles')) db.createObjectStore('bundles', { keyPath: 'locale' });
        if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta', { keyPath: 'key' });
        if (!db.objectStoreNames.contains('steps')) db.createObjectStore('steps', { keyPath: 'id' });
        if (!db.objectStoreNames.contains('feedback')) db.createObjectStore('feedback', { keyPath: 'id' });
      };
      r.onsuccess = () => {
        const db = r.result;
        // A newer version of the app (another tab) upgrades the schema: let it, reopen next time.
        db.onversionchange = () => {
          db.close();
          dbp = null;
        };
        resolve(db);
      };
      r.onerror = () => reject(r.error);
      // onblocked: an older tab still has the database open; onsuccess follows once it closes.
    });
  }
  return dbp;
}

async function run(store, mode, fn) {
  const db = await openDb();
  const tx = db.transaction(store, mode);
  const result = fn(tx.objectStore(store));
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onabort = tx.onerror = () => reject(tx.error);
  });
  return result instanceof IDBRequest ? result.result : result;
}

export const get = (store, key) => run(store, 'readonly', (s) => s.get(key));
export const all = (store) => run(store, 'readonly', (s) => s.getAll());
export const put = (store, value) => run(store, 'readwrite', (s) => s.put(value));
export const del = (store, key) => run(store, 'readwrite', (s) => s.delete(key));
export const clear = (store) => run(store, 'readwrite', (s) => s.clear());

const asPromise = (r) =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

// One transaction over several stores: fn(os) gets os(name) → {get, all, put, delete, clear}
// returning promises. Await only these inside fn (anything else lets the transaction commit).
// Resolves with fn's result once the transaction has committed; rejects (and aborts) otherwise.
export async function tx(stores, mode, fn) {
  const db = await openDb();
  const t = db.transaction(stores, mode);
  const done = new Promise((resolve, reject) => {
    t.oncomplete = resolve;
    t.onabort = t.onerror = () => reject(t.error || new Error('transaction aborted'));
  });
  done.catch(() => {});
  const os = (name) => {
    const s = t.objectStore(name);
    return {
      get: (k) => asPromise(s.get(k)),
      all: () => asPromise(s.getAll()),
      put: (v) => asPromise(s.put(v)),
      delete: (k) => asPromise(s.delete(k)),
      clear: () => asPromise(s.clear()),
    };
  };
  let result;
  try {
    result = await fn(os);
  } catch (e) {
    try {
      t.abort();
    } catch {
      // already finished
    }
    throw e;
  }
  await done;
  return result;
}

export async function getMeta(key, fallback = null) {
  const rec = await get('meta', key);
  return rec ? rec.value : fallback;
}
export const setMeta = (key, value) => put('meta', { key, value });

// Bundles are large: list them without pulling every document into memory twice.
export function bundleSummaries() {
  return run('bundles', 'readonly', (s) => {
    const out = [];
    s.openCursor().onsuccess = (e) => {
      const c = e.target.result;
      if (!c) return;
      const { locale, version, etag, bytes, fetched_at, catalog } = c.value;
      out.push({ locale, version, etag, bytes, fetched_at, catalog_etag: catalog ? catalog.etag : null });
      c.continue();
    };
    return out;
  });
}
