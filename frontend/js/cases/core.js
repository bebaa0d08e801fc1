// Outreach workers' cases on the device, and their sync. Design: frontend/README.md ("Cases").
// No DOM here. Loaded on demand (app.js); not precached for readers: the first worker module
// to load asks the service worker to keep every worker module for offline use.
import * as store from '../store.js';
import { keepOffline } from '../updates.js';
import { applyAll, baseVersion, coalesce, maxClock } from './outbox.js';

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

// --- the device's records (stores cases, outbox, syncmeta) ------------------------------------
const ALL = store.CASE_STORES;
export const bus = new EventTarget(); // 'changed' (data, in any tab) and 'status' (sync, this tab)
const channel = self.BroadcastChannel ? new BroadcastChannel('hw-cases') : null;
if (channel) channel.onmessage = () => bus.dispatchEvent(new Event('changed'));

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
const read = (fn) => store.tx(ALL, 'readonly', fn);
// A write of a sync run: skipped when the account changed meanwhile (e.g. signed out).
const write = (userId, fn) =>
  store.tx(ALL, 'readwrite', async (os) => {
    const u = await meta(os, 'user', null);
    if (u && u.id === userId) await fn(os);
  });

export const getUser = () => read((os) => meta(os, 'user', null));
const getSync = () => read((os) => meta(os, 'sync', FRESH));
export const outbox = () => read((os) => os('outbox').all()); // in seq order
const updateSync = (userId, changes) => write(userId, async (os) => setMeta(os, 'sync', { ...(await meta(os, 'sync', FRESH)), ...changes }));

// Everything a screen shows, from one consistent read.
export const snapshot = () =>
  read(async (os) => ({
    cases: (await os('cases').all()).map((r) => r.view).filter(Boolean),
    outbox: await os('outbox').all(),
    user: await meta(os, 'user', null),
    sync: await meta(os, 'sync', FRESH),
    notices: await meta(os, 'notices', []),
    rejected: await meta(os, 'rejected', []),
  }));

export async function dismiss(kind, id) {
  await store.tx(ALL, 'readwrite', async (os) =>
    setMeta(
      os,
      kind,
      (await meta(os, kind, [])).filter((x) => x.id !== id),
    ),
  );
  changed();
}

// After a sign-in: the same account keeps everything; another one gets a clean device (a device
// id belongs to one account). Resolves with the other account when its changes are waiting.
async function adoptUser(user) {
  const blocked = await store.tx(ALL, 'readwrite', async (os) => {
    const prev = await meta(os, 'user', null);
    const sync = await meta(os, 'sync', null);
    if (prev && prev.id === user.id && sync) {
      await setMeta(os, 'user', user);
      await setMeta(os, 'sync', { ...sync, auth: null });
      return null;
    }
    if (prev && (await os('outbox').all()).length) return prev;
    for (const s of ALL) await os(s).clear();
    await setMeta(os, 'user', user);
    await setMeta(os, 'sync', { ...FRESH, device: deviceId() });
    return null;
  });
  changed();
  return blocked;
}

// One change by the worker: case record and outbox entry in ONE transaction, before it is shown.
export async function mutate(type, caseId, fields) {
  await store.tx(ALL, 'readwrite', async (os) => {
    const user = await meta(os, 'user', null);
    const sync = await meta(os, 'sync', null);
    if (!user) return; // signed out meanwhile (another tab): the screen redraws without the case
    const rec = (await os('cases').get(caseId)) || { id: caseId, server: null };
    const mine = (await os('outbox').all()).filter((x) => x.case_id === caseId);
    const inflight = mine.filter((x) => x.seq <= sync.sent_upto);
    sync.seq += 1;
    sync.clock += 1;
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
  constructor(res) {
    super(res.status);
    this.status = res.status;
    this.retryAfter = Number(res.headers.get('Retry-After')) || 60;
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
  if (!res.ok) throw new HttpError(res);
  return res.status === 204 ? null : res.json();
}

const errorCode = (e) => (!(e instanceof HttpError) ? 'network' : { 401: 'auth', 403: 'forbidden' }[e.status] || 'server');

// Resolves with {user} or {error: offline | credentials | throttled | role | other_account | …}.
export async function signIn(email, password) {
  if (!navigator.onLine) return { error: 'offline' };
  await flushLogout();
  let user;
  try {
    ({ user } = await api('POST', '/auth/login', { email, password })); // the token is not kept
  } catch (e) {
    const s = e.status;
    return s === 401 || s === 422 ? { error: 'credentials' } : s === 429 ? { error: 'throttled', retryAfter: e.retryAfter } : { error: errorCode(e) };
  }
  const blocked = user.role === 'worker' ? await adoptUser({ id: user.id, email: user.email }) : null;
  if (user.role !== 'worker' || blocked) {
    await logoutOnServer();
    return { error: blocked ? 'other_account' : 'role', email: blocked?.email };
  }
  await refreshRules();
  start();
  return { user };
}

const logoutOnServer = () =>
  api('POST', '/auth/logout').then(
    () => true,
    (e) => e.status === 401,
  );

async function flushLogout() {
  if (navigator.onLine && (await read((os) => meta(os, 'logout_pending', false))) && (await logoutOnServer())) {
    await store.tx(ALL, 'readwrite', (os) => os('syncmeta').delete('logout_pending'));
  }
}

// Wipes cases, outbox and sync state (inside the lock, so no sync writes after it; the guide
// stays), then ends the session; offline, that waits for the next connection.
export async function signOut() {
  await withLock(async () => {
    await store.tx(ALL, 'readwrite', async (os) => {
      for (const s of ALL) await os(s).clear();
      await setMeta(os, 'logout_pending', true);
    });
    changed();
    await flushLogout();
  });
  setStatus({ running: false, error: null });
}

const withLock = (fn) => (navigator.locks ? navigator.locks.request('hw-outbox', fn) : fn());

// Push the outbox in order. Refused changes leave it at once (and are kept to be shown); the
// accepted ones leave it after the pull, so a change made meanwhile knows its base is unknown.
async function push(user, accepted) {
  for (let round = 0; round < 100; round++) {
    const batch = (await outbox()).filter((m) => !accepted.has(m.id)).slice(0, 200);
    if (!batch.length) return;
    const sync = await getSync();
    // From now on these may reach the server even if no answer comes back: never fold them.
    await updateSync(user.id, { sent_upto: Math.max(sync.sent_upto, batch[batch.length - 1].seq) });
    const { results } = await api('POST', '/sync/cases', { device_id: sync.device, mutations: batch });
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
        sync.clock = Math.max(sync.clock, maxClock(snap));
      }
      for (const id of data.purge) await os('cases').delete(id);
      const notices = await meta(os, 'notices', []);
      const seen = new Set(notices.map((n) => n.id));
      await setMeta(os, 'notices', [...notices, ...data.notices.filter((n) => !seen.has(n.id))]);
      await setMeta(os, 'sync', { ...sync, cursor: data.cursor, ...(last ? { last_sync: new Date().toISOString(), auth: null } : {}) });
      if (last) await rebuild(os, new Set((await os('cases').all()).map((r) => r.id))); // without what was sent
    });
    changed();
    if (last) return;
  }
}

export const syncNow = () =>
  withLock(async () => {
    const user = await getUser();
    if (!user) return;
    if (!navigator.onLine) return setStatus({ error: 'offline' });
    setStatus({ running: true, error: null });
    await refreshRules();
    const accepted = new Set();
    try {
      await push(user, accepted);
      await pull(user, accepted);
      setStatus({ running: false });
    } catch (e) {
      const error = errorCode(e);
      if (error === 'auth') await updateSync(user.id, { auth: 'expired' }); // the outbox stays
      setStatus({ running: false, error });
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
  return syncNow();
}

addEventListener('online', flushLogout);

// From the app shell on open, when this device holds a worker's data or a logout to send.
export async function boot() {
  await flushLogout();
  if (await getUser()) await start();
}
