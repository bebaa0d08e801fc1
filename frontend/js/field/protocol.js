// The Trafficking in Persons Protocol (and the Council of Europe Convention articles the
// guidance cites), cross-referenced against the tools and returnee pages: one entry per
// article, with a one-line summary in the reader's language (/static/protocol/{l}.json,
// precached) and links to every item whose `articles` cite it (computed from the bundle).
import * as content from '../content.js';
import { add, h } from '../dom.js';
import { t } from '../i18n.js';
import { direction } from '../languages.js';
import { bdi, fillNodes, textAttrs } from '../notices.js';
import { paths } from '../router.js';
import { upLink } from '../views/parts.js';

const INSTRUMENTS = ['protocol', 'coe'];
const base = (article) => String(article).match(/^\d+/)?.[0] || String(article);

async function summaries(locale) {
  for (const l of [locale, 'en']) {
    try {
      const res = await fetch(`/static/protocol/${encodeURIComponent(l)}.json`);
      if (res.ok) return await res.json();
    } catch {
      // not precached for that language: try English
    }
  }
  return { locale: 'en', status: null, articles: [] };
}

// {instrument: Map(number → {name, nameLocale, title, titleLocale, cited: Set, items: []})}
export function crossReference(items) {
  const out = Object.fromEntries(INSTRUMENTS.map((i) => [i, new Map()]));
  for (const it of items) {
    for (const a of it.articles || []) {
      if (!out[a.instrument]) continue;
      const n = base(a.article);
      const e = out[a.instrument].get(n) || { number: n, name: null, cited: new Set(), items: [], title: null };
      e.name = e.name || { text: a.instrument_name || a.instrument, lang: a.instrument_name_locale };
      if (a.title && String(a.article) === n) e.title = { text: a.title, lang: a.title_locale || 'en' };
      e.cited.add(String(a.article));
      if (!e.items.includes(it)) e.items.push(it);
      out[a.instrument].set(n, e);
    }
  }
  return out;
}

export async function protocolView(root, ctx) {
  const l = ctx.route.locale;
  const b = content.bundle();
  const sums = await summaries(b.locale);
  const sumLang = sums.locale || 'en';
  const byKey = new Map((sums.articles || []).map((s) => [`${s.instrument}:${s.article}`, s.summary]));
  const refs = crossReference(content.items());
  const sections = INSTRUMENTS.map((inst) => {
    const entries = [...refs[inst].values()].sort((x, y) => Number(x.number) - Number(y.number));
    if (!entries.length) return null;
    const name = entries[0].name;
    return h(
      'section',
      { 'data-instrument': inst },
      h('h2', null, bdi(name.text, name.lang)),
      h(
        'ol',
        { class: 'protocol' },
        entries.map((e) => {
          const summary = byKey.get(`${inst}:${e.number}`);
          const tools = e.items.filter((i) => i.kind !== 'page');
          const pages = e.items.filter((i) => i.kind === 'page');
          const links = (list) =>
            h(
              'ul',
              { class: 'links' },
              list.map((i) => h('li', textAttrs(i), h('a', { href: paths.item(l, i) }, i.tool_number ? `${i.tool_number} ${i.title}` : i.title))),
            );
          return h(
            'li',
            { id: `${inst}-${e.number}`, class: 'article-ref', 'data-article': e.number },
            h('h3', null, fillNodes(t('Article {article}'), { article: bdi(e.number) }), e.title ? h('span', null, ' — ', bdi(e.title.text, e.title.lang)) : null),
            summary ? h('p', { class: 'summary', lang: sumLang, dir: direction(sumLang) }, summary) : null,
            h('p', { class: 'hint' }, t('Cited as:'), ' ', bdi([...e.cited].join(', '))),
            tools.length ? [h('h4', null, t('Tools')), links(tools)] : null,
            pages.length ? [h('h4', null, t('Pages for returnees')), links(pages)] : null,
          );
        }),
      ),
    );
  });
  add(
    root,
    upLink(paths.home(l), t('Back to home')),
    h('h1', null, t('The Protocol and the tools')),
    h(
      'p',
      { class: 'lead' },
      t(
        'The articles of the Trafficking in Persons Protocol and of the Council of Europe Convention that this guide rests on, each with a short summary and the pages that use it.',
      ),
    ),
    sums.status === 'machine' ? h('div', { class: 'notice', role: 'note' }, h('p', { 'data-translation': 'machine' }, t('Not yet checked by a translator.'))) : null,
    h('p', { class: 'hint' }, t('The summaries are simplified. They are not the text of the law and not legal advice.')),
    sections,
  );
  return t('The Protocol and the tools');
}
