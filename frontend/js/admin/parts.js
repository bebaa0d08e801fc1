// Pieces shared by the admin screens: words for statuses and kinds, labelled controls, the diff
// of two texts as readers of the diff see it (word by word, deletions and insertions marked).
import * as content from '../content.js';
import { h, nextId } from '../dom.js';
import { formatDate, t } from '../i18n.js';
import { fillNodes } from '../notices.js';
import { pairParagraphs } from './logic.js';

export const statusLabel = (s) => ({ missing: t('Missing'), draft: t('Draft'), machine: t('Machine translation'), reviewed: t('Reviewed'), stale: t('Stale') })[s] || s;

export const kindLabel = (k) => ({ item: t('Page or tool'), checklist: t('Checklist'), term: t('Glossary term') })[k] || k;

export const statusBadge = (s) => h('span', { class: `badge status-${s}`, 'data-status': s }, statusLabel(s));

// The name of an entity in the guide on this device (the UI language's bundle), else its key.
export function entityTitle(kind, key) {
  if (kind === 'item') return content.item(key)?.title || key;
  if (kind === 'checklist') return content.checklist(key)?.title || key;
  return content.term(key)?.term || key;
}

export const when = (iso) => (iso ? formatDate(iso, 'medium') : '');
export const who = (author) => author || t('the files shipped with Homeward');

// A translated sentence with its values isolated (an address or a date keeps its own direction
// inside an Arabic sentence): tn(t('{date} by {name}'), {date, name}).
export const tn = (template, values) => fillNodes(template, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, h('bdi', null, v)])));

// A control with its label (and an error line it is described by).
export function labelled(label, control, hint = null) {
  control.id ||= nextId('f');
  const error = h('p', { class: 'error', id: nextId('err') });
  const hintEl = hint && h('p', { class: 'hint', id: nextId('hint') }, hint);
  control.setAttribute('aria-describedby', [hintEl?.id, error.id].filter(Boolean).join(' '));
  const box = h('div', { class: 'field' }, h('label', { for: control.id }, label), hintEl, control, error);
  box.error = error;
  box.control = control;
  return box;
}

// Per field, per changed paragraph (`textAttrs`: lang and dir of the text): the old text with its removed words and the new words.
export function diffView(fields, labelOf, textAttrs = {}) {
  const names = Object.keys(fields || {});
  if (!names.length) return h('p', { class: 'hint' }, t('No differences.'));
  return h(
    'div',
    { class: 'diff' },
    names.map((name) =>
      h(
        'section',
        { 'data-field': name },
        h('h3', null, labelOf(name)),
        fields[name].flatMap(pairParagraphs).map((pair) =>
          h(
            'p',
            { class: `diff-para ${pair.op}`, ...textAttrs },
            pair.parts.map((part) =>
              part.op === 'eq'
                ? part.text
                : h(
                    part.op,
                    null,
                    h('span', { class: 'visually-hidden' }, part.op === 'del' ? t('[removed: ') : t('[added: ')),
                    part.text,
                    h('span', { class: 'visually-hidden' }, ']'),
                  ),
            ),
          ),
        ),
      ),
    ),
  );
}
