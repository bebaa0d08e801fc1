// Finding a word offline: search over the downloaded bundle of the current language, and the
// glossary (every term with its meaning and the guide items that use it). One module: both
// are part of every first visit, and each module costs a request's headers.

import * as content from '../content.js';
import { h, nextId, replaceChildren } from '../dom.js';
import { formatList, nt, t } from '../i18n.js';
import { backToTranslation, entryNotice, fillNodes, pageDoc, textAttrs } from '../notices.js';
import { current, navigate, paths } from '../router.js';
import { glossaryBridge, search } from '../search.js';
import { notices } from './parts.js';

const KIND = { item: () => t('Guide'), checklist: () => t('Checklist'), term: () => t('Glossary') };

function hrefFor(l, d) {
  if (d.kind === 'item') return paths.item(l, d.ref);
  if (d.kind === 'checklist') return paths.checklist(l, d.id);
  return paths.glossary(l, d.id);
}

export async function searchView(root, ctx) {
  const l = ctx.route.locale;
  const english = l === content.SOURCE ? null : await content.englishGlossary();
  const inputId = nextId('q');
  // The query stays in memory, never in the address (the browser's history would keep every
  // keystroke); a ?q= from a link is used once and dropped from the address.
  if (ctx.route.q) {
    ctx.state.query = ctx.route.q;
    navigate(paths.search(l), { render: false });
  }
  const input = h('input', { id: inputId, type: 'search', name: 'q', value: ctx.state.query || '', autocomplete: 'off', enterkeyhint: 'search', dir: 'auto' });
  const count = h('p', { class: 'status', role: 'status', 'data-count': true });
  const results = h('ol', { class: 'results' });
  const run = () => {
    const q = input.value.trim();
    ctx.state.query = q;
    if (!q) {
      count.textContent = '';
      results.replaceChildren();
      return;
    }
    const hits = search(content.searchIndex(), q, 50, glossaryBridge(q, content.glossary(), english, l));
    // The query is isolated (<bdi dir=auto>): Latin typed into an RTL sentence stays in order.
    replaceChildren(count, fillNodes(nt('{n} result for “{q}”', '{n} results for “{q}”', hits.length), { q: h('bdi', { dir: 'auto' }, q) }));
    count.dataset.n = String(hits.length);
    replaceChildren(
      results,
      hits.map(({ doc, snippet }) =>
        h(
          'li',
          { 'data-id': doc.id },
          h('p', { class: 'kicker' }, KIND[doc.kind]()),
          h('h2', textAttrs(doc.ref), h('a', { href: hrefFor(l, doc), class: 'stretch' }, doc.title)),
          h(
            'p',
            textAttrs(doc.ref),
            snippet.map((s) => (s.mark ? h('mark', null, s.text) : s.text)),
          ),
        ),
      ),
    );
  };
  const form = h(
    'form',
    { role: 'search', class: 'search' },
    h('label', { for: inputId }, t('Search the downloaded guide')),
    h('div', { class: 'row' }, input, h('button', { type: 'submit', class: 'primary' }, t('Search'))),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run();
  });
  input.addEventListener('input', run);
  root.append(h('h1', null, t('Search')), form, h('p', { class: 'hint' }, t('Search works without a connection. Accents and capital letters do not matter.')), count, results);
  if (input.value) run();
  return t('Search');
}

export function glossaryView(root, ctx) {
  const l = ctx.route.locale;
  const usedIn = new Map();
  for (const it of content.items()) {
    for (const k of it.related_glossary || []) {
      if (!usedIn.has(k)) usedIn.set(k, []);
      usedIn.get(k).push(it);
    }
  }
  const terms = content.glossary();
  const page = pageDoc(terms); // what all entries share is said once, at the top
  root.append(
    backToTranslation(ctx.route, (from) => paths.glossary(from) + current().hash),
    h('h1', null, t('Glossary')),
    notices(page, (to) => paths.glossary(to)),
    h(
      'dl',
      { class: 'glossary' },
      terms.map((g) => {
        const items = usedIn.get(g.key) || [];
        return h(
          'div',
          { class: 'entry', id: `term-${g.key}` },
          h('dt', textAttrs(g), g.term),
          h(
            'dd',
            null,
            entryNotice(g, (to) => paths.glossary(to, g.key), page),
            h('p', textAttrs(g), g.definition),
            items.length ? h('p', { class: 'used-in' }, t('Used in:'), ' ', formatList(items.map((it) => h('a', { href: paths.item(l, it), ...textAttrs(it) }, it.title)))) : null,
          ),
        );
      }),
    ),
  );
  return t('Glossary');
}
