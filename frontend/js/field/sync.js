// What the field features send and fetch when there is a connection (loaded on demand):
// - readers' feedback: an outbox in IndexedDB (`feedback` store), sent in the order written,
//   each with the id made on the device (the server stores an id once: a resend after a lost
//   answer is a duplicate, not a second message); under a lock, so one tab sends at a time.
// - the help-contacts directory (`meta` key `contacts`: {etag, fetched_at, contacts}),
//   revalidated with its ETag, read offline by the contacts screen.
import * as store from '../store.js';

const FEEDBACK_LOCK = 'hw-feedback';

async function sendAll() {
  const waiting = (await store.all('feedback')).sort((a, b) => (a.at < b.at ? -1 : 1));
  let sent = 0;
  for (const entry of waiting) {
    if (!navigator.onLine) break;
    const { at: _at, ...body } = entry;
    let res;
    try {
      res = await fetch('/api/v1/feedback', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        credentials: 'omit', // anonymous: no session goes with it
        cache: 'no-store',
      });
    } catch {
      break; // offline after all: keep it for the next connection
    }
    if (res.ok) {
      await store.del('feedback', entry.id);
      sent++;
    } else if (res.status === 429 || res.status >= 500) {
      break; // the server asks us to wait: try again on the next connection or opening
    } else {
      await store.del('feedback', entry.id); // refused for good (malformed): never retried
    }
  }
  return sent;
}

export async function flushFeedback() {
  if (!navigator.onLine) return 0;
  if (navigator.locks?.request) return navigator.locks.request(FEEDBACK_LOCK, sendAll);
  return sendAll();
}

export async function refreshContacts() {
  const old = await store.getMeta('contacts');
  const headers = { Accept: 'application/json' };
  if (old?.etag) headers['If-None-Match'] = old.etag;
  const res = await fetch('/api/v1/contacts', { headers, cache: 'no-store', credentials: 'omit' });
  if (res.status === 304) return old;
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const data = await res.json();
  const rec = { etag: res.headers.get('ETag'), fetched_at: new Date().toISOString(), contacts: data.contacts || [] };
  await store.setMeta('contacts', rec);
  document.dispatchEvent(new Event('hw-contacts'));
  return rec;
}

export async function onOnline() {
  await Promise.allSettled([flushFeedback(), refreshContacts()]);
}
