// Help organisations by country of return, as entered by the administrators of this server
// (/api/v1/contacts, stored on the device in `meta` → `contacts` by sync.js): searchable
// offline, phone numbers as tel: links. Homeward ships none: it never invents an organisation.
import { add, h } from '../dom.js';
import { formatList, t } from '../i18n.js';
import { languageName } from '../languages.js';
import { paths } from '../router.js';
import { fold } from '../search.js';
import * as store from '../store.js';
import { upLink } from '../views/parts.js';

const regionName = (code) => {
  try {
    return new Intl.DisplayNames([document.documentElement.lang || 'en'], { type: 'region' }).of(code) || code;
  } catch {
    return code;
  }
};

const telHref = (phone) => `tel:${phone.replace(/[^0-9+]/g, '')}`;

function entry(c) {
  return h(
    'li',
    { class: 'card contact', 'data-contact': String(c.id) },
    h('h3', { dir: 'auto' }, c.name),
    h('p', { dir: 'auto' }, c.help_kind),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, t('Country')),
      h('dd', null, regionName(c.country)),
      c.phone ? [h('dt', null, t('Phone')), h('dd', null, h('a', { href: telHref(c.phone), dir: 'ltr' }, c.phone))] : null,
      c.website ? [h('dt', null, t('Website')), h('dd', null, h('a', { href: c.website, target: '_blank', rel: 'noopener noreferrer', dir: 'ltr' }, c.website))] : null,
      c.languages?.length ? [h('dt', null, t('Languages')), h('dd', null, formatList(c.languages.map((x) => languageName(x))))] : null,
      c.hours ? [h('dt', null, t('Hours')), h('dd', { dir: 'auto' }, c.hours)] : null,
    ),
  );
}

export async function contactsView(root, ctx) {
  const l = ctx.route.locale;
  let rec = await store.getMeta('contacts');
  // Online, the directory is refreshed on opening (a first visit does not download it: issue #13).
  if (navigator.onLine) rec = (await import('./sync.js').then((m) => m.refreshContacts()).catch(() => null)) || rec;
  const all = rec?.contacts || [];
  const lang = document.documentElement.lang || 'en';
  const countries = [...new Set(all.map((c) => c.country))].sort((a, b) => regionName(a).localeCompare(regionName(b), lang));
  const country = h(
    'select',
    { name: 'country' },
    h('option', { value: '' }, t('All countries')),
    countries.map((c) => h('option', { value: c }, regionName(c))),
  );
  const query = h('input', { type: 'search', name: 'contacts-q', autocomplete: 'off' });
  const list = h('ul', { class: 'cards', 'data-contacts': '' });
  const count = h('p', { class: 'status', role: 'status' });
  const haystack = (c) => fold([c.name, c.help_kind, c.hours, regionName(c.country), c.country, ...(c.languages || []).map((x) => languageName(x))].join(' '), lang);
  const show = () => {
    const words = fold(query.value, lang).split(/\s+/).filter(Boolean);
    const hits = all.filter((c) => (!country.value || c.country === country.value) && words.every((w) => haystack(c).includes(w)));
    list.replaceChildren(...hits.map(entry));
    count.textContent = all.length && !hits.length ? t('No organisation matches.') : '';
  };
  country.addEventListener('change', show);
  query.addEventListener('input', show);
  show();
  add(
    root,
    upLink(paths.home(l), t('Back to home')),
    h('h1', null, t('Help in your country')),
    h('p', { class: 'lead' }, t('Organisations that help people who return, by country: what they do, how to reach them, which languages they speak.')),
    all.length
      ? [
          h('div', { class: 'stack search' }, h('label', null, t('Country of return'), country), h('label', null, t('Search the directory'), query)),
          count,
          list,
          rec?.fetched_at ? h('p', { class: 'hint' }, t('The directory is kept on this device and works offline.')) : null,
        ]
      : h(
          'div',
          { class: 'notice', 'data-contacts-empty': '' },
          h('p', null, t('No organisations have been added yet.')),
          h(
            'p',
            null,
            t(
              'The administrators of this Homeward server add organisations they have checked, in the admin screens (Contacts) or through the API (POST /api/v1/admin/contacts): name, kind of help, phone, website, languages and hours. Homeward lists nothing it has not been given.',
            ),
          ),
        ),
  );
  return t('Help in your country');
}
