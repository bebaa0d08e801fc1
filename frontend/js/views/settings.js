// Settings: language, audience, languages kept on the device (size, download, remove), storage
// used and whether the browser granted persistent storage.

import * as content from '../content.js';
import { h, nextId } from '../dom.js';
import { formatBytes, formatDate, t } from '../i18n.js';
import { navigate, paths } from '../router.js';
import * as store from '../store.js';
import { confirmDialog, section } from './parts.js';

function radio(name, value, label, checked) {
  return h('label', { class: 'choice' }, h('input', { type: 'radio', name, value, checked }), h('span', null, label));
}

function nameOf(list, code) {
  const l = list.locales.find((x) => x.code === code);
  return l ? l.native_name : code;
}

async function storageSection() {
  const out = h('div', { 'data-storage': true });
  const persisted = navigator.storage?.persisted ? await navigator.storage.persisted() : null;
  const asked = await store.getMeta('persist');
  if (navigator.storage?.estimate) {
    const { usage = 0, quota = 0 } = await navigator.storage.estimate();
    out.append(
      h(
        'p',
        { 'data-usage': String(usage) },
        t('Homeward uses {used} on this device (the browser allows up to {quota}).', { used: formatBytes(usage), quota: formatBytes(quota) }),
      ),
    );
  }
  const status = h('p', { 'data-persisted': String(persisted) });
  status.textContent =
    persisted === true
      ? t('Persistent storage: granted. The browser will not delete the downloaded guide to free space.')
      : persisted === false
        ? t('Persistent storage: not granted. If the phone runs short of space, the browser may delete the downloaded guide; open Homeward with a connection to download it again.')
        : t('This browser cannot report whether storage is persistent.');
  out.append(status);
  if (asked) out.append(h('p', { class: 'hint' }, t('Last asked: {date}', { date: formatDate(asked.asked_at) })));
  if (persisted === false) {
    const ask = h('button', { type: 'button', class: 'secondary' }, t('Ask again for persistent storage'));
    ask.addEventListener('click', async () => {
      ask.disabled = true;
      const granted = await navigator.storage.persist();
      await store.setMeta('persist', { granted, asked_at: new Date().toISOString() });
      out.replaceWith(await storageSection());
    });
    out.append(ask);
  }
  return out;
}

export async function settingsView(root, ctx) {
  const l = ctx.route.locale;
  const list = await content.locales();
  const downloaded = await store.bundleSummaries();
  const have = new Set(downloaded.map((d) => d.locale));
  const status = h('p', { class: 'status', role: 'status' });
  const say = (msg) => {
    status.textContent = msg;
  };

  // Language
  const langId = nextId('lang');
  const langSelect = h(
    'select',
    { id: langId, name: 'locale' },
    list.locales.map((x) => h('option', { value: x.code, selected: x.code === l, lang: x.code }, x.native_name)),
  );
  const langForm = h(
    'form',
    { class: 'stack' },
    h('label', { for: langId }, t('Language of the app and the guide')),
    langSelect,
    h('button', { type: 'submit', class: 'primary' }, t('Use this language')),
  );
  langForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const code = langSelect.value;
    if (!have.has(code)) {
      if (!navigator.onLine) return say(t('Connect to the internet to download this language.'));
      say(t('Downloading the guide…'));
      try {
        await content.download(code);
      } catch {
        return say(t('The guide could not be downloaded. Try again later.'));
      }
    }
    await ctx.savePrefs({ locale: code });
    navigate(paths.settings(code));
  });

  // Audience
  const audience = h(
    'fieldset',
    null,
    h('legend', null, t('Who are you?')),
    radio('audience', 'returnee', t('I am going home / I came back'), ctx.state.prefs.audience === 'returnee'),
    radio('audience', 'worker', t('I work with returnees'), ctx.state.prefs.audience === 'worker'),
  );
  audience.addEventListener('change', async (e) => {
    await ctx.savePrefs({ audience: e.target.value });
    say(t('Saved. The home screen now shows what fits you first.'));
  });

  // Languages on this device
  const rows = downloaded
    .sort((a, b) => a.locale.localeCompare(b.locale))
    .map((d) => {
      const remove = h(
        'button',
        { type: 'button', class: 'secondary', disabled: d.locale === l, 'aria-label': t('Remove {language}', { language: nameOf(list, d.locale) }) },
        t('Remove'),
      );
      remove.addEventListener('click', async () => {
        await content.remove(d.locale);
        say(t('{language} removed from this device.', { language: nameOf(list, d.locale) }));
        ctx.render();
      });
      return h(
        'li',
        { 'data-locale': d.locale },
        h('span', { class: 'name', lang: d.locale }, nameOf(list, d.locale)),
        h('span', { class: 'size' }, formatBytes(d.bytes || 0)),
        h('span', { class: 'hint' }, t('Updated {date}', { date: formatDate(d.fetched_at) })),
        remove,
      );
    });
  const missing = list.locales.filter((x) => !have.has(x.code));
  let download = h('p', { class: 'hint' }, t('All available languages are on this device.'));
  if (missing.length) {
    const dlId = nextId('dl');
    const sel = h(
      'select',
      { id: dlId },
      missing.map((x) => h('option', { value: x.code, lang: x.code }, x.native_name)),
    );
    download = h('form', { class: 'stack' }, h('label', { for: dlId }, t('Download another language')), sel, h('button', { type: 'submit', class: 'secondary' }, t('Download')));
    download.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!navigator.onLine) return say(t('Connect to the internet to download this language.'));
      say(t('Downloading the guide…'));
      try {
        await content.download(sel.value);
      } catch {
        return say(t('The guide could not be downloaded. Try again later.'));
      }
      ctx.render();
    });
  }

  // Discreet mode (see discreet.js)
  const discreetInput = h('input', { type: 'checkbox', name: 'discreet', checked: !!ctx.state.prefs.discreet });
  discreetInput.addEventListener('change', async () => {
    await ctx.savePrefs({ discreet: discreetInput.checked });
    say(discreetInput.checked ? t('Discreet mode is on.') : t('Discreet mode is off.'));
  });
  const discreetSection = section(
    t('Discreet mode'),
    h('label', { class: 'check' }, discreetInput, h('span', null, t('Keep what I read and search out of the browser’s history'))),
    h('p', { class: 'hint' }, t('The tab is called “Notes”, the address does not change, and if you add the app to your home screen it is called “Notes” with a plain icon.')),
    h('p', { class: 'hint' }, t('An app already on your home screen keeps the name and icon it was added with: remove it and add it again.')),
  );

  const clearSteps = h('button', { type: 'button', class: 'secondary' }, t('Clear all my ticks'));
  clearSteps.addEventListener('click', async () => {
    if (!(await confirmDialog(t('Remove all your ticks from this device?'), t('Remove all ticks')))) return;
    await store.clear('steps');
    say(t('All your ticks were removed from this device.'));
  });

  const install = h('div', { 'data-install-box': '' });
  import('../field/install.js').then((m) => m.mountInstall(install));
  root.append(
    h('h1', null, t('Settings')),
    status,
    section(t('Language'), langForm),
    section(t('Audience'), audience),
    discreetSection,
    section(t('Languages on this device'), h('ul', { class: 'languages' }, rows), download),
    section(t('Storage'), await storageSection()),
    section(t('Install Homeward'), install),
    section(
      t('Pass the guide on'),
      h('p', null, t('Make one file with the guide for someone who has no data.')),
      h('p', null, h('a', { href: paths.passOn(l), class: 'button' }, t('Pass the guide on'))),
    ),
    section(t('My steps'), h('p', null, t('Ticks you make in checklists are kept only on this device.')), clearSteps),
    ...(ctx.state.prefs.audience === 'worker'
      ? [section(t('Outreach worker account'), h('p', null, h('a', { href: paths.cases(l) }, t('Your cases, sign in and sign out'))))]
      : []),
    section(t('About'), h('p', null, h('a', { href: paths.about(l) }, t('About Homeward, sources and quick exit')))),
  );
  return t('Settings');
}
