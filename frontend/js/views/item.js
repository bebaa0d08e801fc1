// One guide item: title, sanitised body (from the bundle), legal basis, related checklists and
// glossary terms, sources. Glossary terms are linked where they first occur in the text; tapping
// one shows its definition without leaving the page.

import * as content from '../content.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { backToTranslation, bdi, fillNodes, textAttrs } from '../notices.js';
import { quickExitButton } from '../quickexit.js';
import { paths } from '../router.js';
import { fold } from '../search.js';
import { findIn, needlesFor, prepareText, termForms } from '../terms.js';
import { fieldAvailable } from '../updates.js';
import { notFound, notices, section, sourcesList, upLink } from './parts.js';

const SKIP = 'a,h1,h2,h3,h4,h5,h6,code,pre,dialog';
const CROSS_REFERENCED = new Set(['protocol', 'coe']);
// "8(2)" → "protocol-8": the anchor of the article on the cross-reference screen.
export const articleAnchor = (a) => `${a.instrument}-${String(a.article).match(/^\d+/)?.[0] || a.article}`;

// Link the first whole-word occurrence of each glossary term (in any of its written forms, see
// terms.js) to its definition. Longest terms first so "temporary residence permit" wins over
// "residence permit"; text already inside a link is skipped.
export function linkTerms(root, terms, hrefFor, locale) {
  const withForms = terms
    .filter((g) => g.term)
    .map((g) => ({ g, forms: termForms(g, g.locale || locale) }))
    .sort((a, b) => b.forms[0].length - a.forms[0].length);
  // Text nodes found once, not once per term (that kept a cheap phone busy for a second).
  const texts = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.parentElement.closest(SKIP) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  // All the texts of a language, lowered and joined: a term that none of them contains (most of
  // the glossary, on any one page) is not looked for text by text. Texts only lose their linked
  // parts, so what is not in here is in none of them.
  const joined = new Map();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const lang = node.parentElement.closest('[lang]')?.lang || locale;
    const text = prepareText(node.data, lang);
    texts.push({ node, lang, text });
    joined.set(lang, `${joined.get(lang) || ''}${text.hay.text}\u0000`);
  }
  for (const { g, forms } of withForms) {
    const needles = new Map(); // by the texts' language: usually one; null when absent from all
    for (let i = 0; i < texts.length; i++) {
      const { node, lang, text } = texts[i];
      if (!needles.has(lang)) {
        const inLang = needlesFor(forms, lang);
        needles.set(lang, inLang.some((n) => joined.get(lang).includes(n.needle)) ? inLang : null);
      }
      if (!needles.get(lang)) continue;
      const m = findIn(text, needles.get(lang));
      if (!m) continue;
      const hit = node.splitText(m.index);
      const rest = hit.splitText(m.length);
      const a = h('a', { href: hrefFor(g.key), class: 'term', 'data-term': g.key }, hit.data);
      hit.replaceWith(a);
      texts.splice(i, 1, { node, lang, text: prepareText(node.data, lang) }, { node: rest, lang, text: prepareText(rest.data, lang) });
      break;
    }
  }
}

// Returnee pages name other pages in bold ("Read **Staying**"): a bold text that is another
// item's title, or the part of its title before a colon ("Staying" for "Staying: reflection
// period and permits"), becomes a link to it. Case, accents and surrounding punctuation do not
// matter; the item's own title is not linked.
const normName = (s, locale) =>
  fold(s, locale)
    .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '')
    .replace(/\s+/g, ' ');
// Each bundle's item names, folded once (folding is per character: every title of a bundle on
// every page view cost a slow phone tens of ms): items array -> {locale, names: [[name, item]]}.
const foldedNames = new WeakMap();
function namesOf(items, locale) {
  const known = foldedNames.get(items);
  if (known?.locale === locale) return known.names;
  const names = [];
  for (const it of items) {
    if (!it.title) continue;
    const short = it.title.split(/\s*[:：]\s*/)[0];
    for (const name of [it.title, short]) {
      const folded = normName(name, locale);
      if (folded) names.push([folded, it]);
    }
  }
  foldedNames.set(items, { locale, names });
  return names;
}

export function linkPageNames(root, items, self, hrefFor, locale) {
  const bold = root.querySelectorAll('strong, b');
  if (!bold.length) return;
  const byName = new Map();
  for (const [name, it] of namesOf(items, locale)) if (it.slug !== self && !byName.has(name)) byName.set(name, it);
  for (const b of bold) {
    if (b.closest('a')) continue;
    const it = byName.get(normName(b.textContent, locale));
    if (!it) continue;
    const a = h('a', { href: hrefFor(it), 'data-page-link': it.slug });
    a.append(...b.childNodes);
    b.append(a);
  }
}

function termDialog(locale) {
  const title = h('h2', { id: 'term-dialog-title' });
  const body = h('p');
  const more = h('a', { href: paths.glossary(locale) }, t('Open the glossary'));
  const dialog = h(
    'dialog',
    { class: 'term-dialog', 'aria-labelledby': 'term-dialog-title' },
    title,
    body,
    h('div', { class: 'actions' }, more, h('button', { type: 'button', onclick: () => dialog.close() }, t('Close')), quickExitButton()),
  );
  more.addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog.close(); // tap on the backdrop
  });
  return {
    dialog,
    open(g) {
      title.textContent = g.term;
      body.textContent = g.definition;
      const { lang = '', dir = '' } = textAttrs(g);
      for (const el of [title, body]) {
        el.lang = lang;
        el.dir = dir;
      }
      more.setAttribute('href', paths.glossary(locale, g.key));
      dialog.showModal();
    },
  };
}

export function itemView(root, ctx) {
  const l = ctx.route.locale;
  const it = content.item(ctx.route.slug);
  if (!it) return notFound(root, ctx);
  const text = textAttrs(it); // lang/dir when shown in a fallback language
  const prose = h('div', { class: 'prose', ...text });
  prose.innerHTML = it.body_html || ''; // sanitised by the server; CSP forbids inline script anyway
  // Once the page is on screen, each in its own task: on a slow phone, linking is as much work
  // as drawing the page. Unsorted glossary: linkTerms orders by length (a collator costs tens of ms).
  const [items, glossary] = [content.items(), content.bundle().glossary]; // this screen's bundle
  ctx.later.push(
    () => linkPageNames(prose, items, it.slug, (x) => paths.item(l, x), it.locale || l),
    () => linkTerms(prose, glossary, (key) => paths.glossary(l, key), it.locale || l),
  );
  const popup = termDialog(l);
  prose.addEventListener('click', (e) => {
    const a = e.target.closest('a.term');
    if (!a || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const g = content.term(a.dataset.term);
    if (!g) return;
    e.preventDefault();
    popup.open(g);
  });

  // Each fragment of a "Legal basis" line carries the language it is really in, so a screen reader
  // speaks it with the right voice: the instrument's name comes translated with the UI catalog
  // (the server says which language each is in: instrument_name_locale, title_locale).
  const articles = (it.articles || []).length
    ? section(
        t('Legal basis'),
        h(
          'ul',
          { class: 'articles' },
          it.articles.map((a) =>
            h(
              'li',
              null,
              h(
                'strong',
                null,
                fillNodes(t('{instrument}, article {article}'), {
                  instrument: bdi(a.instrument_name || a.instrument, a.instrument_name_locale || 'en'),
                  article: bdi(a.article),
                }),
              ),
              // The Protocol and the CoE Convention have a cross-reference screen (field/protocol.js).
              CROSS_REFERENCED.has(a.instrument) ? [' ', h('a', { href: paths.protocol(l, articleAnchor(a)), 'data-protocol-link': '' }, t('What it says'))] : null,
              a.title ? h('span', null, ' — ', bdi(a.title, a.title_locale || 'en')) : null,
            ),
          ),
        ),
      )
    : null;
  const lists = (it.related_checklists || []).map((s) => content.checklist(s)).filter(Boolean);
  const checklists = lists.length
    ? section(
        t('Checklists'),
        h(
          'ul',
          { class: 'links' },
          lists.map((c) => h('li', textAttrs(c), h('a', { href: paths.checklist(l, c.slug) }, c.title))),
        ),
      )
    : null;
  const terms = (it.related_glossary || []).map((k) => content.term(k)).filter(Boolean);
  const termsSection = terms.length
    ? section(
        t('Words used here'),
        h(
          'dl',
          { class: 'terms' },
          terms.map((g) => [h('dt', textAttrs(g), h('a', { href: paths.glossary(l, g.key) }, g.term)), h('dd', textAttrs(g), g.definition)]),
        ),
      )
    : null;

  const tools = h('div', { class: 'item-tools', 'data-item-tools': '' });
  const article = h(
    'article',
    { class: 'item', 'data-slug': it.slug },
    it.tool_number ? h('p', { class: 'kicker' }, t('Tool {number}', { number: it.tool_number })) : null,
    h('h1', text, it.title),
    notices(it, (to) => paths.item(to, it)),
    it.summary ? h('p', { class: 'lead', ...text }, it.summary) : null,
    prose,
    articles,
    checklists,
    termsSection,
    sourcesList(it.sources),
  );
  root.append(
    upLink(paths.home(l), t('Back to home')),
    backToTranslation(ctx.route, (from) => paths.item(from, it)),
    article,
    tools,
    popup.dialog,
  );
  // Print, QR code, read aloud (returnee pages) and feedback load on demand (field/).
  if (fieldAvailable()) import('../field/itemtools.js').then((m) => m.mountItemTools(tools, it, l, { readable: it.kind === 'page' ? article : null }));
  return it.title;
}
