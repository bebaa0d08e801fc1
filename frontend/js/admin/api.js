// The admin screens' one way to call the server: JSON over fetch with the session cookie and the
// CSRF header (app/accounts/deps.py), server messages in the UI language (Accept-Language), and
// every failure as one shape, a parsed RFC 9457 problem:
//   {status, title, detail, errors: [{field, message, type}]}
// status 0 means the server was not reached (offline or network trouble). `field` is the name of
// the request field concerned ('' when the problem is about the whole request): from a 422's
// `errors[].loc` (['body', 'email'] → 'email'), or from an app error's `field` member.
// No DOM here: the pure parts are unit-tested in Node (frontend/tests/admin-api.test.js).
import { uiLocale } from '../i18n.js';

export const API = '/api/v1';
export const CSRF_HEADER = 'X-Homeward-CSRF'; // app/accounts/deps.py CSRF_HEADER

export class ApiError extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.problem = problem;
    this.status = problem.status;
  }
}

// ['body', 'languages', 0] → 'languages'; ['query', 'since'] → 'since'; ['body'] → ''.
export function fieldOf(loc) {
  if (!Array.isArray(loc)) return '';
  const rest = ['body', 'query', 'path', 'header', 'cookie'].includes(loc[0]) ? loc.slice(1) : loc;
  const name = rest.find((x) => typeof x === 'string');
  return name || '';
}

export function parseProblem(status, body) {
  const doc = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
  const str = (v) => (typeof v === 'string' ? v : '');
  const errors = [];
  if (Array.isArray(doc.errors)) {
    for (const e of doc.errors) {
      if (!e || typeof e !== 'object') continue;
      // loc kept as sent: the content editor places errors inside `fields` by it.
      errors.push({ field: fieldOf(e.loc), message: str(e.msg), type: str(e.type), loc: Array.isArray(e.loc) ? e.loc : [] });
    }
  }
  // An app error about one field (e.g. {"field": "password", "detail": "This password is too common…"}).
  if (typeof doc.field === 'string' && doc.field) errors.push({ field: doc.field, message: str(doc.detail), type: 'app' });
  const problem = { status: Number.isInteger(doc.status) ? doc.status : status, title: str(doc.title), detail: str(doc.detail), errors };
  // A 409 of the content editor carries the newer revision.
  if (doc.current && typeof doc.current === 'object') problem.current = doc.current;
  return problem;
}

export const unreachable = () => ({ status: 0, title: '', detail: '', errors: [] });

// The messages of a problem by field name (the first one of each field); '' for the whole request.
export function errorsByField(problem) {
  const out = {};
  for (const e of problem?.errors || []) if (!(e.field in out)) out[e.field] = e;
  return out;
}

// '?a=1&b=x' from an object; null, undefined and '' are left out.
export function queryString(params) {
  if (!params) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.append(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// request('GET', '/admin/users') → the JSON answer (null for 204); throws ApiError.
// `raw`: a body sent as is (a PO file) with its content `type`.
export async function request(method, path, { body, query, raw = null, type = 'application/json', timeout = 30000 } = {}) {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) throw new ApiError(unreachable());
  const headers = { Accept: 'application/json, application/problem+json', [CSRF_HEADER]: '1', 'Accept-Language': uiLocale() };
  if (body !== undefined || raw !== null) headers['Content-Type'] = type;
  let res;
  try {
    res = await fetch(API + path + queryString(query), {
      method,
      headers,
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: AbortSignal.timeout(timeout),
    });
  } catch {
    throw new ApiError(unreachable());
  }
  if (res.ok) return res.status === 204 ? null : res.json();
  const doc = await res.json().catch(() => null);
  throw new ApiError(parseProblem(res.status, doc));
}

export const get = (path, query) => request('GET', path, { query });
export const post = (path, body) => request('POST', path, { body });
export const put = (path, body) => request('PUT', path, { body });
export const patch = (path, body) => request('PATCH', path, { body });
export const del = (path) => request('DELETE', path);
// The content screens' form: api('PUT', path, body) or api('POST', path, undefined, { raw, type }).
export const api = (method, path, body, { raw = null, type = 'application/json' } = {}) => request(method, path, { body, raw, type, timeout: 60000 });

export const STAFF = ['admin', 'editor', 'translator'];

// The signed-in person ({id, email, role}) or null (not signed in).
export async function me() {
  try {
    return await get('/auth/me');
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

export const signIn = (email, password) => post('/auth/login', { email, password }).then((r) => r.user); // the token is not kept
export const signOut = () => post('/auth/logout').catch((e) => (e.status === 401 ? null : Promise.reject(e)));

export const entityPath = (kind, key, locale) => `/admin/content/${encodeURIComponent(kind)}/${encodeURIComponent(key)}/${encodeURIComponent(locale)}`;

// The audit log's date filter: whole days in the admin's own time zone, as instants. `from` and
// `to` are 'YYYY-MM-DD' (an <input type=date>) or ''; `to` includes its whole day.
export function dayRange(from, to) {
  const start = (day) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || '');
    return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
  };
  const a = start(from);
  const b = start(to);
  if (b) b.setDate(b.getDate() + 1);
  return { since: a ? a.toISOString() : null, until: b ? b.toISOString() : null };
}

// A page of a newest-first list asked with limit + 1: the rows to show and whether older ones exist.
export function page(rows, limit) {
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}
