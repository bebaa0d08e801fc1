// The PIN screen: every worker screen while the case data on this phone is locked (app.js).
// Wrong PINs count (stored on the device); the last allowed one erases the case data and signs out.
import { add, h, nextId } from '../dom.js';
import { nt, t } from '../i18n.js';
import { navigate, paths } from '../router.js';
import * as core from './core.js';
import { confirmDialog, labelled } from './parts.js';

export async function lockView(root, ctx) {
  const l = ctx.route.locale;
  ctx.viewName = 'lock'; // main[data-view=lock]
  const status = h('p', { class: 'status', role: 'alert', 'data-lock-status': '' });
  const pin = h('input', { id: nextId('pin'), type: 'password', name: 'pin', autocomplete: 'off', spellcheck: 'false' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('Unlock'));
  const form = h('form', { class: 'stack', novalidate: true, 'data-unlock': '' }, labelled(t('PIN or passphrase'), pin), status, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!pin.value) return pin.focus();
    button.disabled = true;
    status.textContent = t('Unlocking…');
    const r = await core.unlock(pin.value);
    pin.value = '';
    button.disabled = false;
    if (r.ok) return ctx.render();
    if (r.wiped || r.none) return navigate(paths.signin(l));
    status.textContent = nt(
      'This PIN is not right. {n} more wrong try and the case data on this phone is deleted.',
      'This PIN is not right. {n} more wrong tries and the case data on this phone is deleted.',
      r.left,
    );
    pin.focus();
  });
  const forgot = h('button', { type: 'button', class: 'secondary danger' }, t('Delete the case data on this phone'));
  forgot.addEventListener('click', async () => {
    const text = t('Changes not sent yet are lost. Your cases stay on the server: sign in again to get them back.');
    if (!(await confirmDialog(t('Delete the case data on this phone?'), text, t('Delete and sign out')))) return;
    await core.signOut();
    navigate(paths.signin(l));
  });
  add(
    root,
    h('h1', null, t('Cases locked')),
    h('p', { class: 'lead' }, t('The case data on this phone is locked. Enter your PIN or passphrase to open it.')),
    form,
    h('section', null, h('h2', null, t('Forgot your PIN?')), forgot),
  );
  return t('Cases locked');
}
