// Glossary: every term with its meaning and the guide items that use it.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import * as content from '../content.js';
import { paths } from '../router.js';
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
  root.append(
    h('h1', null, t('Glossary')),
    h(
      'dl',
      { class: 'glossary' },
      content.glossary().map((g) => {
        const items = usedIn.get(g.key) || [];
        return h(
          'div',
          { class: 'entry', id: `term-${g.key}` },
          h('dt', null, g.term),
          h(
            'dd',
            null,
            notices(g),
            h('p', null, g.definition),
            items.length
              ? h(
                  'p',
                  { class: 'used-in' },
                  t('Used in:'),
                  ' ',
                  items.map((it, n) => [n ? ', ' : '', h('a', { href: paths.item(l, it) }, it.title)]),
                )
              : null,
          ),
        );
      }),
    ),
  );
  return t('Glossary');
}
