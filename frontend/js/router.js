// URL scheme (every path is served the app shell by the server and, offline, by the service worker):
//   /                         first run, or redirect to the chosen language
//   /{locale}/                home
//   /{locale}/tools/{slug}    overview and tools       /{locale}/pages/{slug}  returnee pages
//   /{locale}/checklists[/{slug}]   /{locale}/glossary[#term-{key}]   /{locale}/search
//   (a search typed in the app never goes into the address; ?q= from a link is read, then dropped)
//   /{locale}/settings        /{locale}/about
//   /{locale}/protocol  /{locale}/print  /{locale}/contacts  /{locale}/my-steps  /{locale}/pass-on   (field/)
//   /{locale}/signin   /{locale}/cases   /{locale}/cases/new   /{locale}/cases/{id}   (outreach workers)
//   /{locale}/admin[/…]   (staff: admin/index.js)
// In-app navigation REPLACES the current history entry (never pushes): the tab only ever holds
// one Homeward entry, so quick exit (location.replace) leaves nothing of Homeward to go back to.
// Discreet mode: the route lives in memory (and in sessionStorage, so a reload shows the same
// screen) and the address never changes, so the browser's history records nothing of what is read.

const LOCALE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

export const paths = {
  root: () => '/',
  home: (l) => `/${l}/`,
  item: (l, it) => `/${l}/${it.kind === 'page' ? 'pages' : 'tools'}/${encodeURIComponent(it.slug)}`,
  checklists: (l) => `/${l}/checklists`,
  checklist: (l, slug) => `/${l}/checklists/${encodeURIComponent(slug)}`,
  glossary: (l, key) => `/${l}/glossary${key ? `#term-${key}` : ''}`,
  search: (l) => `/${l}/search`,
  settings: (l) => `/${l}/settings`,
  about: (l) => `/${l}/about`,
  protocol: (l, anchor) => `/${l}/protocol${anchor ? `#${anchor}` : ''}`,
  print: (l) => `/${l}/print`,
  contacts: (l) => `/${l}/contacts`,
  mySteps: (l) => `/${l}/my-steps`,
  passOn: (l) => `/${l}/pass-on`,
  signin: (l) => `/${l}/signin`,
  cases: (l) => `/${l}/cases`,
  newCase: (l) => `/${l}/cases/new`,
  case: (l, id) => `/${l}/cases/${encodeURIComponent(id)}`,
};

const KEPT = 'hw-route';
let memory = null; // discreet mode: the current in-app URL (the address stays as it was)

export const discreet = () => memory !== null;
export const current = () => memory || location;

// Path and hash only: never a query (search terms), and only for this tab's session.
function keep() {
  try {
    sessionStorage.setItem(KEPT, memory.pathname + memory.hash);
  } catch {
    // a reload then starts from the address
  }
}

export function setDiscreet(on) {
  if (on && !memory) {
    // A reload shows the screen the reader was on; opening an address (a link, typed) shows it.
    let kept = null;
    const nav = performance.getEntriesByType ? performance.getEntriesByType('navigation')[0] : null;
    try {
      if (nav && nav.type === 'reload') kept = sessionStorage.getItem(KEPT);
    } catch {
      // storage disabled: start from the address
    }
    memory = new URL(kept || location.href, location.origin);
    keep();
  } else if (!on && memory) {
    const url = memory.pathname + memory.search + memory.hash;
    memory = null;
    history.replaceState(null, '', url);
    try {
      sessionStorage.removeItem(KEPT);
    } catch {
      // nothing kept
    }
  }
}

export function parse(loc = current()) {
  const parts = loc.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (!parts.length) return { name: 'root' };
  const [locale, section, slug, ...rest] = parts;
  const r = (name, params = {}) => ({ name, locale, ...params });
  if (LOCALE.test(locale) && section === 'admin') return r('admin', { sub: parts.slice(2).join('/') });
  if (!LOCALE.test(locale) || rest.length) return { name: 'notfound' };
  if (!section) return r('home');
  if ((section === 'tools' || section === 'pages') && slug) return r('item', { slug });
  if (section === 'checklists') return slug ? r('checklist', { slug }) : r('checklists');
  if (section === 'cases') return !slug ? r('cases') : slug === 'new' ? r('casenew') : r('case', { id: slug });
  if (slug) return r('notfound');
  if (section === 'glossary') return r('glossary', { hash: loc.hash.slice(1) });
  if (section === 'search') return r('search', { q: new URLSearchParams(loc.search).get('q') || '' });
  if (section === 'settings') return r('settings');
  if (section === 'about') return r('about');
  if (section === 'protocol') return r('protocol', { hash: loc.hash.slice(1) });
  if (section === 'print') return r('print');
  if (section === 'contacts') return r('contacts');
  if (section === 'my-steps') return r('mysteps');
  if (section === 'pass-on') return r('passon');
  if (section === 'signin') return r('signin');
  return r('notfound');
}

let onChange = () => {};

export function navigate(url, { render = true } = {}) {
  if (memory) {
    memory = new URL(url, location.origin);
    keep();
  } else history.replaceState(null, '', url);
  if (render) onChange();
}

export function start(handler) {
  onChange = handler;
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin) return;
    e.preventDefault();
    const here = current();
    const samePage = url.pathname === here.pathname && url.search === here.search;
    if (samePage && url.hash) {
      navigate(url.pathname + url.search + url.hash, { render: false });
      focusHash();
      return;
    }
    navigate(url.pathname + url.search + url.hash);
  });
  // Back/forward within the app cannot happen (we never push), but keep the view in sync anyway.
  window.addEventListener('popstate', () => onChange());
}

export function focusHash() {
  const id = decodeURIComponent(current().hash.slice(1));
  const el = id && document.getElementById(id);
  if (!el) return false;
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus();
  el.scrollIntoView({ block: 'start' });
  return true;
}
