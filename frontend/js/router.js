// URL scheme (every path is served the app shell by the server and, offline, by the service worker):
//   /                         first run, or redirect to the chosen language
//   /{locale}/                home
//   /{locale}/tools/{slug}    overview and tools       /{locale}/pages/{slug}  returnee pages
//   /{locale}/checklists[/{slug}]   /{locale}/glossary[#term-{key}]   /{locale}/search?q=
//   /{locale}/settings        /{locale}/about
//   /{locale}/signin   /{locale}/cases   /{locale}/cases/new   /{locale}/cases/{id}   (outreach workers)
// In-app navigation REPLACES the current history entry (never pushes): the tab only ever holds
// one Homeward entry, so quick exit (location.replace) leaves nothing of Homeward to go back to.

const LOCALE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

export const paths = {
  root: () => '/',
  home: (l) => `/${l}/`,
  item: (l, it) => `/${l}/${it.kind === 'page' ? 'pages' : 'tools'}/${encodeURIComponent(it.slug)}`,
  checklists: (l) => `/${l}/checklists`,
  checklist: (l, slug) => `/${l}/checklists/${encodeURIComponent(slug)}`,
  glossary: (l, key) => `/${l}/glossary${key ? `#term-${key}` : ''}`,
  search: (l, q) => `/${l}/search${q ? `?q=${encodeURIComponent(q)}` : ''}`,
  settings: (l) => `/${l}/settings`,
  about: (l) => `/${l}/about`,
  signin: (l) => `/${l}/signin`,
  cases: (l) => `/${l}/cases`,
  newCase: (l) => `/${l}/cases/new`,
  case: (l, id) => `/${l}/cases/${encodeURIComponent(id)}`,
};

export function parse(loc = location) {
  const parts = loc.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (!parts.length) return { name: 'root' };
  const [locale, section, slug, ...rest] = parts;
  if (!LOCALE.test(locale) || rest.length) return { name: 'notfound' };
  const r = (name, params = {}) => ({ name, locale, ...params });
  if (!section) return r('home');
  if ((section === 'tools' || section === 'pages') && slug) return r('item', { slug });
  if (section === 'checklists') return slug ? r('checklist', { slug }) : r('checklists');
  if (section === 'cases') return !slug ? r('cases') : slug === 'new' ? r('casenew') : r('case', { id: slug });
  if (slug) return r('notfound');
  if (section === 'glossary') return r('glossary', { hash: loc.hash.slice(1) });
  if (section === 'search') return r('search', { q: new URLSearchParams(loc.search).get('q') || '' });
  if (section === 'settings') return r('settings');
  if (section === 'about') return r('about');
  if (section === 'signin') return r('signin');
  return r('notfound');
}

let onChange = () => {};

export function navigate(url, { render = true } = {}) {
  history.replaceState(null, '', url);
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
    const samePage = url.pathname === location.pathname && url.search === location.search;
    if (samePage && url.hash) {
      history.replaceState(null, '', url);
      focusHash();
      return;
    }
    navigate(url.pathname + url.search + url.hash);
  });
  // Back/forward within the app cannot happen (we never push), but keep the view in sync anyway.
  window.addEventListener('popstate', () => onChange());
}

export function focusHash() {
  const id = decodeURIComponent(location.hash.slice(1));
  const el = id && document.getElementById(id);
  if (!el) return false;
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus();
  el.scrollIntoView({ block: 'start' });
  return true;
}
