// The admin API from the staff screens: the session is the HttpOnly cookie the sign-in sets (as
// for workers, cases/core.js); every request that changes something carries the CSRF header.
// Online only: nothing here is stored on the device.
import { uiLocale } from '../i18n.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || `HTTP ${status}`);
    this.status = status; // 0: no answer (offline, network)
    this.problem = problem || null; // RFC 9457 problem: detail, errors, current (409)…
  }
}

// JSON in and out; `raw`: the body as is (a PO file), with its content type.
export async function api(method, path, body, { raw = null, type = 'application/json' } = {}) {
  let res;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers: { 'X-Homeward-CSRF': '1', 'Content-Type': type, Accept: 'application/json', 'Accept-Language': uiLocale() },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      cache: 'no-store',
      signal: AbortSignal.timeout(60000),
    });
  } catch {
    throw new ApiError(0, null);
  }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const STAFF = ['admin', 'editor', 'translator'];

// The signed-in person ({id, email, role}) or null (not signed in).
export async function me() {
  try {
    return await api('GET', '/auth/me');
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

export const signIn = (email, password) => api('POST', '/auth/login', { email, password }).then((r) => r.user); // the token is not kept
export const signOut = () => api('POST', '/auth/logout').catch((e) => (e.status === 401 ? null : Promise.reject(e)));

export const entityPath = (kind, key, locale) => `/admin/content/${encodeURIComponent(kind)}/${encodeURIComponent(key)}/${encodeURIComponent(locale)}`;
