// Translation coverage per language (shares translated, reviewed, stale, with links to the work)
// and the exchange with professional translators: a language's PO file, downloaded and uploaded.
import { add, h, replaceChildren } from '../dom.js';
import { formatNumber, nt, t } from '../i18n.js';
import { languageName } from '../languages.js';
import { problemText } from './index.js';
import { filterQuery } from './logic.js';
import { labelled, statusLabel } from './parts.js';

const percent = (x) => formatNumber(x, { style: 'percent', maximumFractionDigits: 0 });

export async function coverageView(root, ctx) {
  const rows = await ctx.api('GET', '/admin/coverage');
  const list = (locale, status) => ctx.path('content') + filterQuery({ locale, status, kind: '' });
  add(
    root,
    h('h1', null, t('Translations')),
    h('p', { class: 'lead' }, t('How much of the guide each language has, and what is waiting for a translator.')),
    h(
      'ul',
      { class: 'admin-list coverage' },
      rows.map((r) =>
        h(
          'li',
          { 'data-locale': r.locale },
          h('h2', null, h('bdi', null, languageName(r.locale)), ' ', h('span', { class: 'hint' }, h('bdi', { dir: 'ltr' }, r.locale))),
          h(
            'dl',
            { class: 'facts' },
            h('dt', null, t('Translated')),
            h('dd', null, percent(r.translated)),
            h('dt', null, t('Reviewed')),
            h('dd', null, percent(r.reviewed)),
            h('dt', null, t('Stale')),
            h('dd', null, percent(r.stale)),
          ),
          h(
            'ul',
            { class: 'links' },
            ['stale', 'missing', 'machine', 'draft']
              .filter((s) => r.counts[s])
              .map((s) => h('li', null, h('a', { href: list(r.locale, s) }, `${statusLabel(s)}: ${formatNumber(r.counts[s])}`))),
            r.may_write && h('li', null, h('a', { href: ctx.path(`translations/${r.locale}`) }, t('Translation file (PO)'))),
          ),
        ),
      ),
    ),
  );
  return t('Translations');
}

export async function translationsView(root, ctx) {
  const { locale } = ctx.params;
  const language = languageName(locale);
  const url = `/api/v1/admin/translations/${encodeURIComponent(locale)}`;
  const file = h('input', { type: 'file', name: 'po', accept: '.po,text/x-gettext-translation' });
  const reviewed = h('input', { type: 'checkbox', name: 'reviewed' });
  const publish = h('input', { type: 'checkbox', name: 'publish' });
  const status = h('div', { class: 'status', role: 'status' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('Upload'));
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    labelled(t('PO file'), file),
    h('label', { class: 'check' }, reviewed, h('span', null, t('Reviewed by a person (otherwise: machine translation, to be reviewed)'))),
    h('label', { class: 'check' }, publish, h('span', null, t('Publish at once'))),
    status,
    button,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = file.files[0];
    if (!chosen) {
      status.textContent = t('Choose a PO file first.');
      return file.focus();
    }
    button.disabled = true;
    status.textContent = t('Uploading…');
    try {
      const query = `?status=${reviewed.checked ? 'reviewed' : 'machine'}&publish=${publish.checked}`;
      const r = await ctx.api('POST', `/admin/translations/${encodeURIComponent(locale)}${query}`, undefined, {
        raw: await chosen.arrayBuffer(),
        type: 'text/x-gettext-translation',
      });
      replaceChildren(status, h('p', null, nt('{n} text saved.', '{n} texts saved.', r.saved.length)), r.published_seq && h('p', null, t('Published.')));
    } catch (err) {
      const errors = err.problem?.errors || [];
      replaceChildren(
        status,
        h('p', { class: 'error' }, problemText(err)),
        errors.length &&
          h(
            'ul',
            null,
            errors.map((x) => h('li', null, h('bdi', { dir: 'ltr' }, (x.loc || []).join(' ')), ': ', x.message)),
          ),
      );
    } finally {
      button.disabled = false;
    }
  });
  add(
    root,
    h('p', { class: 'up' }, h('a', { href: ctx.path('coverage') }, t('Back to translations'))),
    h('h1', null, t('Translation file: {language}', { language })),
    h('p', null, t('Every text of the guide in one gettext PO file, for a translator’s own tools. Out-of-date translations are marked fuzzy.')),
    h('p', null, h('a', { class: 'button', href: url, download: `homeward-content-${locale}.po` }, t('Download the PO file'))),
    h('h2', null, t('Upload a translated file')),
    h('p', { class: 'hint' }, t('The whole file is checked first: if anything is wrong, nothing is saved.')),
    form,
  );
  return t('Translation file: {language}', { language });
}
