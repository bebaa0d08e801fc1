// Service worker registration and the "Update available" flow. A new version never takes over
// by itself: it waits until the user accepts, then we ask it to skip waiting and reload once
// when it takes control.
let accepted = false;

export function setupUpdates(offerUpdate) {
  if (!('serviceWorker' in navigator)) return;
  const sw = navigator.serviceWorker;
  sw.addEventListener('controllerchange', () => {
    if (!accepted) return;
    accepted = false;
    location.reload();
  });
  const offer = (worker) => {
    if (!worker || !sw.controller) return; // first install: nothing to replace
    offerUpdate(() => {
      accepted = true;
      worker.postMessage({ type: 'SKIP_WAITING' });
    });
  };
  const track = (worker) => {
    if (!worker) return;
    worker.addEventListener('statechange', () => {
      if (worker.state === 'installed') offer(worker);
    });
  };
  sw.register('/sw.js', { scope: '/', updateViaCache: 'none' })
    .then((reg) => {
      if (reg.waiting) offer(reg.waiting);
      track(reg.installing);
      reg.addEventListener('updatefound', () => track(reg.installing));
      const check = () => {
        if (navigator.onLine && document.visibilityState === 'visible') reg.update().catch(() => {});
      };
      document.addEventListener('visibilitychange', check);
      window.addEventListener('online', check);
    })
    .catch(() => {
      // No service worker (e.g. a private window that forbids it): the app still works online.
    });
}

// The active worker reports the app version (a hash of the precache manifest).
export function appVersion() {
  const ctrl = 'serviceWorker' in navigator ? navigator.serviceWorker.controller : null;
  if (!ctrl) return Promise.resolve(null);
  return new Promise((resolve) => {
    setTimeout(() => resolve(null), 2000);
    const ch = new MessageChannel();
    ch.port1.onmessage = (e) => resolve(e.data?.version);
    ctrl.postMessage({ type: 'VERSION' }, [ch.port2]);
  });
}

// Files the service worker caches on first use rather than at install (the workers' screens):
// ask it for the whole set under `prefix` at once, so that all of them work offline. Resolves to
// whether all are cached.
export function keepOffline(prefix) {
  const sw = globalThis.navigator?.serviceWorker;
  if (!sw) return Promise.resolve(false);
  return sw.ready
    .then(
      (reg) =>
        new Promise((resolve) => {
          if (!reg.active) return resolve(false);
          const channel = new MessageChannel();
          channel.port1.onmessage = (e) => resolve(e.data?.complete === true);
          reg.active.postMessage({ type: 'CACHE', prefix }, [channel.port2]);
        }),
    )
    .catch(() => false);
}

const FIELD_KEPT = 'hw-field-kept';

// The field features (issue #14) are not precached for a reader's first visit: once one of them
// is used online, the service worker keeps all of them (modules, QR library, protocol summaries);
// kept once all are cached.
export async function keepFieldOffline() {
  if (!navigator.onLine) return;
  const done = await Promise.all(['/static/js/field/', '/static/vendor/', '/static/protocol/'].map(keepOffline));
  if (done.every(Boolean)) localStorage.setItem(FIELD_KEPT, '1');
}

// Whether the field modules may be loaded now: online, or kept offline by an earlier visit.
export const fieldAvailable = () => navigator.onLine || localStorage.getItem(FIELD_KEPT) === '1';
