// Pieces shared by several views.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { paths } from '../router.js';

export function card(href, title, summary, kicker, level = 3) {
  return h(
    'li',
    { class: 'card' },
    kicker ? h('p', { class: 'kicker' }, kicker) : null,
    h(`h${level}`, null, h('a', { href, class: 'stretch' }, title)),
    summary ? h('p', null, summary) : null,
  );
}

export function itemCard(locale, it) {
  const kicker = it.tool_number ? t('Tool {number}', { number: it.tool_number }) : null;
  return card(paths.item(locale, it), it.title, it.summary, kicker);
}

export function section(title, ...children) {
  return h('section', null, h('h2', null, title), ...children);
}

export function upLink(href, label) {
  return h('p', { class: 'up' }, h('a', { href }, label));
}

// What the reader should know about the text they see: fallback language, unreviewed, stale.
export function notices(doc) {
  const out = [];
  if (doc.fallback) out.push(t('This text is not yet available in your language. It is shown in the original language.'));
  if (doc.status === 'machine') out.push(t('This translation has not yet been reviewed by a person.'));
  if (doc.stale) out.push(t('The original text changed after this translation was made.'));
  return out.length ? h('div', { class: 'notice' }, out.map((m) => h('p', null, m))) : null;
}

export function sourcesList(sources) {
  if (!sources || !sources.length) return null;
  return section(
    t('Sources'),
    h(
      'ul',
      { class: 'sources' },
      sources.map((s) =>
        h('li', null, h('a', { href: s.url, target: '_blank', rel: 'noopener noreferrer' }, s.title)),
      ),
    ),
    h('p', { class: 'hint' }, t('Sources open another website in a new tab and need a connection.')),
  );
}
