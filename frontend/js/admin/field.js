// Admin screens for the field features (issue #14), online only: readers' feedback (editors and
// admins: read, filter, resolve) and the help-contacts directory (admins: add, edit, delete).
// The server (app/field/routes.py) decides who may do what and what is valid.
import * as content from '../content.js';
import { h } from '../dom.js';
import { formatList, t, uiLocale } from '../i18n.js';
import { languageName } from '../languages.js';
import { paths } from '../router.js';
import { confirmDialog, section } from '../views/parts.js';
import { ApiError, del, get, post, put } from './api.js';
import { dateTime, field, generalError, loadOrExplain, problemText, statusLine, submitForm } from './form.js';

// --- feedback -------------------------------------------------------------------------------------

const kindName = (k) => ({ useful: t('Useful'), 'not-useful': t('Not useful'), wrong: t('Something is wrong') })[k] || k;

// The page the feedback is about, in the language the reader read it in. Its title comes from the
// guide on this device when it holds that page; otherwise the page's short name (slug).
function target(fb) {
  const it = fb.target_kind === 'checklist' ? content.checklist(fb.target_slug) : content.item(fb.target_slug);
  const href = fb.target_kind === 'checklist' ? paths.checklist(fb.locale, fb.target_slug) : paths.item(fb.locale, it || { kind: 'tool', slug: fb.target_slug });
  return h('a', { href, 'data-target': fb.target_slug }, it?.title || fb.target_slug);
}

export async function feedbackView(root, _ctx) {
  const wrap = h('div', { class: 'admin', 'data-admin': 'feedback' });
  root.append(wrap);
  wrap.append(h('h1', null, t('Feedback from readers')));
  const status = statusLine();
  const states = [
    ['false', t('Open')],
    ['true', t('Resolved')],
    ['', t('All')],
  ];
  const filter = h(
    'fieldset',
    { class: 'row', 'data-feedback-filter': '' },
    h('legend', null, t('Show')),
    states.map(([value, label], i) => h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'resolved', value, checked: i === 0 }), h('span', null, label))),
  );
  const heading = h('h2', { tabindex: '-1' }, t('Feedback, newest first'));
  const count = h('p', { class: 'status', role: 'status', 'data-feedback-count': '' });
  const list = h('ul', { class: 'cards', 'data-feedback-list': '' });
  const resolvedParam = () => filter.querySelector('input:checked').value;
  const first = await loadOrExplain(wrap, () => get('/admin/feedback', { resolved: 'false' }), t('Only editors and administrators can read readers’ feedback.'));
  if (!first) return t('Feedback from readers');

  function entry(fb) {
    const headingId = `fb-${fb.id}`;
    const resolve = fb.resolved_at ? null : h('button', { type: 'button', class: 'secondary', 'aria-describedby': headingId, 'data-resolve': '' }, t('Mark as resolved'));
    const li = h(
      'li',
      { class: 'card', 'data-feedback-id': fb.id, 'data-kind': fb.kind, 'data-resolved': String(!!fb.resolved_at) },
      h('p', { class: 'kicker' }, kindName(fb.kind)),
      h('h3', { id: headingId }, target(fb)),
      fb.text ? h('p', { class: 'said', lang: fb.locale, dir: 'auto' }, fb.text) : h('p', { class: 'hint' }, t('No text was written.')),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, t('Language')),
        h('dd', null, languageName(fb.locale)),
        h('dt', null, t('Received')),
        h('dd', null, h('time', { datetime: fb.created_at }, dateTime(fb.created_at))),
        h('dt', null, t('Status')),
        h('dd', null, fb.resolved_at ? t('Resolved on {date}', { date: dateTime(fb.resolved_at) }) : t('Open')),
      ),
      resolve,
      h('p', { class: 'error', role: 'alert' }),
    );
    resolve?.addEventListener('click', async () => {
      resolve.disabled = true;
      try {
        const done = await post(`/admin/feedback/${encodeURIComponent(fb.id)}/resolve`);
        const next = resolvedParam() === 'false' ? null : entry(done);
        if (next) li.replaceWith(next);
        else li.remove();
        status.textContent = t('Marked as resolved.');
        if (!list.children.length) count.textContent = t('No feedback here.');
        heading.focus();
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        resolve.disabled = false;
        li.querySelector('.error').textContent = problemText(e.problem);
      }
    });
    return li;
  }

  const draw = (rows) => {
    list.replaceChildren(...rows.map(entry));
    count.textContent = rows.length ? '' : t('No feedback here.');
  };
  filter.addEventListener('change', async () => {
    try {
      draw(await get('/admin/feedback', { resolved: resolvedParam() }));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      count.textContent = problemText(e.problem);
    }
  });
  draw(first);
  wrap.append(
    h('p', { class: 'lead' }, t('What readers said about a page: useful or not, or something wrong. Readers are anonymous; resolve an entry once it has been dealt with.')),
    status,
    filter,
    heading,
    count,
    list,
  );
  return t('Feedback from readers');
}

// --- contacts -------------------------------------------------------------------------------------

const regionName = (code) => {
  try {
    return new Intl.DisplayNames([uiLocale()], { type: 'region' }).of(code) || code;
  } catch {
    return code;
  }
};

// What the form sends: empty optional fields as null, languages as a list of codes.
export function contactBody(values) {
  const text = (v) => String(v ?? '').trim();
  const optional = (v) => text(v) || null;
  return {
    country: text(values.country).toUpperCase(),
    name: text(values.name),
    help_kind: text(values.help_kind),
    phone: optional(values.phone),
    website: optional(values.website),
    languages: text(values.languages)
      .split(/[\s,;،]+/)
      .filter(Boolean),
    hours: optional(values.hours),
  };
}

function contactForm(c, submitLabel) {
  const input = (name, attrs = {}) => h('input', { type: 'text', name, value: c ? (Array.isArray(c[name]) ? c[name].join(', ') : c[name] || '') : '', ...attrs });
  const country = input('country', { autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', dir: 'ltr', size: '4' });
  const countryName = h('output', { class: 'hint country-name', 'aria-live': 'polite' });
  const named = () => {
    const code = country.value.trim().toUpperCase();
    countryName.textContent = /^[A-Z]{2}$/.test(code) && regionName(code) !== code ? regionName(code) : '';
  };
  country.addEventListener('input', named);
  named();
  const save = h('button', { type: 'submit', class: 'primary' }, submitLabel);
  const form = h(
    'form',
    { class: 'stack', novalidate: true, 'data-contact-form': c ? String(c.id) : 'new' },
    generalError(),
    field(t('Country of return'), country, { hint: t('Two-letter country code, such as NG or VN.') }),
    countryName,
    field(t('Name of the organisation'), input('name', { dir: 'auto' })),
    field(t('Kind of help'), input('help_kind', { dir: 'auto' }), { hint: t('For example: shelter, legal advice, medical care.') }),
    field(t('Phone'), input('phone', { type: 'tel', dir: 'ltr', autocomplete: 'off' }), { hint: t('With the country code, for example +234…') }),
    field(t('Website'), input('website', { type: 'url', dir: 'ltr', autocomplete: 'off' }), { hint: t('The full address, starting with https://') }),
    field(t('Languages spoken'), input('languages', { dir: 'ltr', autocomplete: 'off', spellcheck: 'false' }), {
      hint: t('Language codes separated by commas, for example en, fr, ar.'),
    }),
    field(t('Opening hours'), input('hours', { dir: 'auto' })),
    h('div', { class: 'row' }, save),
  );
  return { form, save, values: () => contactBody(Object.fromEntries(new FormData(form))) };
}

export async function contactsView(root, _ctx) {
  const wrap = h('div', { class: 'admin', 'data-admin': 'contacts' });
  root.append(wrap);
  wrap.append(h('h1', null, t('Help contacts')));
  let contacts = await loadOrExplain(wrap, () => get('/admin/contacts'), t('Only administrators can edit the help contacts.'));
  if (!contacts) return t('Help contacts');
  const status = statusLine();
  const say = (text) => {
    status.textContent = text;
  };
  const directory = h('div', { 'data-contacts-admin': '' });
  const countryFilter = h('select', { name: 'country-filter' });
  const filterField = field(t('Country of return'), countryFilter);

  async function reload() {
    contacts = await get('/admin/contacts');
    draw();
  }

  function card(c) {
    const edit = h('button', { type: 'button', class: 'secondary', 'data-edit': '' }, t('Edit'));
    const remove = h('button', { type: 'button', class: 'secondary danger', 'data-delete': '' }, t('Delete'));
    const headingId = `contact-${c.id}`;
    for (const b of [edit, remove]) b.setAttribute('aria-describedby', headingId);
    const error = h('p', { class: 'error', role: 'alert' });
    const li = h(
      'li',
      { class: 'card', 'data-contact': String(c.id) },
      h('h3', { id: headingId, dir: 'auto' }, c.name),
      h('p', { dir: 'auto' }, c.help_kind),
      h(
        'dl',
        { class: 'facts' },
        c.phone ? [h('dt', null, t('Phone')), h('dd', { dir: 'ltr' }, c.phone)] : null,
        c.website ? [h('dt', null, t('Website')), h('dd', { dir: 'ltr' }, c.website)] : null,
        c.languages.length ? [h('dt', null, t('Languages')), h('dd', null, formatList(c.languages.map((x) => languageName(x))))] : null,
        c.hours ? [h('dt', null, t('Hours')), h('dd', { dir: 'auto' }, c.hours)] : null,
        h('dt', null, t('Last changed')),
        h('dd', null, dateTime(c.updated_at)),
      ),
      h('div', { class: 'row' }, edit, remove),
      error,
    );
    edit.addEventListener('click', () => {
      const { form, save, values } = contactForm(c, t('Save changes'));
      const cancel = h('button', { type: 'button', class: 'secondary' }, t('Cancel'));
      save.after(cancel);
      const editing = h('li', { class: 'card', 'data-contact': String(c.id), 'data-editing': '' }, h('h3', { tabindex: '-1' }, t('Edit {name}', { name: c.name })), form);
      li.replaceWith(editing);
      editing.querySelector('input').focus();
      cancel.addEventListener('click', () => {
        editing.replaceWith(li);
        edit.focus();
      });
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        submitForm(
          form,
          save,
          () => put(`/admin/contacts/${c.id}`, values()),
          async (saved) => {
            await reload();
            say(t('Changes to {name} saved.', { name: saved.name }));
            directory.querySelector(`[data-contact="${saved.id}"] [data-edit]`)?.focus();
          },
        );
      });
    });
    remove.addEventListener('click', async () => {
      if (!(await confirmDialog(t('Delete {name} from the directory? Readers’ phones drop it at their next update.', { name: c.name }), t('Delete')))) return;
      try {
        await del(`/admin/contacts/${c.id}`);
        await reload();
        say(t('{name} was deleted.', { name: c.name }));
        directoryHeading.focus();
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        error.textContent = problemText(err.problem);
      }
    });
    return li;
  }

  function draw() {
    const lang = uiLocale();
    const countries = [...new Set(contacts.map((c) => c.country))].sort((a, b) => regionName(a).localeCompare(regionName(b), lang));
    const chosen = countries.includes(countryFilter.value) ? countryFilter.value : '';
    countryFilter.replaceChildren(
      h('option', { value: '' }, t('All countries')),
      countries.map((c) => h('option', { value: c, selected: c === chosen }, regionName(c))),
    );
    filterField.hidden = countries.length < 2;
    const shown = countries.filter((c) => !chosen || c === chosen);
    directory.replaceChildren(
      ...(contacts.length
        ? shown.map((code) =>
            h(
              'section',
              { 'data-country': code },
              h('h3', { class: 'country' }, regionName(code), ' ', h('span', { class: 'hint', dir: 'ltr' }, `(${code})`)),
              h('ul', { class: 'cards' }, contacts.filter((c) => c.country === code).map(card)),
            ),
          )
        : [
            h(
              'p',
              { class: 'hint', 'data-contacts-empty': '' },
              t('No organisations yet. Add only organisations you have checked yourself; Homeward lists nothing it has not been given.'),
            ),
          ]),
    );
  }
  countryFilter.addEventListener('change', draw);
  draw();

  const { form, save, values } = contactForm(null, t('Add this organisation'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submitForm(
      form,
      save,
      () => post('/admin/contacts', values()),
      async (created) => {
        form.reset();
        await reload();
        say(t('{name} was added to the directory.', { name: created.name }));
        form.querySelector('input').focus();
      },
    );
  });

  const directorySection = section(t('Directory'), filterField, directory);
  const directoryHeading = directorySection.querySelector('h2');
  directoryHeading.setAttribute('tabindex', '-1');
  wrap.append(
    h('p', { class: 'lead' }, t('The organisations readers find under “Help in your country”, by country of return. Phones download the directory with the guide.')),
    status,
    section(t('Add an organisation'), form),
    directorySection,
  );
  return t('Help contacts');
}
