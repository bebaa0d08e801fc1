// Homeward app shell: chrome (header, navigation, quick exit, update banner), preferences,
// rendering of the current route, and keeping the downloaded bundles fresh.

import * as content from './content.js';
import * as discreet from './discreet.js';
import { edited, h, nextTask, replaceChildren } from './dom.js';
import { t, warmUp } from './i18n.js';
import * as languages from './languages.js';
import { quickExit, quickExitButton, setupQuickExit } from './quickexit.js';
import * as router from './router.js';
import { paths } from './router.js';
import * as store from './store.js';
import { keepFieldOffline, setupUpdates } from './updates.js';
import { notDownloaded, notFound } from './views/parts.js';

const state = { prefs: { locale: null, audience: null } };
let renderSeq = 0;
let ui = null;

const NAV = [
  ['home', () => t('Home')],
  ['cases', () => t('Cases'), 'worker'], // only for a signed-in outreach worker
  ['checklists', () => t('Checklists')],
  ['glossary', () => t('Glossary')],
  ['search', () => t('Search')],
  ['settings', () => t('Settings')],
];

// The encrypted worker data (cases/vault.js) loads only on a device that holds some, or on a
// worker screen: a reader never downloads it. Locked (idle, hidden, another tab) or erased,
// nothing of a case stays on screen (leaveCaseScreens).
let vaultModule = null;
const WORKER_DB = 'homeward-worker'; // cases/vault.js DB_NAME
const loadVault = () => {
  vaultModule ||= import('./cases/vault.js').then((v) => {
    v.events.addEventListener('locked', leaveCaseScreens);
    v.events.addEventListener('wiped', leaveCaseScreens);
    return v;
  });
  return vaultModule;
};
async function mayHoldWorkerData() {
  if (vaultModule || !indexedDB.databases) return true;
  return (await indexedDB.databases()).some((d) => d.name === WORKER_DB);
}
// Whether this device holds an outreach worker's case data (locked or not).
const workerSignedIn = async () => {
  if (!(await mayHoldWorkerData())) return false;
  return (await loadVault()).state().then(
    (s) => s !== 'none',
    () => false,
  );
};
function leaveCaseScreens(e) {
  for (const d of document.querySelectorAll('dialog')) d.remove();
  const route = router.parse();
  if (!WORKER_ROUTES.has(route.name)) render({ quiet: true });
  else if (e.type === 'wiped' && route.name !== 'signin') router.navigate(paths.signin(route.locale));
  else render();
}
const WORKER_ROUTES = new Set(['signin', 'cases', 'casenew', 'case']);

// "Wipe and exit" (workers): blank the screen, delete the whole worker database and end the
// session, then leave like quick exit. One tap, no question: it is for an emergency.
async function wipeAndExit() {
  document.title = '';
  document.body.replaceChildren();
  try {
    await (await import('./cases/core.js')).wipeDevice();
  } finally {
    quickExit();
  }
}

function buildChrome() {
  const updateText = h('p', null, t('Update available'));
  const updateBtn = h('button', { type: 'button', class: 'primary' }, t('Update now'));
  const update = h('div', { class: 'update', hidden: true, role: 'status' }, updateText, updateBtn);
  const updated = h('div', { class: 'content-updated', role: 'status', 'data-content-updated': '' });
  const brand = h('a', { class: 'brand', href: '/' }, t('Homeward'));
  const wipe = h('button', { type: 'button', class: 'wipe-exit', 'data-wipe-exit': '', hidden: true, onclick: wipeAndExit }, t('Wipe and exit'));
  const header = h('header', { class: 'bar' }, brand, quickExitButton(), wipe, update, updated);
  // index.html's <main> stays where it is (moving it would have a slow phone lay the whole page
  // out again). When the server drew this screen's readable part (app/pwa/prerender.py), that
  // stays until this screen is ready, so the reader never sees it go and come back; anything
  // else in it (the "Opening the guide" line) goes now.
  const main = document.querySelector('body > main#main') || document.body.appendChild(h('main', { id: 'main' }));
  main.tabIndex = -1;
  if (main.dataset.prerendered !== router.current().pathname) {
    delete main.dataset.prerendered;
    main.replaceChildren();
  }
  const nav = h('nav', { class: 'tabs', 'aria-label': t('Main'), hidden: true }, h('ul'));
  const skip = h('a', { class: 'skip', href: '#main' }, t('Skip to content'));
  skip.addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });
  // Around it, the app's chrome in place of index.html's (the same height: app.css .bar).
  for (const el of [...document.body.children]) if (el !== main) el.remove();
  main.before(skip, header);
  main.after(nav);
  ui = { brand, main, nav, update, updateBtn, updateText, updated, skip, wipe, exit: header.querySelector('[data-quick-exit]') };
}

// The chrome is built once; its labels follow the UI language of every render.
function labelChrome() {
  ui.brand.textContent = t('Homeward');
  ui.skip.textContent = t('Skip to content');
  ui.exit.textContent = t('Quick exit');
  ui.wipe.textContent = t('Wipe and exit');
  ui.updateText.textContent = t('Update available');
  ui.updateBtn.textContent = t('Update now');
  ui.nav.setAttribute('aria-label', t('Main'));
}

function offerUpdate(accept) {
  ui.update.hidden = false;
  ui.updateBtn.onclick = () => {
    ui.updateBtn.disabled = true;
    accept();
  };
}

function renderNav(route, worker) {
  const l = route.locale;
  ui.wipe.hidden = !worker;
  ui.brand.setAttribute('href', l ? paths.home(l) : '/');
  ui.nav.hidden = !l || !content.bundle();
  if (ui.nav.hidden) return;
  const current =
    { item: 'home', checklist: 'checklists', case: 'cases', casenew: 'cases', protocol: 'home', print: 'home', contacts: 'home', mysteps: 'checklists', passon: 'settings' }[
      route.name
    ] || route.name;
  replaceChildren(
    ui.nav.firstChild,
    NAV.filter(([, , who]) => !who || worker).map(([name, label]) => h('li', null, h('a', { href: paths[name](l), 'aria-current': current === name ? 'page' : null }, label()))),
  );
}

export async function savePrefs(changes) {
  state.prefs = { ...state.prefs, ...changes };
  await store.setMeta('prefs', state.prefs);
  if ('discreet' in changes) discreet.apply(!!state.prefs.discreet);
}

export async function requestPersistence() {
  if (!navigator.storage?.persist) return null;
  let granted = await navigator.storage.persisted();
  if (!granted) granted = await navigator.storage.persist();
  await store.setMeta('persist', { granted, asked_at: new Date().toISOString() });
  return granted;
}

async function ensureBundle(locale, main) {
  await content.activate(locale);
  if (content.bundle()) return true;
  if (!navigator.onLine) return false;
  if (!('prerendered' in main.dataset)) replaceChildren(main, h('p', { class: 'loading', role: 'status' }, t('Downloading the guide…')));
  try {
    await content.activate(locale, await content.download(locale));
  } catch {
    return false;
  }
  return !!content.bundle();
}

// A reader's screens load when first opened: a first visit downloads only the screen it shows
// (the server announces that one's modules in the page, app/pwa/prerender.py), and the service
// worker precaches all of them, so every screen opens offline afterwards.
const screen = (file, name) => async (root, ctx) => (await import(`./views/${file}`))[name](root, ctx);
const welcome = screen('welcome.js', 'welcome');

// Outreach workers' screens load on demand: a reader never downloads them; the service worker
// keeps them for offline use once a worker has loaded one (cases/core.js).
// While the case data is locked, every one of them is the PIN screen.
const worker = (file, name) => async (root, ctx) => {
  if ((await (await loadVault()).state()) === 'locked') return (await import('./cases/lock.js')).lockView(root, ctx);
  return (await import(`./cases/${file}`))[name](root, ctx);
};

// Field screens (issue #14), also loaded on demand; the service worker keeps them for offline use
// once one has loaded (field/*.js call keepOffline).
const field = (file, name) => async (root, ctx) => {
  keepFieldOffline();
  return (await import(`./field/${file}`))[name](root, ctx);
};

// Staff screens (admin/index.js): online only, loaded when opened, never for readers.
const admin = (root, ctx) =>
  import('./admin/index.js').then(
    (m) => m.adminView(root, ctx),
    () => {
      ctx.viewName = 'admin-offline';
      root.append(h('h1', null, t('Not available offline')), h('p', null, t('The admin screens need a connection.')));
    },
  );

// The browser offers installation once, early: keep its event for the Install control.
window.addEventListener('beforeinstallprompt', (e) => {
  e.preventDefault();
  window.hwInstallPrompt = e;
  document.dispatchEvent(new Event('hw-installable'));
});

const VIEWS = {
  protocol: field('protocol.js', 'protocolView'),
  print: field('print.js', 'printView'),
  contacts: field('contacts.js', 'contactsView'),
  mysteps: field('sheet.js', 'stepsSheetView'),
  passon: field('passon.js', 'passOnView'),
  signin: worker('signin.js', 'signinView'),
  cases: worker('list.js', 'casesView'),
  casenew: worker('new.js', 'newCaseView'),
  case: worker('case.js', 'caseView'),
  admin,
  home: screen('home.js', 'home'),
  item: screen('item.js', 'itemView'),
  checklists: screen('checklists.js', 'checklistList'),
  checklist: screen('checklists.js', 'checklistView'),
  glossary: screen('search.js', 'glossaryView'),
  search: screen('search.js', 'searchView'),
  settings: screen('settings.js', 'settingsView'),
  about: screen('about.js', 'aboutView'),
  notfound: notFound,
};

export async function render({ quiet = false } = {}) {
  const seq = ++renderSeq;
  const main = ui.main;
  const route = router.parse();
  const ctx = { state, route, savePrefs, requestPersistence, render, stale: () => seq !== renderSeq, later: [] };
  if (route.name !== 'search') state.query = ''; // a search is forgotten once the reader moves on
  let view;
  if (route.name === 'root') {
    const { locale, audience } = state.prefs;
    if (locale && audience && (await content.activate(locale))) {
      router.navigate(paths.home(locale));
      return;
    }
    view = welcome;
  } else if (route.locale) {
    // A language we do not have (/de/…) or a regional variant (/fr-CA/…): the closest one.
    const codes = (await languages.localeList()).locales.map((x) => x.code);
    const near = codes.includes(route.locale) ? null : languages.negotiate([route.locale, state.prefs.locale], codes);
    if (near) {
      const here = router.current();
      router.navigate(here.pathname.replace(/^\/[^/]+/, `/${near}`) + here.search + here.hash);
      return;
    }
    const ok = await ensureBundle(route.locale, main);
    if (seq !== renderSeq) return;
    if (!ok) view = notDownloaded;
    else {
      view = route.name === 'home' && !state.prefs.audience ? welcome : VIEWS[route.name];
      const peek = languages.peekFrom(route); // "Read in English" does not change the language
      if (state.prefs.locale !== route.locale && state.prefs.audience && !peek) await savePrefs({ locale: route.locale });
    }
  } else view = notFound;
  await languages.prepare(route, state); // catalog + <html lang dir> for this screen
  await nextTask(); // reading the stored guide and building the screen: two tasks
  if (seq !== renderSeq) return;
  labelChrome();
  if (ui.updated.dataset.locale !== route.locale) ui.updated.replaceChildren();
  const frag = document.createDocumentFragment();
  const title = await view(frag, ctx);
  const worker = await workerSignedIn();
  await nextTask(); // building the screen and showing it (layout) are two tasks, not one long one
  if (seq !== renderSeq) return;
  renderNav(route, worker);
  // A reader already reading down the server's copy of this screen stays where they are.
  const reading = 'prerendered' in main.dataset && window.scrollY > 0;
  delete main.dataset.prerendered;
  main.replaceChildren(frag);
  delete main.dataset.refreshDeferred;
  if (discreet.active()) document.title = discreet.NAME;
  else document.title = title && title !== t('Homeward') ? `${title} · ${t('Homeward')}` : t('Homeward');
  languages.keepEnglish();
  if (!quiet && !reading && !(route.hash && router.focusHash())) {
    const h1 = main.querySelector('h1');
    window.scrollTo(0, 0);
    if (h1) {
      h1.setAttribute('tabindex', '-1');
      h1.focus({ preventScroll: true });
    }
  }
  // What the screen adds once it is shown (an item's glossary links), each part its own task.
  for (const step of ctx.later) {
    await nextTask();
    if (seq !== renderSeq) return;
    step();
  }
  // Set last: main[data-view] says the screen is complete.
  main.dataset.view = ctx.viewName || (view === welcome ? 'welcome' : view === notDownloaded ? 'not-downloaded' : route.name);
}

// Something the person is doing on this screen: a field focused or changed, a dialog open,
// reading down the page.
function workInProgress() {
  if (document.querySelector('dialog[open]')) return true;
  if (window.scrollY > 0) return true;
  const a = document.activeElement;
  if (a && a !== ui.main && ui.main.contains(a) && a.matches('input, textarea, select')) return true;
  return [...ui.main.querySelectorAll('input, textarea, select')].some(edited);
}

// A change in the language on screen is announced and shown at once, unless that would destroy
// what the person is typing or choosing, or move them: then the screen stays as it is, and the
// next screen they open shows the new content (it is already stored and active).
// Resolves to whether the server answered, and whether every language was brought up to date.
async function refresh() {
  if (!navigator.onLine) return { reached: false, complete: false };
  const { changed, updates, reached, complete } = await content.revalidateAll();
  const done = { reached, complete };
  const route = router.parse();
  if (!route.locale || !changed.includes(route.locale)) return done;
  if (updates[route.locale]?.length) {
    import('./updated.js').then((m) => m.showUpdated(ui.updated, route.locale, updates[route.locale])).catch(() => {});
  }
  const version = String(content.bundle().version);
  if (workInProgress()) {
    ui.main.dataset.refreshDeferred = version;
    return done;
  }
  await render({ quiet: true });
  ui.main.dataset.refreshed = version;
  return done;
}

// A round the server did not finish although the phone says it is online (a connection that
// comes and goes, a server restarting, a file lost on the way) is tried again a few times, further
// apart each time, so an app left open does not wait for the next `online` event.
const RETRY_DELAYS_MS = [2000, 10000, 60000];

async function boot() {
  discreet.apply(discreet.stored()); // before anything is drawn or any title is set
  buildChrome();
  setupQuickExit();
  router.start(render);
  setupUpdates(offerUpdate);
  setTimeout(() => warmUp(document.documentElement.lang)); // its own task, before the content arrives
  state.prefs = await store.getMeta('prefs', state.prefs);
  if (!!state.prefs.discreet !== discreet.active()) discreet.apply(!!state.prefs.discreet);
  const returning = !!state.prefs.audience; // not the first visit
  // The server chose the page's language (app/pwa/shell.py index_for).
  if (!returning) content.prefetch(document.documentElement.lang, router.parse().locale);
  await render();
  // Once the server has answered (navigator.onLine may be true with no way to it): from the
  // second visit, keep the field features offline (a first visit stays small, issue #13), and
  // send waiting feedback and refresh the contacts (field/sync.js), also on a first visit with feedback.
  // main[data-connected] counts the finished rounds.
  let rounds = 0;
  let retries = 0;
  let retry = null;
  const connected = async (event) => {
    clearTimeout(retry);
    if (event) retries = 0; // back online: a new series of tries
    let complete = false;
    try {
      const round = await refresh();
      if (round.reached) {
        if (returning) await keepFieldOffline();
        if (returning || (await store.all('feedback')).length) await (await import('./field/sync.js')).onOnline();
      }
      complete = round.complete; // nothing stored yet: nothing to try again
    } catch {
      // The connection went meanwhile: tried again below, or at the next `online` event.
    } finally {
      ui.main.dataset.connected = String(++rounds);
      if (complete) retries = 0;
      else if (navigator.onLine && retries < RETRY_DELAYS_MS.length) {
        clearTimeout(retry); // two rounds at once (an `online` event during one) keep one timer
        retry = setTimeout(connected, RETRY_DELAYS_MS[retries++]);
      }
    }
  };
  connected();
  window.addEventListener('online', connected);
  // A worker's cases sync on open (once unlocked); the sync code loads only on a device that
  // holds worker data or a sign-out to send.
  if ((await workerSignedIn()) || (await store.getMeta('logout_pending', false))) import('./cases/core.js').then((s) => s.boot());
}

boot();
