// One case: stage and country, its checklists with notes on steps, notes on the case,
// colleagues, deletion. The body is redrawn from the device on every change (parts.js live()).
import * as content from '../content.js';
import { add, h, nextId } from '../dom.js';
import { t } from '../i18n.js';
import { navigate, paths } from '../router.js';
import { upLink } from '../views/parts.js';
import * as core from './core.js';
import { addable, confirmDialog, countrySelect, labelled, live, messages, pendingBadge, progress, stageSelect, syncPanel } from './parts.js';
import { countryName, day, lang, noteByline, stageLabel } from './words.js';

// A note form; key keeps its draft (and its <details>' open state) across redraws. An edit form
// closes once saved.
let noteMax = null; // the longest note the server accepts (case rules), set by caseView

function noteForm(key, label, button, save, initial = '') {
  const warn = nextId('warn');
  const area = h('textarea', { id: nextId('note'), name: 'body', rows: '3', maxlength: noteMax, 'data-keep': key, 'aria-describedby': warn });
  area.value = initial;
  if (initial) area.dataset.initial = initial; // an untouched edit form is not work in progress (dom.edited)
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    labelled(label, area),
    h('p', { id: warn, class: 'hint warn-text' }, t('Never write names, phone numbers, addresses or dates of birth in a note.')),
    h('button', { type: 'submit', class: 'secondary', 'data-key': `${key}:save` }, button),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = area.value.trim();
    if (!body) return area.focus();
    if (initial) for (const el of [area, form.closest('details')]) el?.removeAttribute('data-keep');
    else area.value = '';
    save(body);
  });
  return form;
}

function noteItem(c, n, me, alone = false) {
  const edit = h(
    'details',
    { 'data-keep': `open:${n.id}` },
    h('summary', null, t('Edit')),
    noteForm(`edit:${n.id}`, t('Edit the note'), t('Save the note'), (body) => core.change('edit_note', c.id, { note_id: n.id, body }), n.body),
  );
  const del = h('button', { type: 'button', class: 'secondary small' }, t('Delete'));
  del.addEventListener('click', async () => {
    if (await confirmDialog(t('Delete this note?'), n.body, t('Delete the note'))) core.change('delete_note', c.id, { note_id: n.id });
  });
  return h(
    'li',
    { 'data-note': n.id, id: `note-${n.id}`, 'data-key': `note:${n.id}` }, // the key keeps focus (Show the note) across redraws
    h('p', { class: 'body' }, n.body),
    noteByline(n, me).map((line) => h('p', { class: 'hint', 'data-byline': '' }, line)),
    alone && h('p', { class: 'badge' }, t('Written at the same time as another version of this note; both are kept.')),
    n.pending && pendingBadge(),
    h('div', { class: 'row' }, edit, del),
  );
}

// Notes in order; the versions of one note that were written at the same time (a note and its
// siblings, conflict_of) are shown together, side by side where the screen is wide enough.
function noteList(c, notes, me) {
  if (!notes.length) return false;
  const shown = new Set(notes.map((n) => n.id));
  const siblings = new Map();
  for (const n of notes) {
    if (n.conflict_of && shown.has(n.conflict_of)) siblings.set(n.conflict_of, [...(siblings.get(n.conflict_of) || []), n]);
  }
  const items = [];
  for (const n of notes) {
    if (n.conflict_of && shown.has(n.conflict_of)) continue; // shown with its original
    const group = siblings.get(n.id);
    if (!group) {
      items.push(noteItem(c, n, me, !!n.conflict_of)); // a version whose original is gone
      continue;
    }
    const head = h(
      'p',
      { id: nextId('versions'), class: 'badge' },
      t('Changed at the same time by two people: both versions are kept, side by side. Keep one by deleting the other.'),
    );
    items.push(
      h(
        'li',
        { class: 'versions', 'data-versions': n.id },
        head,
        h(
          'ul',
          { class: 'notes side-by-side', 'aria-labelledby': head.id },
          [n, ...group].map((x) => noteItem(c, x, me)),
        ),
      ),
    );
  }
  return h('ul', { class: 'notes' }, items);
}

function checklistSection(c, cl, me) {
  const l = lang();
  const tpl = content.checklist(cl.template_slug);
  const head = h('h2', { id: nextId('cl') }, tpl ? tpl.title : cl.template_slug);
  const out = h('section', { 'aria-labelledby': head.id, 'data-checklist': cl.template_slug }, head);
  if (!tpl) {
    add(out, h('p', null, t('This checklist is not in the downloaded guide.')));
    return out;
  }
  const tool = tpl.related_tool && content.item(tpl.related_tool);
  const ack = h('button', { type: 'button', class: 'secondary' }, t('Mark reviewed'));
  ack.addEventListener('click', () => core.change('ack_guidance', c.id, { checklist_id: cl.id }));
  const items = tpl.items.map((i) => {
    const st = cl.items[i.key] || {};
    const key = `${cl.id}/${i.key}`;
    const doneOn = st.done && st.done_on && h('p', { id: nextId('done'), class: 'reason' }, t('Done on {date}', { date: day(st.done_on) }));
    const box = h('input', { type: 'checkbox', name: i.key, checked: !!st.done, 'data-key': key, 'aria-describedby': doneOn?.id });
    box.addEventListener('change', () => {
      box.disabled = true;
      core.change('set_item', c.id, { checklist_id: cl.id, item_key: i.key, done: box.checked });
    });
    return h(
      'li',
      { 'data-item': i.key },
      h('label', { class: 'check' }, box, h('span', null, i.action)),
      doneOn,
      st.pending && pendingBadge(),
      noteList(
        c,
        c.notes.filter((n) => !n.deleted && n.checklist_id === cl.id && n.item_key === i.key),
        me,
      ),
      h(
        'details',
        { 'data-keep': `open:${key}` },
        h('summary', null, t('Add a note to this step')),
        noteForm(`add:${key}`, t('Note on this step'), t('Save the note'), (body) =>
          core.change('add_note', c.id, { note_id: core.uuid(), body, checklist_id: cl.id, item_key: i.key }),
        ),
      ),
    );
  });
  add(
    out,
    cl.guidance_updated &&
      h(
        'div',
        { class: 'notice', 'data-guidance-updated': '' },
        h('p', null, t('Guidance updated — review. The guidance behind this checklist changed since it was added to the case.')),
        tool && h('p', null, h('a', { href: paths.item(l, tool) }, t('Read the guidance'))),
        ack,
      ),
    h('p', { class: 'progress' }, progress([cl])),
    h('ol', { class: 'checklist' }, items),
  );
  return out;
}

// Outside the redrawn part, so its message survives the sync it causes.
function colleagueForm(caseId) {
  const hint = nextId('hint');
  const input = h('input', { id: nextId('email'), type: 'email', name: 'email', autocomplete: 'off', 'aria-describedby': hint, 'data-key': 'colleague' });
  const status = h('p', { class: 'status', role: 'status' });
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    labelled(t('Add a colleague by their email'), input),
    h('p', { id: hint, class: 'hint' }, t('Adding a colleague needs a connection. They must have an outreach worker account.')),
    status,
    h('button', { type: 'submit', class: 'secondary' }, t('Add colleague')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const email = input.value.trim();
    if (!email) return input.focus();
    status.textContent = t('Adding…');
    const err = await core.addColleague(caseId, email);
    if (!err) input.value = '';
    status.textContent = !err
      ? t('{email} can now see this case.', { email })
      : {
          offline: t('Adding a colleague needs a connection.'),
          unknown: t('There is no outreach worker account with this email.'),
          auth: t('Sign in again to send your changes. Nothing on this device has been deleted.'),
        }[err] || t('This did not work. Try again later.');
  });
  return { form, status };
}

// Take a colleague off the case (online only): they no longer see it, and their phones erase it
// on their next sync. The case always keeps one worker (409).
function removeButton(c, email, userId, status) {
  const b = h(
    'button',
    { type: 'button', class: 'secondary small', 'data-remove-worker': userId, 'aria-label': t('Take {email} off this case', { email }) },
    t('Take off the case'),
  );
  b.addEventListener('click', async () => {
    const text = t('{email} will no longer see this case, and it is deleted from their phone the next time it syncs.', { email });
    if (!(await confirmDialog(t('Take {email} off case {reference}?', { email, reference: c.reference }), text, t('Take off the case')))) return;
    status.textContent = t('Taking {email} off the case…', { email });
    const err = await core.removeColleague(c.id, userId);
    status.textContent = !err
      ? t('{email} is no longer on this case.', { email })
      : {
          offline: t('Taking a colleague off a case needs a connection.'),
          last: t('{email} is the last worker on this case. A case always keeps one worker.', { email }),
          unknown: t('{email} is not on this case any more.', { email }),
          auth: t('Sign in again to send your changes. Nothing on this device has been deleted.'),
        }[err] || t('This did not work. Try again later.');
  });
  return b;
}

export async function caseView(root, ctx) {
  const l = ctx.route.locale;
  const id = ctx.route.id;
  const found = (await core.snapshot()).cases.find((c) => c.id === id);
  if (!found) {
    add(
      root,
      upLink(paths.cases(l), t('Your cases')),
      h('h1', null, t('Case not found')),
      h('p', null, t('This case is not on this device. It may have been closed, deleted, or you were removed from it.')),
    );
    return t('Case not found');
  }
  const rules = await core.rules();
  noteMax = rules ? rules.note.max_length : null;
  const panel = syncPanel(ctx.stale);
  const colleagues = colleagueForm(id);
  const me = await core.getUser();
  const body = live((frag, d) => {
    const c = d.cases.find((x) => x.id === id);
    if (!c || c.deleted) return add(frag, h('p', { class: 'notice' }, t('This case was deleted or is no longer on this device.')));
    const stage = stageSelect('stage', c.stage, rules);
    stage.addEventListener('change', () => core.change('update_case', id, { stage: stage.value }));
    const country = countrySelect('country', c.country, rules);
    country.addEventListener('change', () => country.value && core.change('update_case', id, { country: country.value }));
    const lists = c.checklists.filter((cl) => !cl.deleted);
    const more = addable(new Set(lists.map((cl) => cl.template_slug)));
    const pick = h(
      'select',
      { id: 'add-checklist', name: 'template' },
      more.map((x) => h('option', { value: x.slug }, x.title)),
    );
    const addForm = h('form', { class: 'stack' }, labelled(t('Checklist to add'), pick), h('button', { type: 'submit', class: 'secondary' }, t('Add checklist')));
    addForm.addEventListener('submit', (e) => {
      e.preventDefault();
      core.change('add_checklist', id, { checklist_id: core.uuid(), template_slug: pick.value });
    });
    const del = h('button', { type: 'button', class: 'secondary danger' }, t('Delete case'));
    del.addEventListener('click', async () => {
      const text = t('The case, its checklists and notes are deleted for every worker on it. If a colleague changes it at the same time, it is kept.');
      if (!(await confirmDialog(t('Delete case {reference}?', { reference: c.reference }), text, t('Delete case')))) return;
      await core.change('delete_case', id);
      navigate(paths.cases(l));
    });
    add(
      frag,
      h('p', { class: 'lead' }, `${countryName(c.country)} · ${stageLabel(c.stage)}`),
      messages(d, id),
      c.pending && h('p', { class: 'badge', 'data-case-pending': '' }, t('Changes not sent yet')),
      h('div', { class: 'stack' }, labelled(t('Stage'), stage), labelled(t('Country of return'), country)),
      lists.map((cl) => checklistSection(c, cl, d.user)),
      more.length > 0 && h('section', null, h('h2', null, t('Add a checklist')), addForm),
      h(
        'section',
        { 'data-case-notes': '' },
        h('h2', null, t('Notes on the case')),
        noteList(
          c,
          c.notes.filter((n) => !n.deleted && !n.checklist_id),
          d.user,
        ),
        noteForm(`add:${id}`, t('New note'), t('Save the note'), (b) => core.change('add_note', id, { note_id: core.uuid(), body: b })),
      ),
      h(
        'section',
        { 'data-colleagues': '' },
        h('h2', null, t('Workers on this case')),
        h(
          'ul',
          { class: 'workers' },
          c.workers.map((w, i) => {
            const uid = c.worker_ids?.[i];
            return h('li', { 'data-worker': w }, h('span', null, w), uid && uid !== me?.id && c.workers.length > 1 && removeButton(c, w, uid, colleagues.status));
          }),
        ),
        colleagues.form,
      ),
      h('section', null, h('h2', null, t('Delete')), del),
    );
  }, ctx.stale);
  await Promise.all([panel.first(), body.first()]);
  add(root, upLink(paths.cases(l), t('Your cases')), h('h1', null, t('Case {reference}', { reference: found.reference })), panel.box, body.box);
  return t('Case {reference}', { reference: found.reference });
}
