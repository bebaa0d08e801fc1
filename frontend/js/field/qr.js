// A QR code for the page on screen, in the language the returnee reads, made on the device
// (vendored qrcode-generator, drawn on a canvas): the returnee scans it with their phone.
import qrcode from '../../vendor/qrcode-generator/qrcode.js';
import * as content from '../content.js';
import { h, nextId } from '../dom.js';
import { t } from '../i18n.js';
import { nativeName } from '../languages.js';
import { paths } from '../router.js';

export function drawQr(canvas, text, scale = 6) {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  const quiet = 4;
  const size = (n + 2 * quiet) * scale;
  canvas.width = size;
  canvas.height = size;
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, size, size);
  g.fillStyle = '#000';
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) g.fillRect((c + quiet) * scale, (r + quiet) * scale, scale, scale);
  return canvas;
}

export async function openQrDialog(it) {
  const l = content.bundle().locale;
  const list = await content.locales();
  const id = nextId('qr');
  const select = h(
    'select',
    { name: 'qr-language' },
    list.locales.map((x) => h('option', { value: x.code, selected: x.code === l }, nativeName(x.code))),
  );
  const canvas = h('canvas', { 'data-qr-code': '', role: 'img' });
  const url = h('p', { class: 'hint', dir: 'ltr', 'data-qr-url': '' });
  const draw = () => {
    const href = new URL(it.kind ? paths.item(select.value, it) : paths.checklist(select.value, it.slug), location.origin).href;
    drawQr(canvas, href);
    canvas.setAttribute('aria-label', t('QR code for {url}', { url: href }));
    url.textContent = href;
  };
  select.addEventListener('change', draw);
  const close = h('button', { type: 'button' }, t('Close'));
  const dialog = h(
    'dialog',
    { class: 'term-dialog qr-dialog', 'aria-labelledby': id },
    h('h2', { id }, t('Open this page on another phone')),
    h('p', null, t('The other phone scans this code with its camera. The page opens in the language chosen here; it needs a connection the first time.')),
    h('label', null, t('Language'), select),
    canvas,
    url,
    h('div', { class: 'actions' }, close),
  );
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  draw();
  dialog.showModal();
  return dialog;
}
