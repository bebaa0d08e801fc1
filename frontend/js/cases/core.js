// Outreach workers' cases on the device, and their sync. Design: frontend/README.md ("Cases").
// No DOM here. Loaded on demand (app.js); not precached for readers: the first worker module
// to load asks the service worker to keep every worker module for offline use. The case data lives
// encrypted in its own database (vault.js); locked, nothing here can read it and sync waits.
import * as store from '../store.js';
import { keepOffline } from '../updates.js';
import { adoptClock, applyAll, baseVersion, coalesce, maxClock, nextClock } from './outbox.js';
import { pinProblem } from './seal.js';
import * as vault from './vault.js';

keepOffline('/static/js/cases/');

// --- ids and the case rules -------------------------------------------------------------------
export const uuid = () => crypto.randomUUID();
const deviceId = () =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

// The case rules (rules.js) as last downloaded, or null. Kept in `meta` (nothing personal in
// them, so they stay after sign-out), revalidated with their ETag at sign-in and every sync.
export const rules = () => store.getMeta('case_rules', null).then((r) => r?.data || null);

export async function refreshRules() {
  if (!navigator.onLine) return;
  const old = await store.getMeta('case_rules', null);
  try {
    const res = await fetch('/api/v1/cases/rules', {
      headers: old?.etag ? { 'If-None-Match': old.etag } : {},
      cache: 'no-store',
      credentials: 'omit',
      signal: AbortSignal.timeout(30000),
    });
    if (!res.ok) return; // 304: unchanged
    const data = await res.json();
    if (data?.reference && Array.isArray(data.countries)) await store.setMeta('case_rules', { etag: res.headers.get('ETag'), data });
  } catch {
    // offline or server trouble: keep what we have
  }
}

const today = (d = new Date()) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

// --- the device's records (stores cases, outbox, syncmeta of vault.js) -------------------------
const ALL = vault.STORES;
export const bus = new EventTarget(); // 'changed' (data, in any tab) and 'status' (sync, this tab)
const channel = self.BroadcastChannel ? new BroadcastChannel('hw-cases') : null;
if (channel)
  channel.onmessage = () =>
    vault.refresh().then(
      () => bus.dispatchEvent(new Event('changed')),
      () => {},
    );

export function changed() {
  bus.dispatchEvent(new Event('changed'));
  if (channel) channel.postMessage(1);
}

const meta = async (os, key, fallback) => {
  const rec = await os('syncmeta').get(key);
  return rec ? rec.value : fallback;
};
const setMeta = (os, key, value) => os('syncmeta').put({ key, value });
const FRESH = { device: null, seq: 0, clock: 0, cursor: null, last_sync: null, sent_upto: 0, auth: null };
const read = (fn) => vault.tx(ALL, 'readonly', fn);
// A write of a sync run: skipped when the account changed meanwhile (e.g. signed out).
const write = (userId, fn) =>
  vault.tx(ALL, 'readwrite', async (os) => {
    const u = await meta(os, 'user', null);
    if (u && u.id === userId) await fn(os);
  });

// Not unlocked (no worker data, or locked): no user and nothing to show.
export const getUser = () => (vault.isOpen() ? read((os) => meta(os, 'user', null)) : Promise.resolve(null));
const getSync = () => read((os) => meta(os, 'sync', FRESH));
export const outbox = () => read((os) => os('outbox').all()); // in seq order
const updateSync = (userId, changes) => write(userId, async (os) => setMeta(os, 'sync', { ...(await meta(os, 'sync', FRESH)), ...changes }));

// Everything a screen shows, from one consistent read.
const EMPTY = { cases: [], outbox: [], user: null, sync: FRESH, notices: [], rejected: [] };
export const snapshot = () =>
  !vault.isOpen()
    ? Promise.resolve(structuredClone(EMPTY))
    : read(async (os) => ({
        cases: (await os('cases').all()).map((r) => r.view).filter(Boolean),
        outbox: await os('outbox').all(),
        user: await meta(os, 'user', null),
        sync: await meta(os, 'sync', FRESH),
        notices: await meta(os, 'notices', []),
        rejected: await meta(os, 'rejected', []),
      }));

export async function dismiss(kind, id) {
  await vault.tx(ALL, 'readwrite', async (os) =>
    setMeta(
      os,
      kind,
      (await meta(os, kind, [])).filter((x) => x.id !== id),
    ),
  );
  changed();
}

// After a sign-in on an unlocked device: the same account keeps everything. Another account is
// refused (its cases would sit under the previous worker's PIN): 'waiting' when the previous
// account's changes still wait, 'other' otherwise (sign out first).
async function adoptUser(user) {
  const outcome = await vault.tx(ALL, 'readwrite', async (os) => {
    const prev = await meta(os, 'user', null);
    const sync = await meta(os, 'sync', null);
    if (prev && prev.id === user.id && sync) {
      await setMeta(os, 'user', user);
      await setMeta(os, 'sync', { ...sync, auth: null });
      return { ok: true };
    }
    if (!prev || !sync) {
      await setMeta(os, 'user', user);
      await setMeta(os, 'sync', { ...FRESH, device: deviceId() });
      return { ok: true };
    }
    return { error: (await os('outbox').all()).length ? 'other_account' : 'signout_first', email: prev.email };
  });
  changed();
  return outcome;
}

// Case data written by a version of the app before on-device encryption (plain records in the
// `homeward` database): taken into the encrypted database when the same worker signs in, and
// erased from the plain stores in any case.
async function importLegacy(userId) {
  const db = await store.openDb();
  if (!store.CASE_STORES.every((s) => db.objectStoreNames.contains(s))) return;
  const old = await store.tx(store.CASE_STORES, 'readonly', async (os) => Object.fromEntries(await Promise.all(store.CASE_STORES.map(async (s) => [s, await os(s).all()]))));
  const user = old.syncmeta.find((r) => r.key === 'user')?.value;
  if (user && user.id === userId) {
    await vault.tx(ALL, 'readwrite', async (os) => {
      for (const s of ALL) for (const r of old[s]) if (!(s === 'syncmeta' && r.key === 'logout_pending')) await os(s).put(r);
    });
  }
  await clearLegacy();
}

async function clearLegacy() {
  const db = await store.openDb();
  if (store.CASE_STORES.every((s) => db.objectStoreNames.contains(s)))
    await store.tx(store.CASE_STORES, 'readwrite', async (os) => Promise.all(store.CASE_STORES.map((s) => os(s).clear())));
}

// One change by the worker: case record and outbox entry in ONE transaction, before it is shown.
export async function mutate(type, caseId, fields) {
  const bound = (await rules())?.max_counter;
  await vault.tx(ALL, 'readwrite', async (os) => {
    const user = await meta(os, 'user', null);
    const sync = await meta(os, 'sync', null);
    if (!user) return; // signed out meanwhile (another tab): the screen redraws without the case
    const rec = (await os('cases').get(caseId)) || { id: caseId, server: null };
    const mine = (await os('outbox').all()).filter((x) => x.case_id === caseId);
    const inflight = mine.filter((x) => x.seq <= sync.sent_upto);
    sync.seq += 1;
    sync.clock = nextClock(sync.clock, bound);
    const m = { id: uuid(), seq: sync.seq, type, case_id: caseId, clock: sync.clock, created_at: new Date().toISOString(), ...fields };
    if (type === 'set_item' && m.done) m.done_on = today();
    const base = baseVersion(m, rec.server, inflight);
    if (base !== undefined) m.base_version = base;
    const { drop, keep, fold } = coalesce(
      m,
      mine.filter((x) => x.seq > sync.sent_upto),
    );
    for (const p of drop) await os('outbox').delete(p.seq);
    if (fold && !drop.has(fold)) await os('outbox').put(fold);
    if (keep) await os('outbox').put(m);
    await setMeta(os, 'sync', sync);
    const rest = [...mine.filter((x) => !drop.has(x)), ...(keep ? [m] : [])];
    await view(os, rec, rest, user);
  });
  changed();
}

async function view(os, rec, mutations, user) {
  rec.view = applyAll(rec.server, mutations, user);
  if (rec.view || rec.server) await os('cases').put(rec);
  else await os('cases').delete(rec.id);
}

async function rebuild(os, caseIds) {
  const user = await meta(os, 'user', null);
  const box = await os('outbox').all();
  for (const id of caseIds)
    await view(
      os,
      (await os('cases').get(id)) || { id, server: null },
      box.filter((m) => m.case_id === id),
      user,
    );
}

// --- the server --------------------------------------------------------------------------------
// The session is an HttpOnly cookie: this code never sees or stores a token.
const state = { running: false, error: null }; // error: offline | auth | forbidden | network | server
export const status = () => ({ ...state });
function setStatus(changes) {
  Object.assign(state, changes);
  bus.dispatchEvent(new Event('status'));
}

class HttpError extends Error {
  constructor(res, body) {
    super(res.status);
    this.status = res.status;
    const after = Number(res.headers.get('Retry-After'));
    this.retryAfter = Number.isFinite(after) && after >= 0 ? after : null; // seconds
    this.wipe = res.status === 401 && body?.wipe === true; // the account was disabled
  }
}

async function api(method, path, body) {
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers: { 'X-Homeward-CSRF': '1', 'Content-Type': 'application/json' },
    body: body && JSON.stringify(body),
    cache: 'no-store',
    signal: AbortSignal.timeout(30000),
  });
  if (!res.ok) throw new HttpError(res, res.status === 401 ? await res.json().catch(() => null) : null);
  return res.status === 204 ? null : res.json();
}

const errorCode = (e) =>
  e instanceof vault.Locked ? 'locked' : !(e instanceof HttpError) ? 'network' : { 401: 'auth', 403: 'forbidden', 413: 'busy', 429: 'busy', 503: 'busy' }[e.status] || 'server';

// The lock of the case data (idle, background, wrong PINs), as the server serves it in the case
// rules. Sign-in downloads the rules first, so they are there whenever case data is; the
// fallback only keeps a device whose rules were lost on the safe side.
const device = async () => (await rules())?.device || { pin_min_length: 6, lock_idle_minutes: 1, lock_hidden_minutes: 0, max_pin_failures: 3 };
export const deviceRules = device;

// Resolves with {user} or {error: offline | credentials | throttled | role | other_account |
// signout_first | locked | pin | …}. `pin`: the PIN or passphrase chosen for the case data on this
// phone, needed unless this device is unlocked (then the account must be the same).
export async function signIn(email, password, pin = null) {
  if (!navigator.onLine) return { error: 'offline' };
  await flushLogout();
  await refreshRules();
  if (!(await rules())) return { error: 'network' };
  const st = await vault.state();
  if (st === 'locked') return { error: 'locked' };
  if (st !== 'open' && pinProblem(pin, (await device()).pin_min_length)) return { error: 'pin' };
  let user;
  try {
    ({ user } = await api('POST', '/auth/login', { email, password })); // the token is not kept
  } catch (e) {
    const s = e.status;
    return s === 401 || s === 422 ? { error: 'credentials' } : s === 429 ? { error: 'throttled', retryAfter: e.retryAfter ?? 60 } : { error: errorCode(e) };
  }
  if (user.role !== 'worker') {
    await logoutOnServer();
    return { error: 'role' };
  }
  if (st !== 'open') {
    await vault.create(pin);
    await importLegacy(user.id);
  }
  const outcome = await adoptUser({ id: user.id, email: user.email });
  if (outcome.error) {
    await logoutOnServer();
    return outcome;
  }
  await store.setMeta('logout_pending', false);
  erased = null;
  start();
  return { user };
}

const logoutOnServer = () =>
  api('POST', '/auth/logout').then(
    () => true,
    (e) => e.status === 401,
  );

// A sign-out that could not reach the server: a marker in the guide's database (the worker
// database is gone by then), sent on the next connection.
async function flushLogout() {
  if (navigator.onLine && (await store.getMeta('logout_pending', false)) && (await logoutOnServer())) await store.setMeta('logout_pending', false);
}

// Why the case data was last erased without the worker asking (this tab): 'pin' (too many wrong
// PINs), 'disabled' (the account was disabled on the server), until the next sign-in. Shown by
// the sign-in screen.
let erased = null;
export const erasedReason = () => erased;

// Deletes the whole worker database (not only its stores) and any plain case data of an older
// version; the guide stays.
async function eraseDevice(why = null) {
  stopLockWatch();
  clearTimeout(retryTimer);
  erased = why;
  await vault.wipe();
  await clearLegacy().catch(() => {});
  changed();
}

// Sign-out: erases the case data (inside the sync lock, so no sync writes after it), then ends
// the session; offline, that waits for the next connection.
export async function signOut(why = null) {
  await withLock(async () => {
    await store.setMeta('logout_pending', true);
    await eraseDevice(why);
    await flushLogout();
  });
  setStatus({ running: false, error: null });
}

// "Wipe and exit": at once, without waiting for a sync in progress (its writes fail once the key
// is gone). Then the session ends: waited for at most 2 s (the screen is blank already), and the
// request outlives the page (keepalive); if it cannot be sent, the marker sends it on the next
// connection.
export async function wipeDevice() {
  await store.setMeta('logout_pending', true).catch(() => {});
  await eraseDevice();
  if (!navigator.onLine) return;
  const logout = fetch('/api/v1/auth/logout', { method: 'POST', headers: { 'X-Homeward-CSRF': '1' }, keepalive: true, cache: 'no-store' });
  const ended = await Promise.race([
    logout.then(
      (r) => r.ok || r.status === 401,
      () => false,
    ),
    new Promise((resolve) => setTimeout(resolve, 2000, false)),
  ]);
  if (ended) await store.setMeta('logout_pending', false).catch(() => {});
}

// --- the lock ------------------------------------------------------------------------------------
// Resolves with {ok}, {left: n} or {wiped} (that was the last allowed wrong PIN: the case data is
// erased and the session ended).
export async function unlock(pin) {
  const r = await vault.unlock(pin, (await device()).max_pin_failures);
  if (r.wiped) await signOut('pin');
  if (r.ok) start();
  return r;
}

export const lock = () => vault.lock();
export const lockState = () => vault.state();

// Locks after lock_idle_minutes without a touch or a key, and when the app was in the background
// longer than lock_hidden_minutes (0: as soon as it is hidden).
let lastActive = Date.now();
let idleTimer = null;
let hiddenTimer = null;
let hiddenAt = null;
let watching = false;
const ACTIVITY = ['pointerdown', 'keydown', 'touchstart', 'wheel', 'input'];
const touched = () => {
  lastActive = Date.now();
};

async function checkIdle() {
  clearTimeout(idleTimer);
  if (!vault.isOpen()) return;
  const limit = (await device()).lock_idle_minutes * 60000;
  const left = lastActive + limit - Date.now();
  if (left <= 0) vault.lock();
  else idleTimer = setTimeout(checkIdle, Math.min(left, 2 ** 31 - 1));
}

async function onVisibility() {
  const limit = (await device()).lock_hidden_minutes * 60000;
  clearTimeout(hiddenTimer);
  if (document.visibilityState === 'hidden') {
    hiddenAt = Date.now();
    if (limit <= 0) vault.lock();
    else hiddenTimer = setTimeout(() => document.visibilityState === 'hidden' && vault.lock(), limit);
    return;
  }
  if (hiddenAt !== null && Date.now() - hiddenAt >= limit) vault.lock();
  hiddenAt = null;
  checkIdle();
}

function startLockWatch() {
  lastActive = Date.now();
  if (!watching) {
    watching = true;
    for (const e of ACTIVITY) addEventListener(e, touched, { capture: true, passive: true });
    document.addEventListener('visibilitychange', onVisibility);
  }
  checkIdle();
}

function stopLockWatch() {
  clearTimeout(idleTimer);
  clearTimeout(hiddenTimer);
}

vault.events.addEventListener('locked', () => {
  stopLockWatch();
  clearTimeout(retryTimer);
  setStatus({ running: false, error: null });
});
vault.events.addEventListener('wiped', () => {
  stopLockWatch();
  changed();
});

const withLock = (fn) => (navigator.locks ? navigator.locks.request('hw-outbox', fn) : fn());

// Push the outbox in order. Refused changes leave it at once (and are kept to be shown); the
// accepted ones leave it after the pull, so a change made meanwhile knows its base is unknown.
let batchSize = 200; // halved after a 413 (the request was too large), back to 200 after a success
async function push(user, accepted) {
  for (let round = 0; round < 10000; round++) {
    const batch = (await outbox()).filter((m) => !accepted.has(m.id)).slice(0, batchSize);
    if (!batch.length) return;
    const sync = await getSync();
    // From now on these may reach the server even if no answer comes back: never fold them.
    await updateSync(user.id, { sent_upto: Math.max(sync.sent_upto, batch[batch.length - 1].seq) });
    let results;
    try {
      ({ results } = await api('POST', '/sync/cases', { device_id: sync.device, mutations: batch }));
    } catch (e) {
      if (e.status === 413) batchSize = Math.max(1, Math.floor(batch.length / 2));
      throw e;
    }
    const byId = new Map(batch.map((m) => [m.id, m]));
    // A replay of a refused change is answered "duplicate" with the original reason.
    const refused = results.filter((r) => r.status === 'rejected' || (r.status === 'duplicate' && r.reason));
    for (const r of results) accepted.add(r.mutation_id);
    if (refused.length) {
      await write(user.id, async (os) => {
        const list = await meta(os, 'rejected', []);
        for (const r of refused) {
          const m = byId.get(r.mutation_id);
          list.push({ id: m.id, reason: r.reason, mutation: m });
          await os('outbox').delete(m.seq);
        }
        await setMeta(os, 'rejected', list);
        await rebuild(os, new Set(refused.map((r) => byId.get(r.mutation_id).case_id)));
      });
    }
  }
}

// Pull every page (has_more, never the page length); each page and its cursor in one transaction.
async function pull(user, accepted) {
  const bound = (await rules())?.max_counter;
  for (let page = 0; page < 10000; page++) {
    const { cursor } = await getSync();
    let data;
    try {
      data = await api('GET', `/sync/cases?limit=100${cursor ? `&since=${encodeURIComponent(cursor)}` : ''}`);
    } catch (e) {
      if (e.status !== 410 || !cursor) throw e;
      // The server does not know our cursor: drop the case data (never the outbox), start over.
      await write(user.id, async (os) => {
        await os('cases').clear();
        await setMeta(os, 'sync', { ...(await meta(os, 'sync', FRESH)), cursor: null });
        await rebuild(os, new Set((await os('outbox').all()).map((m) => m.case_id)));
      });
      continue;
    }
    const last = !data.has_more;
    await write(user.id, async (os) => {
      const sync = { ...(await meta(os, 'sync', FRESH)) };
      if (last) for (const m of await os('outbox').all()) if (accepted.has(m.id)) await os('outbox').delete(m.seq);
      const box = await os('outbox').all();
      for (const snap of data.cases) {
        await view(
          os,
          { id: snap.id, server: snap },
          box.filter((m) => m.case_id === snap.id),
          user,
        );
        sync.clock = adoptClock(sync.clock, maxClock(snap), bound);
      }
      // Cases this worker was taken off (or closed long ago): erased from the device, with the
      // changes still waiting for them, their notices and refused changes.
      const purge = new Set(data.purge);
      for (const id of purge) await os('cases').delete(id);
      for (const m of await os('outbox').all()) if (purge.has(m.case_id)) await os('outbox').delete(m.seq);
      await setMeta(
        os,
        'rejected',
        (await meta(os, 'rejected', [])).filter((r) => !purge.has(r.mutation.case_id)),
      );
      const notices = (await meta(os, 'notices', [])).filter((n) => !purge.has(n.case_id));
      const seen = new Set(notices.map((n) => n.id));
      await setMeta(os, 'notices', [...notices, ...data.notices.filter((n) => !seen.has(n.id) && !purge.has(n.case_id))]);
      await setMeta(os, 'sync', { ...sync, cursor: data.cursor, ...(last ? { last_sync: new Date().toISOString(), auth: null } : {}) });
      if (last) await rebuild(os, new Set((await os('cases').all()).map((r) => r.id))); // without what was sent
    });
    changed();
    if (last) return;
  }
}

// After a 429, 503 or 413 the outbox stays and sync tries again by itself: after the server's
// Retry-After, and at least 1, 2, 4, … seconds (up to 10 minutes) after each failure in a row.
let retryTimer = null;
let failures = 0;
function retryLater(e) {
  const wait = Math.min(600, Math.max(e.retryAfter ?? 0, 2 ** failures));
  failures += 1;
  clearTimeout(retryTimer);
  retryTimer = setTimeout(syncNow, wait * 1000);
  return wait;
}

// Locked: nothing is read or sent; sync runs again once the worker unlocks.
export const syncNow = () =>
  withLock(async () => {
    if (!vault.isOpen()) return;
    clearTimeout(retryTimer);
    let user;
    try {
      user = await getUser();
    } catch {
      return; // locked meanwhile
    }
    if (!user) return;
    if (!navigator.onLine) return setStatus({ error: 'offline' });
    setStatus({ running: true, error: null });
    await refreshRules();
    const accepted = new Set();
    try {
      await push(user, accepted);
      await pull(user, accepted);
      failures = 0;
      batchSize = 200;
      setStatus({ running: false, retryIn: null });
    } catch (e) {
      if (e.wipe) {
        // The account was disabled: erase everything it holds here; the session is gone already.
        await store.setMeta('logout_pending', false);
        await eraseDevice('disabled');
        setStatus({ running: false, error: null });
        return;
      }
      const error = errorCode(e);
      if (error === 'auth') await updateSync(user.id, { auth: 'expired' }).catch(() => {}); // the outbox stays
      const retryIn = error === 'busy' ? retryLater(e) : null;
      setStatus({ running: false, error: error === 'locked' ? null : error, retryIn });
    }
    changed();
  });

let timer = null;
// A change by the worker: stored first, sent shortly after (several quick ones together).
export async function change(type, caseId, fields = {}) {
  await mutate(type, caseId, fields);
  clearTimeout(timer);
  timer = setTimeout(syncNow, 1200);
}

// Taking a colleague off a case needs the server: online only. Resolves with null, or offline |
// last (409: the case always keeps one worker) | unknown | auth | …
export async function removeColleague(caseId, userId) {
  if (!navigator.onLine) return 'offline';
  try {
    await api('DELETE', `/cases/${encodeURIComponent(caseId)}/workers/${encodeURIComponent(userId)}`);
  } catch (e) {
    return e.status === 409 ? 'last' : e.status === 404 ? 'unknown' : errorCode(e);
  }
  await syncNow();
  return null;
}

// Adding a colleague needs the server (it checks the account): online only.
export async function addColleague(caseId, email) {
  if (!navigator.onLine) return 'offline';
  await syncNow(); // the case may still be waiting to be created on the server
  try {
    await api('POST', `/cases/${encodeURIComponent(caseId)}/workers`, { email });
  } catch (e) {
    return e.status === 404 || e.status === 422 ? 'unknown' : errorCode(e);
  }
  await syncNow();
  return null;
}

let started = false;
function start() {
  if (!started) {
    started = true;
    addEventListener('online', syncNow);
    addEventListener('offline', () => setStatus({ error: 'offline' }));
    document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && syncNow());
  }
  startLockWatch();
  return syncNow();
}

addEventListener('online', flushLogout);

// From the app shell on open, when this device holds a worker's data or a logout to send. The
// data is locked on open: sync starts once the worker has unlocked it.
export async function boot() {
  await flushLogout();
  if (vault.isOpen()) await start();
}
