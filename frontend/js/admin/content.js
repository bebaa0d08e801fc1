// Content screens for staff: the list with each text's status in one language, the editor of one
// item, checklist or glossary term in one language (source text: every field; a translation:
// side by side with the English original and, when stale, what changed in it), and the
// revision history with diffs and revert. Every rule (who may write, validation, conflicts,
// staleness) is the server's: these screens show its answers.
import { add, h, replaceChildren } from '../dom.js';
import { formatNumber, nt, t } from '../i18n.js';
import { direction, languageName, localeList, SOURCE } from '../languages.js';
import { navigate } from '../router.js';
import { confirmDialog } from '../views/parts.js';
import { ApiError, entityPath } from './api.js';
import { problemText } from './index.js';
import { fieldErrors, filterQuery, KINDS, readFilters, STATUSES } from './logic.js';
import { diffView, entityTitle, kindLabel, labelled, statusBadge, statusLabel, tn, when, who } from './parts.js';

// --- the list -----------------------------------------------------------------------------------

// The language last chosen in the list (a translator works in theirs), for the next visit.
const LAST = 'hw-admin-locale';
const remembered = () => {
  try {
    return localStorage.getItem(LAST);
  } catch {
    return null;
  }
};
function remember(locale) {
  try {
    localStorage.setItem(LAST, locale);
  } catch {
    // storage disabled: English next time
  }
}

function select(name, label, options, value) {
  const el = h(
    'select',
    { name },
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
  );
  return labelled(label, el);
}

export async function contentList(root, ctx) {
  const f = readFilters(ctx.query, remembered() || SOURCE);
  remember(f.locale);
  const [rows, list] = await Promise.all([ctx.api('GET', `/admin/content${filterQuery(f)}`), localeList()]);
  const codes = list.locales.map((x) => x.code);
  if (!codes.includes(f.locale)) codes.push(f.locale);
  const form = h(
    'form',
    { class: 'filters' },
    select(
      'locale',
      t('Language'),
      codes.map((c) => [c, languageName(c)]),
      f.locale,
    ),
    select('status', t('Status'), [['', t('Any status')], ...STATUSES.map((s) => [s, statusLabel(s)])], f.status),
    select('kind', t('Kind'), [['', t('Everything')], ...KINDS.map((k) => [k, kindLabel(k)])], f.kind),
    h('button', { type: 'submit', class: 'primary' }, t('Show')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    navigate(ctx.path('content') + filterQuery({ locale: data.get('locale'), status: data.get('status'), kind: data.get('kind') }));
  });
  add(
    root,
    h('h1', null, t('Content')),
    form,
    h('p', { role: 'status', class: 'count' }, nt('{n} text', '{n} texts', rows.length)),
    h(
      'ul',
      { class: 'admin-list' },
      rows.map((r) =>
        h(
          'li',
          { 'data-key': r.key, 'data-kind': r.kind },
          h('h2', null, h('a', { href: ctx.path(`content/${r.kind}/${r.key}/${r.locale}`) }, entityTitle(r.kind, r.key))),
          h('p', null, statusBadge(r.status), ' ', h('span', { class: 'hint' }, `${kindLabel(r.kind)} · `, h('bdi', { dir: 'ltr' }, r.key))),
          r.last_change && h('p', { class: 'hint' }, tn(t('Last change {date} by {name}'), { date: when(r.last_change), name: who(r.last_editor) })),
        ),
      ),
    ),
  );
  return t('Content');
}

// --- the editor ---------------------------------------------------------------------------------

const LABELS = () => ({
  title: t('Title'),
  summary: t('Summary'),
  body_md: t('Text (Markdown)'),
  term: t('Term'),
  definition: t('Definition'),
  variants: t('Other forms of the term (one per line)'),
  items: t('Checklist entries'),
  audience: t('Audience'),
  sources: t('Sources'),
  articles: t('Legal articles'),
  related_checklists: t('Related checklists (keys, separated by commas)'),
  related_glossary: t('Related glossary terms (keys, separated by commas)'),
});
const labelOf = (name) => LABELS()[name] || name;

// The fields each kind of text has in any language, and those only the source text has.
const TEXT = { item: ['title', 'summary', 'body_md'], checklist: ['title', 'summary', 'items'], term: ['term', 'definition', 'variants'] };
const SOURCE_ONLY = { item: ['audience', 'sources', 'articles', 'related_checklists', 'related_glossary'], checklist: ['audience', 'sources'], term: [] };
const INSTRUMENTS = ['protocol', 'coe', 'untoc', 'eu-directive-2004-81', 'refugee-convention', 'crc'];
const AUDIENCES = () => [
  ['worker', t('Outreach workers')],
  ['returnee', t('People going home')],
  ['both', t('Both')],
];

const text = (name, value, multiline) => {
  const el = h(multiline ? 'textarea' : 'input', { name, ...(multiline ? { rows: multiline } : { type: 'text' }) });
  el.value = value ?? '';
  return el;
};

// Rows of small records (sources, articles): each row its fields and a Remove button.
function rowsControl(name, legend, rows, columns, addLabel) {
  const list = h('div', { class: 'rows' });
  const addRow = (row = {}) => {
    const fields = columns.map(([key, label, options]) => {
      const el = options
        ? h(
            'select',
            { 'data-col': key },
            options.map((o) => h('option', { value: o, selected: row[key] === o }, o)),
          )
        : text(key, row[key], 0);
      el.dataset.col = key;
      return labelled(label, el);
    });
    const remove = h('button', { type: 'button', class: 'small danger' }, t('Remove'));
    const box = h('div', { class: 'row-item' }, fields, remove);
    remove.addEventListener('click', () => {
      box.remove();
      list.querySelector('input, select')?.focus();
    });
    list.append(box);
    return box;
  };
  for (const row of rows || []) addRow(row);
  const more = h('button', { type: 'button', class: 'small' }, addLabel);
  more.addEventListener('click', () => addRow().querySelector('input, select').focus());
  const set = h('fieldset', { 'data-field': name }, h('legend', null, legend), list, more);
  const error = h('p', { class: 'error' });
  set.append(error);
  set.error = error;
  set.collect = () =>
    [...list.children].map((box) => {
      const out = {};
      for (const el of box.querySelectorAll('[data-col]')) if (el.value.trim() || !el.matches('[data-col=title]')) out[el.dataset.col] = el.value.trim();
      return out;
    });
  return set;
}

// The form of one text: {element, collect(), showErrors(byField), fields: {name: box}}.
function textForm(kind, fields, source, locale) {
  const boxes = {};
  const inText = (el) => Object.assign(el, { lang: locale, dir: direction(locale) }); // the text's language, not the interface's
  const names = [...TEXT[kind], ...(source ? SOURCE_ONLY[kind] : [])];
  for (const name of names) {
    const value = fields?.[name];
    if (name === 'items') {
      const entries = (value || []).map((e) => {
        const action = inText(text('action', e.action, 2));
        const reason = inText(text('reason', e.reason, 3));
        const inferred = source ? h('input', { type: 'checkbox', name: 'inferred', checked: !!e.inferred }) : null;
        const set = h(
          'fieldset',
          { class: 'entry', 'data-entry': e.key },
          h('legend', null, h('bdi', { dir: 'ltr' }, e.key)),
          labelled(t('Action'), action),
          labelled(t('Reason'), reason),
          inferred && h('label', { class: 'check' }, inferred, h('span', null, t('Inferred: not stated in the sources'))),
        );
        set.collect = () => ({ key: e.key, action: action.value, reason: reason.value, ...(inferred ? { inferred: inferred.checked } : {}) });
        return set;
      });
      const box = h(
        'fieldset',
        { 'data-field': 'items' },
        h('legend', null, labelOf('items')),
        h('p', { class: 'hint' }, t('Entries keep their keys: a removed entry is retired by the developers, never renamed.')),
        entries,
      );
      box.error = h('p', { class: 'error' });
      box.append(box.error);
      box.collect = () => entries.map((e) => e.collect());
      boxes.items = box;
    } else if (name === 'sources') {
      boxes.sources = rowsControl(
        'sources',
        labelOf('sources'),
        value,
        [
          ['title', t('Source title')],
          ['url', t('Address (URL)')],
        ],
        t('Add a source'),
      );
    } else if (name === 'articles') {
      boxes.articles = rowsControl(
        'articles',
        labelOf('articles'),
        value,
        [
          ['instrument', t('Instrument'), INSTRUMENTS],
          ['article', t('Article')],
          ['title', t('Article title')],
        ],
        t('Add an article'),
      );
    } else if (name === 'audience') {
      const el = h(
        'select',
        { name },
        AUDIENCES().map(([v, label]) => h('option', { value: v, selected: v === value }, label)),
      );
      boxes.audience = labelled(labelOf(name), el);
      boxes.audience.collect = () => el.value;
    } else {
      const lines = name === 'variants';
      const list = name.startsWith('related_');
      const el = text(
        name,
        lines ? (value || []).join('\n') : list ? (value || []).join(', ') : value,
        name === 'body_md' ? 16 : name === 'summary' || name === 'definition' || lines ? 4 : 0,
      );
      if (list) el.setAttribute('dir', 'ltr');
      else inText(el);
      const box = labelled(labelOf(name), el, name === 'body_md' ? t('The preview below shows it as readers will see it.') : null);
      box.collect = () =>
        lines
          ? el.value
              .split('\n')
              .map((s) => s.trim())
              .filter(Boolean)
          : list
            ? el.value
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : el.value;
      boxes[name] = box;
    }
  }
  return {
    boxes,
    element: h('div', { class: 'text-form' }, Object.values(boxes)),
    collect: () => Object.fromEntries(Object.entries(boxes).map(([n, b]) => [n, b.collect()])),
    showErrors(byField) {
      let first = null;
      for (const [name, box] of Object.entries(boxes)) {
        const errs = byField[name] || [];
        box.error.textContent = errs.map((e) => e.message).join(' · ');
        const control = box.control || box.querySelector('input, textarea, select');
        if (box.control) box.control.setAttribute('aria-invalid', errs.length ? 'true' : 'false');
        if (errs.length && !first) first = control;
      }
      first?.focus();
      return !!first;
    },
  };
}

// The live preview of a Markdown body, rendered and sanitised by the server exactly as readers
// get it (debounced while typing).
function preview(ctx, textarea, locale) {
  const out = h('div', { class: 'prose preview', 'data-preview': '', lang: locale, dir: direction(locale) });
  const problems = h('ul', { class: 'error problems', 'aria-live': 'polite' });
  let seq = 0;
  let timer = null;
  const run = async () => {
    const mine = ++seq;
    try {
      const r = await ctx.api('POST', '/admin/content/preview', { body_md: textarea.value });
      if (mine !== seq) return;
      out.innerHTML = r.html; // sanitised by the server, as in the reader's item view; CSP forbids inline script anyway
      replaceChildren(
        problems,
        r.problems.map((p) => h('li', null, p)),
      );
    } catch (e) {
      if (mine === seq) replaceChildren(problems, h('li', null, problemText(e)));
    }
  };
  textarea.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 400);
  });
  // Links in the preview are for looking at, not for leaving the editor.
  out.addEventListener('click', (e) => {
    if (e.target.closest('a')) e.preventDefault();
  });
  run();
  return h('section', { class: 'preview-box', 'aria-label': t('Preview') }, h('h2', null, t('Preview')), problems, out);
}

// The source text beside a translation, read only (its text in English, its headings in the
// interface's language).
const EN = { lang: SOURCE, dir: 'ltr' };
function sourceColumn(kind, fields) {
  const parts = TEXT[kind].map((name) => {
    const v = fields?.[name];
    if (name === 'items')
      return h(
        'section',
        null,
        h('h3', null, labelOf(name)),
        h(
          'ol',
          null,
          (v || []).map((e) => h('li', null, h('p', EN, e.action), h('p', { class: 'hint', ...EN }, e.reason))),
        ),
      );
    return h('section', null, h('h3', null, labelOf(name)), h('p', { class: 'source-text', ...EN }, Array.isArray(v) ? v.join('\n') : v || ''));
  });
  return h('section', { class: 'source-col', 'aria-labelledby': 'source-heading' }, h('h2', { id: 'source-heading' }, t('English original')), parts);
}

// A conflict (409): who saved what after the revision this edit started from, compared with the
// text still in the form.
function conflictBox(kind, locale, current, mine, onKeepMine, onTakeTheirs) {
  const theirs = current?.fields || {};
  const changed = {};
  for (const name of TEXT[kind]) {
    const a = theirs[name];
    const b = mine[name];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const str = (v) => (typeof v === 'string' ? v : JSON.stringify(v ?? '', null, 1));
    changed[name] = [{ op: 'replace', old: [str(a)], new: [str(b)] }];
  }
  const keep = h('button', { type: 'button', class: 'primary' }, t('Save my text over theirs'));
  const take = h('button', { type: 'button' }, t('Take their text'));
  keep.addEventListener('click', onKeepMine);
  take.addEventListener('click', onTakeTheirs);
  return h(
    'div',
    { class: 'notice conflict', role: 'alert', 'data-conflict': current?.rev },
    h(
      'p',
      null,
      tn(t('{name} saved revision {rev} on {date}, after the revision you started from. Your text is still in the form.'), {
        name: who(current?.author),
        rev: formatNumber(current?.rev ?? 0),
        date: when(current?.created_at),
      }),
    ),
    h('p', null, t('Their text compared with yours:')),
    diffView(changed, labelOf, { lang: locale, dir: direction(locale) }),
    h('div', { class: 'row' }, keep, take),
  );
}

export async function editorView(root, ctx) {
  const { kind, key, locale } = ctx.params;
  const path = entityPath(kind, key, locale);
  const d = await ctx.api('GET', path);
  const source = locale === SOURCE;
  const name = entityTitle(kind, key);
  const language = languageName(locale);
  const state = { base: d.base_rev, saved: null, status: d.status };
  const status = h('p', { class: 'status', role: 'status', 'data-editor-status': '' });
  const badge = h('span', null, statusBadge(d.status));
  const head = [
    h('h1', null, name, ' · ', h('bdi', null, language)),
    h(
      'p',
      { class: 'meta' },
      badge,
      ' ',
      h('span', { class: 'hint' }, `${kindLabel(kind)} · `, h('bdi', { dir: 'ltr' }, key)),
      ' ',
      h('a', { href: ctx.path(`content/${kind}/${key}/${locale}/history`) }, t('Revision history')),
    ),
    d.reviewed_by && h('p', { class: 'hint' }, tn(t('Reviewed by {name} on {date}'), { name: d.reviewed_by, date: when(d.reviewed_at) })),
  ];
  ctx.viewName = 'admin-editor';
  if (!d.may_write) {
    add(
      root,
      head,
      h('p', { class: 'notice', role: 'note', 'data-read-only': '' }, t('You may not change texts in {language}.', { language })),
      !source && sourceColumn(kind, d.source_fields),
    );
    return name;
  }
  const stale =
    !source &&
    d.stale &&
    h(
      'section',
      { class: 'notice stale', 'aria-labelledby': 'stale-heading', 'data-stale-diff': '' },
      h('h2', { id: 'stale-heading' }, t('The English original changed since this translation was made')),
      d.stale_diff?.fields
        ? [h('p', null, t('What changed in English since revision {rev}:', { rev: formatNumber(d.stale_diff.translated_from) })), diffView(d.stale_diff.fields, labelOf, EN)]
        : h('p', null, t('The English text it was translated from is not known: compare with the English original.')),
    );
  const form = textForm(kind, d.fields || (source ? {} : { items: (d.source_fields?.items || []).map((e) => ({ key: e.key, action: '', reason: '' })) }), source, locale);
  const body = form.boxes.body_md?.control;
  const minor = source ? h('input', { type: 'checkbox', name: 'minor' }) : null;
  const note = text('note', '', 0);
  note.maxLength = 500;
  const conflict = h('div');
  const save = h('button', { type: 'submit', class: 'primary' }, t('Save draft'));
  const publish = h('button', { type: 'button', 'data-publish': '' }, t('Publish'));
  const review = source ? null : h('button', { type: 'button', 'data-review': '' }, t('Mark reviewed'));
  const buttons = [save, publish, review];
  const edit = h(
    'form',
    { class: 'editor', novalidate: true },
    h('h2', { class: source ? 'visually-hidden' : null }, source ? t('Text') : t('Translation: {language}', { language })),
    form.element,
    body && preview(ctx, body, locale),
    minor && h('label', { class: 'check' }, minor, h('span', null, t('Minor edit (a typo): translations do not become out of date'))),
    labelled(t('Note about this change (optional)'), note),
    conflict,
    status,
    h('div', { class: 'row actions' }, buttons),
  );
  const busy = (on) => {
    for (const b of buttons) if (b) b.disabled = on;
  };
  const changed = () => JSON.stringify(form.collect()) !== state.saved;
  state.saved = JSON.stringify(form.collect());

  const refresh = async () => {
    const now = await ctx.api('GET', path);
    state.base = now.base_rev;
    replaceChildren(badge, statusBadge(now.status));
  };
  // Saves the form as a new draft when it changed; true when there is nothing (left) to save.
  const saveDraft = async (force = false) => {
    if (!force && !changed()) return true;
    const fields = form.collect();
    try {
      const rev = await ctx.api('PUT', path, { base_rev: state.base, fields, note: note.value.trim(), minor: !!minor?.checked });
      form.showErrors({});
      conflict.replaceChildren();
      state.base = rev.rev;
      state.saved = JSON.stringify(fields);
      note.value = '';
      status.textContent = t('Draft saved (revision {rev}).', { rev: formatNumber(rev.rev) });
      await refresh();
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.problem?.current) {
        const current = e.problem.current;
        status.textContent = '';
        replaceChildren(
          conflict,
          conflictBox(
            kind,
            locale,
            current,
            fields,
            async () => {
              state.base = current.rev; // the person has seen the newer text and keeps theirs
              busy(true);
              await saveDraft(true);
              busy(false);
            },
            () => ctx.render(),
          ),
        );
        conflict.querySelector('button')?.focus();
        return false;
      }
      if (e instanceof ApiError && e.status === 422) {
        const byField = fieldErrors(e.problem);
        status.textContent = e.problem?.detail || t('Some fields are missing or invalid.');
        if (!form.showErrors(byField)) status.textContent = `${status.textContent} ${(e.problem?.errors || []).map((x) => x.message).join(' · ')}`;
        return false;
      }
      status.textContent = problemText(e);
      return false;
    }
  };
  edit.addEventListener('submit', async (e) => {
    e.preventDefault();
    busy(true);
    status.textContent = t('Saving…');
    if (!changed()) status.textContent = t('Nothing to save: the text is as saved.');
    else await saveDraft();
    busy(false);
  });
  publish.addEventListener('click', async () => {
    busy(true);
    status.textContent = t('Saving…');
    try {
      if (!(await saveDraft())) return;
      const r = await ctx.api('POST', '/admin/content/publish', { targets: [{ kind, key, locale }] });
      status.textContent = r.seq ? t('Published: readers get it the next time they are online.') : t('Nothing new to publish.');
      await refresh();
    } catch (err) {
      status.textContent = problemText(err);
    } finally {
      busy(false);
    }
  });
  review?.addEventListener('click', async () => {
    busy(true);
    status.textContent = t('Saving…');
    try {
      if (!(await saveDraft())) return;
      const rev = await ctx.api('POST', `${path}/review`, { base_rev: state.base });
      state.base = rev.rev;
      await refresh();
      const now = await ctx.api('GET', path);
      status.textContent = now.has_draft ? t('Marked reviewed. Publish it so readers get it.') : t('Marked reviewed and published.');
    } catch (err) {
      status.textContent = problemText(err);
    } finally {
      busy(false);
    }
  });
  add(root, head, stale, source ? edit : h('div', { class: 'side-by-side' }, sourceColumn(kind, d.source_fields), edit));
  return name;
}

// --- history ------------------------------------------------------------------------------------

export async function historyView(root, ctx) {
  const { kind, key, locale } = ctx.params;
  const path = entityPath(kind, key, locale);
  const name = entityTitle(kind, key);
  const language = languageName(locale);
  const status = h('p', { class: 'status', role: 'status' });
  const list = h('div');
  const result = h('div', { 'aria-live': 'polite' });
  ctx.viewName = 'admin-history';

  const draw = async () => {
    const [revs, d] = await Promise.all([ctx.api('GET', `${path}/revisions`), ctx.api('GET', path)]);
    if (!revs.length) {
      replaceChildren(list, h('p', null, t('This text has not been changed in the app yet: its first edit records the text as shipped as revision 1.')));
      return;
    }
    const options = (selected) => revs.map((r) => h('option', { value: r.rev, selected: r.rev === selected }, t('Revision {rev}', { rev: formatNumber(r.rev) })));
    const a = h('select', { name: 'a' }, options(revs[Math.min(1, revs.length - 1)].rev));
    const b = h('select', { name: 'b' }, options(revs[0].rev));
    const compare = h('form', { class: 'filters' }, labelled(t('From'), a), labelled(t('To'), b), h('button', { type: 'submit', class: 'primary' }, t('Compare')));
    compare.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const diff = await ctx.api('GET', `${path}/diff?a=${encodeURIComponent(a.value)}&b=${encodeURIComponent(b.value)}`);
        replaceChildren(
          result,
          h('h2', null, t('Revision {a} compared with revision {b}', { a: formatNumber(diff.from), b: formatNumber(diff.to) })),
          diffView(diff.fields, labelOf, { lang: locale, dir: direction(locale) }),
        );
      } catch (err) {
        replaceChildren(result, h('p', { class: 'error' }, problemText(err)));
      }
    });
    const rows = revs.map((r) => {
      const revert =
        d.may_write && r.rev !== d.draft_rev
          ? h('button', { type: 'button', class: 'small', 'data-revert': r.rev }, t('Revert to revision {rev}', { rev: formatNumber(r.rev) }))
          : null;
      revert?.addEventListener('click', async () => {
        if (!(await confirmDialog(t('Revert to revision {rev}? This makes a new draft with its text.', { rev: formatNumber(r.rev) }), t('Revert')))) return;
        try {
          const made = await ctx.api('POST', `${path}/revert`, { base_rev: d.draft_rev, to_rev: r.rev });
          await draw();
          status.textContent = t('Revision {new} has the text of revision {old}. Publish it from the editor so readers get it.', {
            new: formatNumber(made.rev),
            old: formatNumber(r.rev),
          });
          list.querySelector('h2')?.focus();
        } catch (err) {
          status.textContent = problemText(err);
        }
      });
      const marks = [r.rev === d.published_rev && t('published'), r.rev === d.draft_rev && r.rev !== d.published_rev && t('draft'), r.minor && t('minor edit')].filter(Boolean);
      return h(
        'li',
        { 'data-rev': r.rev },
        h('h3', null, t('Revision {rev}', { rev: formatNumber(r.rev) }), marks.length ? ` (${marks.join(', ')})` : ''),
        h('p', null, statusBadge(r.status), ' ', h('span', { class: 'hint' }, tn(t('{date} by {name}'), { date: when(r.created_at), name: who(r.author) }))),
        r.note && h('p', { class: 'hint' }, h('bdi', null, r.note)),
        revert,
      );
    });
    replaceChildren(list, compare, h('h2', { tabindex: '-1' }, nt('{n} revision', '{n} revisions', revs.length)), h('ol', { class: 'admin-list revisions', reversed: true }, rows));
  };
  await draw();
  add(
    root,
    h('p', { class: 'up' }, h('a', { href: ctx.path(`content/${kind}/${key}/${locale}`) }, t('Back to the editor'))),
    h('h1', null, t('History: {name}', { name }), ' · ', h('bdi', null, language)),
    status,
    result,
    list,
  );
  return t('History: {name}', { name });
}
