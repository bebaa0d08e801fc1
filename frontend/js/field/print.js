// "Print the whole chapter": the overview and the ten tools one after the other, each starting
// on a new page when printed, sources as numbered footnotes with their addresses written out
// (paper has no links). Everything comes from the stored bundle, so it prints offline.
import * as content from '../content.js';
import { add, h } from '../dom.js';
import { formatDate, t } from '../i18n.js';
import { bdi, fillNodes, notices, textAttrs } from '../notices.js';
import { paths } from '../router.js';
import { upLink } from '../views/parts.js';

export function footnotes(sources) {
  if (!sources?.length) return null;
  return h(
    'ol',
    { class: 'footnotes' },
    sources.map((s) => h('li', { dir: 'auto' }, s.title, ' — ', h('span', { class: 'url', dir: 'ltr' }, s.url))),
  );
}

export function legalBasis(it) {
  if (!it.articles?.length) return null;
  return h(
    'p',
    { class: 'hint' },
    t('Legal basis'),
    ': ',
    it.articles.map((a, i) => [
      i ? '; ' : '',
      fillNodes(t('{instrument}, article {article}'), { instrument: bdi(a.instrument_name || a.instrument, a.instrument_name_locale), article: bdi(a.article) }),
    ]),
  );
}

export function printView(root, ctx) {
  const l = ctx.route.locale;
  const b = content.bundle();
  const chapter = content.items().filter((i) => i.kind === 'overview' || i.kind === 'tool');
  const printBtn = h('button', { type: 'button', class: 'primary', 'data-print': '' }, t('Print'));
  printBtn.addEventListener('click', () => window.print());
  add(
    root,
    upLink(paths.home(l), t('Back to home')),
    h('h1', null, t('The whole chapter')),
    h(
      'p',
      { class: 'lead' },
      t('Chapter 7 of the UNODC Toolkit: the overview and the ten tools, ready to print. Each tool starts on a new page; sources are listed as footnotes.'),
    ),
    h('p', { class: 'hint' }, t('Content version {version}, printed on {date}', { version: b.version, date: formatDate(new Date().toISOString(), 'long') })),
    h('div', { class: 'row no-print' }, printBtn),
    chapter.map((it) => {
      const prose = h('div', { class: 'prose', ...textAttrs(it) });
      prose.innerHTML = it.body_html || ''; // sanitised by the server
      return h(
        'article',
        { class: 'print-tool', 'data-slug': it.slug },
        it.tool_number ? h('p', { class: 'kicker' }, t('Tool {number}', { number: it.tool_number })) : null,
        h('h2', textAttrs(it), it.title),
        notices(it, null),
        it.summary ? h('p', { class: 'lead', ...textAttrs(it) }, it.summary) : null,
        prose,
        legalBasis(it),
        it.sources?.length ? [h('h3', null, t('Sources')), footnotes(it.sources)] : null,
      );
    }),
  );
  return t('The whole chapter');
}
