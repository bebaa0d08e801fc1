// "Was this useful? / Something is wrong" under every item and checklist: no personal data is
// asked; the answer is written to the device's outbox first (works offline) and sent when
// there is a connection (sync.js).
import * as content from '../content.js';
import { h, nextId } from '../dom.js';
import { t } from '../i18n.js';
import * as store from '../store.js';

const uuid = () =>
  crypto.randomUUID
    ? crypto.randomUUID()
    : '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) => (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));

export async function queueFeedback(entry) {
  const rec = { id: uuid(), at: new Date().toISOString(), ...entry };
  await store.put('feedback', rec);
  if (navigator.onLine) import('./sync.js').then((m) => m.flushFeedback()).catch(() => {});
  return rec;
}

export function feedbackBox(targetKind, slug, locale) {
  const headingId = nextId('fb');
  const status = h('p', { class: 'status', role: 'status', 'data-feedback-status': '' });
  const text = h('textarea', { name: 'feedback-text', maxlength: '500', rows: '3', 'aria-describedby': `${headingId}-hint` });
  const hint = h('p', { class: 'hint', id: `${headingId}-hint` }, t('Please do not write names, phone numbers or other details about anyone.'));
  const send = h('button', { type: 'button', class: 'primary' }, t('Send'));
  const more = h('div', { class: 'stack', hidden: true }, h('label', null, t('What should we know? (optional)'), text), hint, send);
  let kind = null;
  const choose = (k) => () => {
    kind = k;
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.kind === k));
    more.hidden = false;
    text.focus();
  };
  const buttons = [
    h('button', { type: 'button', class: 'secondary', 'data-kind': 'useful', 'aria-pressed': 'false' }, t('Yes')),
    h('button', { type: 'button', class: 'secondary', 'data-kind': 'not-useful', 'aria-pressed': 'false' }, t('No')),
    h('button', { type: 'button', class: 'secondary', 'data-kind': 'wrong', 'aria-pressed': 'false' }, t('Something is wrong')),
  ];
  for (const b of buttons) b.addEventListener('click', choose(b.dataset.kind));
  const box = h(
    'section',
    { class: 'feedback no-print', 'aria-labelledby': headingId, 'data-feedback': '' },
    h('h2', { id: headingId }, t('Was this useful?')),
    h('div', { class: 'row' }, buttons),
    more,
    status,
  );
  send.addEventListener('click', async () => {
    if (!kind) return;
    send.disabled = true;
    await queueFeedback({
      locale,
      target_kind: targetKind,
      target_slug: slug,
      kind,
      text: text.value.trim().slice(0, 500),
      content_version: content.bundle()?.version ?? null,
    });
    text.value = '';
    more.hidden = true;
    for (const b of buttons) b.setAttribute('aria-pressed', 'false');
    send.disabled = false;
    status.textContent = navigator.onLine ? t('Thank you. Your answer is being sent.') : t('Thank you. Your answer is kept on this device and will be sent when you are online.');
  });
  return box;
}
