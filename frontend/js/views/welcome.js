// First run: language (each name in its own script) and who the reader is. Both change later.

import * as content from '../content.js';
import { h, nextId } from '../dom.js';
import { t, uiLocale } from '../i18n.js';
import { localeList } from '../languages.js';
import * as router from '../router.js';

function choice(name, value, label, checked, attrs) {
  return h('label', { class: 'choice' }, h('input', { type: 'radio', name, value, checked, required: true }), h('span', attrs, label));
}

export async function welcome(root, ctx) {
  const list = await localeList();
  const { prefs } = ctx.state;
  const draft = ctx.state.draft || {};
  const audienceNow = draft.audience || prefs.audience;
  const chosen = ctx.route.locale || draft.locale || uiLocale(); // see languages.prepare
  // Discreet mode: offered to returnees, on unless they turned it off.
  const discreetOn = draft.discreet ?? prefs.discreet ?? true;
  const discreetBox = h(
    'fieldset',
    { 'data-discreet': true, hidden: audienceNow !== 'returnee' },
    h('legend', null, t('Discreet mode')),
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'discreet', checked: discreetOn }),
      h('span', null, t('Keep what I read and search out of the browser’s history')),
    ),
    h('p', { class: 'hint' }, t('The tab is called “Notes”, the address does not change, and if you add the app to your home screen it is called “Notes” with a plain icon.')),
  );
  const statusId = nextId('status');
  const status = h('p', { id: statusId, class: 'status', role: 'status' });
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h(
      'fieldset',
      null,
      h('legend', null, t('Language')),
      list.locales.map((l) => choice('locale', l.code, l.native_name, l.code === chosen, { lang: l.code, dir: l.direction === 'rtl' ? 'rtl' : 'ltr' })),
    ),
    h(
      'fieldset',
      null,
      h('legend', null, t('Who are you?')),
      choice('audience', 'returnee', t('I am going home / I came back'), audienceNow === 'returnee'),
      choice('audience', 'worker', t('I work with returnees'), audienceNow === 'worker'),
    ),
    discreetBox,
    h('p', { class: 'hint' }, t('You can change both later in Settings.')),
    status,
    h('button', { type: 'submit', class: 'primary', 'aria-describedby': statusId }, t('Continue')),
  );
  // Picking a language shows this screen in it at once (its catalog is small); focus stays put.
  form.addEventListener('change', async (e) => {
    const data = new FormData(form);
    ctx.state.draft = { locale: data.get('locale'), audience: data.get('audience'), discreet: data.get('discreet') === 'on' };
    discreetBox.hidden = data.get('audience') !== 'returnee';
    if (e.target.name !== 'locale') return;
    const code = e.target.value;
    if (ctx.route.name !== 'root') router.navigate('/', { render: false });
    await ctx.render({ quiet: true });
    const again = document.querySelector(`input[name=locale][value="${CSS.escape(code)}"]`);
    if (again) again.focus();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const locale = data.get('locale');
    const audience = data.get('audience');
    if (!locale || !audience) {
      status.textContent = t('Choose a language and who you are.');
      return;
    }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    await content.activate(locale);
    if (!content.bundle()) {
      status.textContent = t('Downloading the guide…');
      try {
        await content.activate(locale, await content.download(locale));
      } catch {
        status.textContent = t('The guide could not be downloaded. Connect to the internet once and try again.');
        button.disabled = false;
        return;
      }
    }
    ctx.state.draft = null;
    await ctx.savePrefs({ locale, audience, discreet: audience === 'returnee' && data.get('discreet') === 'on' });
    await ctx.requestPersistence();
    router.navigate(router.paths.home(locale));
  });
  root.append(
    h('h1', null, t('Welcome to Homeward')),
    h('p', { class: 'lead' }, t('Clear information on immigration status, safe return and reintegration after trafficking. Once downloaded, it works without a connection.')),
    form,
  );
  return t('Welcome');
}
