// The field tools shown on an item (loaded on demand): print, share by QR code, read aloud
// (returnee pages, where the device has a voice for the language) and feedback.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { keepFieldOffline } from '../updates.js';
import { feedbackBox } from './feedback.js';

keepFieldOffline();

export function mountItemTools(el, it, locale, { readable = null } = {}) {
  const printBtn = h('button', { type: 'button', class: 'secondary', 'data-print': '' }, t('Print'));
  printBtn.addEventListener('click', () => window.print());
  const qrBtn = h('button', { type: 'button', class: 'secondary', 'data-qr': '' }, t('Show a QR code'));
  qrBtn.addEventListener('click', async () => (await import('./qr.js')).openQrDialog(it));
  const row = h('div', { class: 'row tools no-print' }, printBtn, qrBtn);
  el.append(row);
  if (readable) import('./speech.js').then((m) => m.mountReadAloud(row, readable, it.locale || locale));
  el.append(feedbackBox(it.kind === undefined ? 'checklist' : 'item', it.slug, locale));
}
