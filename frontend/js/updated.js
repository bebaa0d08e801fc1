// "Guidance updated" (issue #11): what changed in the language on screen, named by the titles
// its reader sees (a removed page by the title it had), as links, in the header's status region
// (app.js): read out politely, no focus taken, and nothing in the page being read or typed in
// moves. Later changes join the list until the person dismisses it or opens one of them.
// Loaded only when something changed (cached on first use, app/pwa/shell.py LAZY_FILES).
import { h, replaceChildren } from './dom.js';
import { t } from './i18n.js';
import { paths } from './router.js';

let names = [];
const key = (c) => `${c.type}:${c.slug}`;

function close(region) {
  region.replaceChildren();
  names = [];
}

function link(locale, c) {
  if (c.op === 'delete') return t('Removed: {title}', { title: c.title });
  const href = c.type === 'item' ? paths.item(locale, c) : c.type === 'checklist' ? paths.checklist(locale, c.slug) : paths.glossary(locale, c.slug);
  return h('a', { href }, h('bdi', null, c.title));
}

export function showUpdated(region, locale, changes) {
  if (!changes?.length) return;
  if (!region.firstChild || region.dataset.locale !== locale) names = [];
  const seen = new Set(changes.map(key));
  names = [...names.filter((c) => !seen.has(key(c))), ...changes];
  const list = h(
    'ul',
    null,
    names.map((c) => h('li', { 'data-changed': key(c) }, link(locale, c))),
  );
  list.addEventListener('click', (e) => e.target.closest('a') && close(region));
  const dismiss = h(
    'button',
    { type: 'button', class: 'secondary small', 'aria-label': t('Dismiss: {message}', { message: t('Guidance updated') }), onclick: () => close(region) },
    t('Dismiss'),
  );
  region.dataset.locale = locale;
  replaceChildren(region, h('div', { class: 'update' }, h('p', null, t('Guidance updated')), list, dismiss));
}
