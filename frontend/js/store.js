// Minimal promise wrapper around IndexedDB. Everything Homeward keeps lives here, on the device only:
//   bundles: {locale, version, etag, bytes, fetched_at, data}   one language bundle per record
//   meta:    {key, value}                                       preferences, locale list, markers
//   steps:   {id: "<checklist>/<item>", done, at}               the user's own ticks ("my steps")
const DB_NAME = 'homeward';
const DB_VERSION = 1;
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
      };
      r.onsuccess = () => {
        const db = r.result;
        db.onversionchange = () => db.close();
        resolve(db);
      };
      r.onerror = () => reject(r.error);
      r.onblocked = () => reject(new Error('IndexedDB blocked'));
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
      const { locale, version, etag, bytes, fetched_at } = c.value;
      out.push({ locale, version, etag, bytes, fetched_at });
      c.continue();
    };
    return out;
  });
}
