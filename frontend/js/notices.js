// What the reader should know about a text, in their language, offline (from the bundle):
// shown in a fallback language, older than its English original, not checked by a translator.
import { h } from './dom.js';
import { formatDate, t, uiLocale } from './i18n.js';
import { direction, languageName, nativeName, peekFrom, SOURCE, withFrom } from './languages.js';

// Nodes where a translated template has {placeholders}, so inserted fragments can be isolated.
export const fillNodes = (template, nodes) => template.split(/(\{\w+\})/).map((p, i) => (i % 2 && nodes[p.slice(1, -1)]) || p);

export const bdi = (text, lang) => h('bdi', { lang }, text);
const nothing = () => document.createDocumentFragment(); // DOM append() would print "null"

// lang/dir of a text in another language than the interface.
export const textAttrs = (doc) => (doc && doc.locale && doc.locale !== uiLocale() ? { lang: doc.locale, dir: direction(doc.locale) } : {});

const date = (doc) => bdi(formatDate(doc.source_updated_at, 'long'));
// pathFor(locale): the same page in that language.
const english = (pathFor) => h('a', { href: withFrom(pathFor(SOURCE)), hreflang: SOURCE, 'data-english': true }, t('Read in English'));
const machine = () => t('Not yet checked by a translator.');

export function notices(doc, pathFor) {
  const lines = [];
  if (doc.fallback) {
    const text = t('This page is not yet available in {language}. It is shown in {fallback}.');
    lines.push(['fallback', fillNodes(text, { language: bdi(languageName(uiLocale())), fallback: bdi(languageName(doc.locale)) })]);
  }
  if (doc.stale) {
    const text = t('The English original of this page changed on {date}, after this translation was made.');
    lines.push(['stale', fillNodes(text, { date: date(doc) }), pathFor ? [' ', english(pathFor)] : null]);
  }
  if (doc.status === 'machine') lines.push(['machine', machine()]);
  if (!lines.length) return nothing();
  return h(
    'div',
    { class: 'notice', role: 'note' },
    lines.map(([kind, ...rest]) => h('p', { 'data-translation': kind }, rest)),
  );
}

// One line for an entry (checklist step, glossary term): only what its page does not say.
export function entryNotice(doc, pathFor, page) {
  const bits = [];
  if (doc.fallback && doc.locale !== page.locale) bits.push(fillNodes(t('Shown in {language}.'), { language: bdi(languageName(doc.locale)) }));
  if (doc.stale) bits.push([fillNodes(t('The English original changed on {date}.'), { date: date(doc) }), ' ', english(pathFor)]);
  if (doc.status === 'machine' && page.status !== 'machine') bits.push(machine());
  if (!bits.length) return null;
  const kind = doc.stale ? 'stale' : doc.fallback ? 'fallback' : 'machine';
  return h(
    'p',
    { class: 'notice entry-notice', 'data-translation': kind },
    bits.map((b, i) => [i ? ' ' : '', b]),
  );
}

// What all entries of a page share, said once at the top.
export function pageDoc(docs) {
  const one = docs.length > 0 && docs.every((d) => d.locale === docs[0].locale);
  return {
    locale: one ? docs[0].locale : uiLocale(),
    fallback: one && docs.every((d) => d.fallback),
    status: docs.length && docs.every((d) => d.status === 'machine') ? 'machine' : null,
  };
}

// On the English original opened from a translation: the way back.
export function backToTranslation(route, pathFor) {
  const from = peekFrom(route);
  if (!from) return nothing();
  const name = h('bdi', { lang: from, dir: direction(from) }, nativeName(from));
  return h('p', { class: 'up back-to' }, h('a', { href: pathFor(from), hreflang: from }, fillNodes(t('Back to {language}'), { language: name })));
}
