// Glossary: every term with its meaning and the guide items that use it.

import * as content from '../content.js';
import { h } from '../dom.js';
import { formatList, t } from '../i18n.js';
import { backToTranslation, entryNotice, pageDoc, textAttrs } from '../notices.js';
import { current, paths } from '../router.js';
import { notices } from './parts.js';

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
