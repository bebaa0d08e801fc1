// Sign-in for outreach workers (the guide needs no account).
import { add, h, nextId } from '../dom.js';
import { nt, t } from '../i18n.js';
import { navigate, paths } from '../router.js';
import { upLink } from '../views/parts.js';
import * as core from './core.js';
import { labelled } from './parts.js';

export async function signinView(root, ctx) {
  const l = ctx.route.locale;
  const { user, sync, outbox } = await core.snapshot();
  const expired = !!user && (!!sync.auth || core.status().error === 'auth');
  // A new PIN when the device holds no case data (an unlocked device keeps its PIN and account).
  const needPin = (await core.lockState()) === 'none';
  const min = (await core.deviceRules()).pin_min_length;
  const erased = core.erasedReason();
  const status = h('p', { class: 'status', role: 'alert' });
  const pinHint = nextId('hint');
  const pin = h('input', { id: nextId('f'), type: 'password', name: 'new-pin', autocomplete: 'new-password', 'aria-describedby': pinHint });
  const pin2 = h('input', { id: nextId('f'), type: 'password', name: 'new-pin-again', autocomplete: 'new-password' });
  const pinPart = needPin && [
    labelled(t('Choose a PIN or passphrase for this phone'), pin),
    h(
      'p',
      { id: pinHint, class: 'hint' },
      nt(
        'At least {n} character. It protects the case data on this phone and is asked for when the app was left alone for a while. Only you know it: it cannot be recovered.',
        'At least {n} characters. It protects the case data on this phone and is asked for when the app was left alone for a while. Only you know it: it cannot be recovered.',
        min,
      ),
    ),
    labelled(t('The same PIN or passphrase again'), pin2),
  ];
  const email = h('input', { id: nextId('f'), type: 'email', name: 'email', autocomplete: 'username', spellcheck: 'false', value: user?.email });
  const password = h('input', { id: nextId('f'), type: 'password', name: 'password', autocomplete: 'current-password' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('Sign in'));
  const form = h('form', { class: 'stack', novalidate: true }, labelled(t('Email'), email), labelled(t('Password'), password), pinPart, status, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!email.value.trim() || !password.value) {
      status.textContent = t('Enter your email and your password.');
      return;
    }
    if (needPin && [...pin.value].length < min) {
      status.textContent = nt('The PIN or passphrase needs at least {n} character.', 'The PIN or passphrase needs at least {n} characters.', min);
      return pin.focus();
    }
    if (needPin && pin.value !== pin2.value) {
      status.textContent = t('The two PINs are not the same.');
      return pin2.focus();
    }
    button.disabled = true;
    status.textContent = t('Signing in…');
    const r = await core.signIn(email.value.trim(), password.value, needPin ? pin.value : null);
    password.value = '';
    if (r.user) pin.value = pin2.value = '';
    button.disabled = false;
    if (r.user) return navigate(paths.cases(l));
    status.textContent =
      {
        offline: t('Connect to the internet to sign in.'),
        credentials: t('The email or password is not right.'),
        throttled: nt('Too many failed sign-ins. Try again in {n} minute.', 'Too many failed sign-ins. Try again in {n} minutes.', Math.max(1, Math.ceil(r.retryAfter / 60))),
        role: t('This account is not an outreach worker account. Only outreach workers keep cases in Homeward.'),
        other_account: t('Changes made by {email} are still waiting on this device. Sign in as {email} to send them first.', { email: r.email }),
        signout_first: t('This phone holds the cases of {email}. Sign out first, then sign in with another account.', { email: r.email }),
      }[r.error] || t('Signing in did not work. Try again later.');
    password.focus();
  });
  add(
    root,
    upLink(paths.home(l), t('Back to home')),
    h('h1', null, t('Sign in')),
    erased &&
      h(
        'p',
        { class: 'notice', 'data-erased': erased },
        erased === 'pin'
          ? t('Too many wrong PINs: the case data on this phone has been deleted and you were signed out.')
          : t('This account has been disabled: the case data on this phone has been deleted.'),
      ),
    expired
      ? h(
          'div',
          { class: 'notice' },
          h('p', null, t('Your session has ended. Sign in again to send your changes. Nothing on this device has been deleted.')),
          outbox.length > 0 && h('p', null, nt('{n} change waiting to be sent', '{n} changes waiting to be sent', outbox.length)),
        )
      : h('p', { class: 'lead' }, t('For outreach workers with a Homeward account: keep your return cases and checklists on this phone, also without a connection.')),
    user && !expired && h('p', null, t('You are signed in as {email}.', { email: user.email }), ' ', h('a', { href: paths.cases(l) }, t('Open your cases'))),
    form,
    h('p', { class: 'hint' }, t('People going home do not need an account: the guide works without one.')),
  );
  return t('Sign in');
}
