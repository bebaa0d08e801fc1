// Outreach workers' screens: sign-in, cases list, new case, case page (loaded on demand by
// app.js). Cases hold no name, phone number, address or date of birth. See frontend/README.md.
import { h, nextId } from '../dom.js';
import { nt, t } from '../i18n.js';
import * as content from '../content.js';
import { navigate, paths } from '../router.js';
import { quickExitButton } from '../quickexit.js';
import { upLink } from '../views/parts.js';
import * as core from './core.js';

// --- words ---------------------------------------------------------------------------------------
const stageLabel = (s) => ({ preparing: t('Preparing return'), travel: t('Travel'), arrival: t('Arrival'), reintegration: t('Reintegration'), closed: t('Closed') })[s] || s;

const lang = () => document.documentElement.lang || 'en';
function countryName(code) {
  try {
    return new Intl.DisplayNames([lang(), 'en'], { type: 'region' }).of(code) || code;
  } catch {
    return code;
  }
}
const when = (iso, opts) => {
  try {
    return new Intl.DateTimeFormat(lang(), opts).format(new Date(iso));
  } catch {
    return iso;
  }
};
const dateTime = (iso) => when(iso, { dateStyle: 'medium', timeStyle: 'short' });
const day = (ymd) => when(`${ymd}T12:00`, { dateStyle: 'medium' }); // the phone's own date

function itemText(c, checklistId, key) {
  const cl = c && c.checklists.find((x) => x.id === checklistId);
  const tpl = cl && content.checklist(cl.template_slug);
  const item = tpl && tpl.items.find((i) => i.key === key);
  return item ? item.action : key;
}
const caseRef = (c) => (c ? c.reference : t('a case no longer on this device'));

// A merge notice from the server, in plain words: which case, which step, what happened.
function noticeText(n, c) {
  const d = n.details || {};
  const value = (v) => (d.field === 'stage' ? stageLabel(v) : countryName(v));
  const p = { case: caseRef(c), item: itemText(c, d.checklist_id, d.item_key), yours: value(d.yours), now: value(d.now || d.kept) };
  const stage = d.field === 'stage';
  switch (n.kind) {
    case 'tick_overridden':
      return d.yours
        ? t('Case {case}: you ticked “{item}”, but a colleague unticked it later. It is now not done.', p)
        : t('Case {case}: you unticked “{item}”, but a colleague ticked it later. It is now done.', p);
    case 'tick_kept':
      return d.yours
        ? t('Case {case}: your tick on “{item}” was not applied, because a colleague changed it later. It stays not done.', p)
        : t('Case {case}: your untick of “{item}” was not applied, because a colleague changed it later. It stays done.', p);
    case 'note_kept_both':
      return t('Case {case}: you and a colleague edited the same note at the same time. Both versions are kept, one below the other.', p);
    case 'case_restored':
      return t('Case {case}: you deleted this case, but a colleague changed it afterwards, so it was restored.', p);
    case 'edited_deleted_case':
      return t('Case {case}: you changed this case after it had been deleted. Your change was saved, but the case stays deleted.', p);
    case 'delete_refused':
      return t('Case {case}: your deletion was not applied, because a colleague changed the case in the meantime. The case is kept.', p);
    case 'note_restored':
      return t('Case {case}: you deleted a note, but a colleague edited it at the same time, so the note was restored.', p);
    case 'note_delete_refused':
      return t('Case {case}: your deletion of a note was not applied, because the note was edited in the meantime.', p);
    case 'field_overridden':
      return stage
        ? t('Case {case}: you set the stage to “{yours}”, but a colleague later set it to “{now}”.', p)
        : t('Case {case}: you set the country to “{yours}”, but a colleague later set it to “{now}”.', p);
    case 'field_kept':
      return stage
        ? t('Case {case}: your change of the stage to “{yours}” was not applied; a colleague’s later change keeps “{now}”.', p)
        : t('Case {case}: your change of the country to “{yours}” was not applied; a colleague’s later change keeps “{now}”.', p);
    default:
      return t('Case {case}: one of your changes was merged with a colleague’s.', p);
  }
}

// A change the server refused: what, on which case, why (a note's text is shown with it).
function rejectedText(r, c) {
  const m = r.mutation;
  const item = { item: itemText(c, m.checklist_id, m.item_key) };
  const change =
    m.type === 'set_item'
      ? m.done
        ? t('Ticking “{item}”', item)
        : t('Unticking “{item}”', item)
      : m.type === 'create_case'
        ? t('Creating the case')
        : m.body
          ? t('Your note')
          : t('A change');
  const reason =
    {
      not_found: t('the case is not available to you any more'),
      unknown_checklist: t('the checklist is not part of this case'),
      unknown_item: t('this step is not in the checklist any more'),
      unknown_note: t('the note does not exist any more'),
    }[r.reason] || t('the server could not accept it');
  return t('Case {case}: {change} could not be saved: {reason}.', { case: c ? c.reference : m.reference || caseRef(c), change, reason });
}

function syncError(error) {
  return (
    {
      offline: t('You are offline. Your changes are kept on this device and sent when you are back online.'),
      auth: t('Sign in again to send your changes. Nothing on this device has been deleted.'),
      forbidden: t('The server refused this account or this device. Your changes are kept on this device.'),
      network: t('The server could not be reached. Your changes are kept; Homeward will try again.'),
      server: t('The server had a problem. Your changes are kept; Homeward will try again.'),
    }[error] || ''
  );
}

// --- shared pieces -------------------------------------------------------------------------------
// Element.append that skips null/false and flattens arrays.
const add = (root, ...kids) => root.append(...kids.flat(Infinity).filter((k) => k || k === 0));

// A part of the screen drawn (synchronously) from one read of the device, redrawn on `events`;
// drafts ([data-keep]) and focus ([data-key]) survive. Stops when the screen was left (stale()).
function live(build, stale, events = ['changed']) {
  const box = h('div');
  let busy = false;
  let again = false;
  const refresh = async () => {
    if (stale()) return events.forEach((e) => core.bus.removeEventListener(e, refresh));
    if (busy) return void (again = true);
    busy = true;
    try {
      const data = await core.snapshot();
      // Nothing waits from here on, so nothing typed meanwhile is lost.
      const active = document.activeElement;
      const key = active && box.contains(active) ? active.dataset.key || active.dataset.keep : null;
      const caret = key && typeof active.selectionStart === 'number' ? active.selectionStart : null;
      const kept = new Map([...box.querySelectorAll('[data-keep]')].map((el) => [el.dataset.keep, el]));
      const frag = document.createDocumentFragment();
      build(frag, data);
      box.replaceChildren(frag);
      for (const el of box.querySelectorAll('[data-keep]')) {
        const old = kept.get(el.dataset.keep);
        if (old && el.tagName === 'DETAILS') el.open = old.open;
        else if (old) el.value = old.value;
      }
      const sel = key && CSS.escape(key);
      const target = sel && box.querySelector(`[data-key="${sel}"],[data-keep="${sel}"]`);
      if (target) {
        target.focus({ preventScroll: true });
        if (caret !== null) target.setSelectionRange(caret, caret);
      }
    } finally {
      busy = false;
    }
    if (again) {
      again = false;
      await refresh();
    }
  };
  events.forEach((e) => core.bus.addEventListener(e, refresh));
  return { box, first: refresh };
}

// "Sync now", with the number of changes waiting and the last successful sync. The status line
// stays the same element (a live region that is replaced would not be announced).
function syncPanel(stale) {
  const state = h('p', { class: 'status', role: 'status' });
  const panel = live(
    (root, d) => {
      const n = d.outbox.length;
      const st = core.status();
      const error = st.error || (d.sync.auth && 'auth');
      state.dataset.syncState = st.running ? 'running' : error || 'idle';
      state.textContent = st.running ? t('Syncing…') : syncError(error);
      add(
        root,
        h('p', { class: 'pending', 'data-pending': n }, n ? nt('{n} change waiting to be sent', '{n} changes waiting to be sent', n) : t('All changes are sent.')),
        h(
          'p',
          { class: 'hint', 'data-last-sync': d.sync.last_sync || '' },
          d.sync.last_sync ? t('Last synced: {time}', { time: dateTime(d.sync.last_sync) }) : t('Not synced yet on this device.'),
        ),
        error === 'auth' && h('p', null, h('a', { href: paths.signin(lang()), class: 'button' }, t('Sign in again'))),
        h('button', { type: 'button', class: 'secondary', disabled: st.running, onclick: () => core.syncNow() }, t('Sync now')),
      );
    },
    stale,
    ['changed', 'status'],
  );
  return { box: h('div', { class: 'sync-panel', 'data-sync-panel': '' }, panel.box, state), first: panel.first };
}

// Merge notices and refused changes (of one case, or all), each dismissable.
function messages(d, caseId) {
  const byId = new Map(d.cases.map((c) => [c.id, c]));
  const list = (kind, title, items, text, extra) =>
    items.length && [
      h('h2', null, title),
      h(
        'ul',
        { class: 'notes' },
        items.map((x) => {
          const msg = text(x);
          const b = h('button', { type: 'button', class: 'secondary small', 'aria-label': t('Dismiss: {message}', { message: msg }) }, t('Dismiss'));
          b.addEventListener('click', () => core.dismiss(kind, x.id));
          return h('li', { [`data-${kind === 'notices' ? 'notice' : 'rejected'}`]: x.kind || x.reason || '' }, h('p', null, msg), extra(x), b);
        }),
      ),
    ];
  const notices = d.notices.filter((n) => !caseId || n.case_id === caseId);
  const rejected = d.rejected.filter((r) => !caseId || r.mutation.case_id === caseId);
  if (!notices.length && !rejected.length) return null;
  const out = h('section', { class: 'messages' });
  add(
    out,
    list(
      'notices',
      t('Merged with a colleague’s changes'),
      notices,
      (n) => noticeText(n, byId.get(n.case_id)),
      () => null,
    ),
    list(
      'rejected',
      t('Changes the server did not accept'),
      rejected,
      (r) => rejectedText(r, byId.get(r.mutation.case_id)),
      (r) => r.mutation.body && h('blockquote', null, r.mutation.body),
    ),
  );
  return out;
}

// An in-page confirmation (never window.confirm). Resolves true when confirmed.
function confirmDialog(title, text, confirm, cancel = t('Cancel')) {
  return new Promise((resolve) => {
    const id = nextId('dlg');
    const yes = h('button', { type: 'button', class: 'primary danger' }, confirm);
    const no = h('button', { type: 'button', class: 'secondary' }, cancel);
    // quick exit inside: the header is inert while a modal dialog is open
    const dialog = h(
      'dialog',
      { class: 'term-dialog', 'aria-labelledby': id },
      h('h2', { id }, title),
      h('p', null, text),
      h('div', { class: 'actions' }, no, yes, quickExitButton()),
    );
    const finish = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    yes.onclick = () => finish(true);
    no.onclick = () => finish(false);
    dialog.oncancel = (e) => {
      e.preventDefault();
      finish(false);
    };
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}

const signedOut = (root, l) => {
  add(
    root,
    h('h1', null, t('Your cases')),
    h('p', { class: 'lead' }, t('Sign in with your outreach worker account to keep return cases on this device.')),
    h('p', null, h('a', { href: paths.signin(l), class: 'button primary' }, t('Sign in'))),
  );
  return t('Your cases');
};

function progress(checklists) {
  let done = 0;
  let total = 0;
  for (const cl of checklists) {
    const tpl = !cl.deleted && content.checklist(cl.template_slug);
    if (!tpl) continue;
    total += tpl.items.length;
    done += tpl.items.filter((i) => cl.items[i.key] && cl.items[i.key].done).length;
  }
  return nt('{done} of {n} step done', '{done} of {n} steps done', total, { done });
}

function countrySelect(id, selected) {
  const coll = new Intl.Collator(lang());
  const options = core.COUNTRIES.map((code) => [code, countryName(code)]).sort((a, b) => coll.compare(a[1], b[1]));
  return h(
    'select',
    { id, name: 'country', 'data-key': id },
    h('option', { value: '' }, t('Choose a country')),
    options.map(([code, name]) => h('option', { value: code, selected: code === selected }, name)),
  );
}

const stageSelect = (id, selected) =>
  h(
    'select',
    { id, name: 'stage', 'data-key': id },
    core.STAGES.map((s) => h('option', { value: s, selected: s === selected }, stageLabel(s))),
  );

const labelled = (label, control) => [h('label', { for: control.id }, label), control];
const addable = (have) => content.checklists().filter((c) => c.audience !== 'returnee' && !have.has(c.slug));

// --- sign-in ---------------------------------------------------------------------------------------
export async function signinView(root, ctx) {
  const l = ctx.route.locale;
  const { user, sync, outbox } = await core.snapshot();
  const expired = !!user && (!!sync.auth || core.status().error === 'auth');
  const status = h('p', { class: 'status', role: 'alert' });
  const email = h('input', { id: nextId('f'), type: 'email', name: 'email', autocomplete: 'username', spellcheck: 'false', value: user && user.email });
  const password = h('input', { id: nextId('f'), type: 'password', name: 'password', autocomplete: 'current-password' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('Sign in'));
  const form = h('form', { class: 'stack', novalidate: true }, labelled(t('Email'), email), labelled(t('Password'), password), status, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!email.value.trim() || !password.value) return void (status.textContent = t('Enter your email and your password.'));
    button.disabled = true;
    status.textContent = t('Signing in…');
    const r = await core.signIn(email.value.trim(), password.value);
    password.value = '';
    button.disabled = false;
    if (r.user) return navigate(paths.cases(l));
    status.textContent =
      {
        offline: t('Connect to the internet to sign in.'),
        credentials: t('The email or password is not right.'),
        throttled: nt('Too many failed sign-ins. Try again in {n} minute.', 'Too many failed sign-ins. Try again in {n} minutes.', Math.max(1, Math.ceil(r.retryAfter / 60))),
        role: t('This account is not an outreach worker account. Only outreach workers keep cases in Homeward.'),
        other_account: t('Changes made by {email} are still waiting on this device. Sign in as {email} to send them first.', { email: r.email }),
      }[r.error] || t('Signing in did not work. Try again later.');
    password.focus();
  });
  add(
    root,
    upLink(paths.home(l), t('Back to home')),
    h('h1', null, t('Sign in')),
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

// --- cases list ----------------------------------------------------------------------------------
export async function casesView(root, ctx) {
  const l = ctx.route.locale;
  const user = await core.getUser();
  if (!user) return signedOut(root, l);
  const panel = syncPanel(ctx.stale);
  const list = live((frag, d) => {
    const waiting = new Set(d.outbox.map((m) => m.case_id));
    const cases = d.cases.filter((c) => !c.deleted).sort((a, b) => a.reference.localeCompare(b.reference));
    const card = (c) =>
      h(
        'li',
        { class: 'card', 'data-case': c.id },
        h('h2', null, h('a', { href: paths.case(l, c.id), class: 'stretch' }, c.reference)),
        h('p', null, `${countryName(c.country)} · ${stageLabel(c.stage)}`),
        h('p', { class: 'progress' }, progress(c.checklists)),
        c.checklists.some((cl) => cl.guidance_updated && !cl.deleted) && h('p', { class: 'badge warn' }, t('Guidance updated — review')),
        waiting.has(c.id) && h('p', { class: 'badge', 'data-case-pending': '' }, t('Changes not sent yet')),
      );
    add(
      frag,
      messages(d),
      cases.length
        ? h('ul', { class: 'cards', 'data-list': 'cases' }, cases.map(card))
        : h('p', null, t('No cases on this device yet. Cases you create, or that a colleague adds you to, appear here.')),
    );
  }, ctx.stale);
  await Promise.all([panel.first(), list.first()]);
  const signOut = h('button', { type: 'button', class: 'secondary' }, t('Sign out'));
  signOut.addEventListener('click', async () => {
    const n = (await core.outbox()).length;
    const text = nt(
      '{n} change has not been sent to the server yet. If you sign out now, it is deleted from this device and lost.',
      '{n} changes have not been sent to the server yet. If you sign out now, they are deleted from this device and lost.',
      n,
    );
    if (n && !(await confirmDialog(t('Sign out?'), text, t('Sign out and delete them'), t('Stay signed in')))) return;
    await core.signOut();
    navigate(paths.signin(l));
  });
  add(
    root,
    h('h1', null, t('Your cases')),
    panel.box,
    h('p', null, h('a', { href: paths.newCase(l), class: 'button primary' }, t('New case'))),
    list.box,
    h(
      'section',
      null,
      h('h2', null, t('Account')),
      h('p', null, t('Signed in as {email}.', { email: user.email })),
      h('p', { class: 'hint' }, t('Signing out deletes all case data from this device. The guide stays.')),
      signOut,
    ),
  );
  return t('Your cases');
}

// --- new case ------------------------------------------------------------------------------------
export async function newCaseView(root, ctx) {
  const l = ctx.route.locale;
  if (!(await core.getUser())) return signedOut(root, l);
  const country = countrySelect(nextId('country'));
  const hint = nextId('hint');
  const error = h('p', { id: nextId('err'), class: 'error', 'data-reference-error': '' });
  const reference = h('input', {
    id: nextId('ref'),
    type: 'text',
    name: 'reference',
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    'aria-describedby': `${hint} ${error.id}`,
  });
  const stage = stageSelect(nextId('stage'), 'preparing');
  // Children's and asylum-screening checklists are added by choice; the others start ticked.
  const boxes = addable(new Set()).map((c) => h('input', { type: 'checkbox', name: 'checklist', value: c.slug, checked: !['children', 'asylum-screening'].includes(c.slug) }));
  const status = h('p', { class: 'status', role: 'alert' });
  const check = () => {
    const code = core.normaliseReference(reference.value);
    const problem = code && core.referenceProblem(code);
    error.textContent = problem
      ? {
          format: t('Use 3 to 32 capital letters and digits in groups joined by hyphens.'),
          word: t('A reference must not contain a word or a name (4 or more letters in a row).'),
          digit: t('A reference needs at least one digit.'),
          phone: t('A reference must not look like a phone number (7 or more digits).'),
          date: t('A reference must not look like a date of birth.'),
        }[problem]
      : '';
    reference.setAttribute('aria-invalid', String(!!problem));
    return { code, problem };
  };
  // Shown on submit; gone as soon as the code is acceptable (never on blur: no jump under a finger).
  reference.addEventListener('input', () => error.textContent && check());
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    labelled(t('Country of return'), country),
    labelled(t('Reference code (optional)'), reference),
    h(
      'p',
      { id: hint, class: 'hint' },
      t(
        'Leave it empty to get a code like HW-7K2M-9QXB. If you type one, use capital letters and digits in groups joined by hyphens, with at least one digit. Never a name, a phone number or a date of birth.',
      ),
    ),
    error,
    labelled(t('Stage'), stage),
    h(
      'fieldset',
      null,
      h('legend', null, t('Checklists')),
      boxes.map((b) => h('label', { class: 'choice' }, b, h('span', null, content.checklist(b.value).title))),
    ),
    status,
    h('button', { type: 'submit', class: 'primary' }, t('Create case')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const { code, problem } = check();
    if (!country.value) {
      status.textContent = t('Choose the country of return.');
      return country.focus();
    }
    status.textContent = '';
    if (problem) return reference.focus();
    form.querySelector('[type=submit]').disabled = true;
    const id = core.uuid();
    const checklists = boxes.filter((b) => b.checked).map((b) => ({ id: core.uuid(), template_slug: b.value }));
    await core.change('create_case', id, { reference: code || core.generateReference(), country: country.value, stage: stage.value, checklists });
    navigate(paths.case(l, id));
  });
  add(
    root,
    upLink(paths.cases(l), t('Your cases')),
    h('h1', null, t('New case')),
    h(
      'div',
      { class: 'notice' },
      h('p', null, t('A case never holds a name, phone number, address or date of birth. Use the reference code to match it with your organisation’s protected records.')),
    ),
    form,
  );
  return t('New case');
}

// --- one case --------------------------------------------------------------------------------------
const pendingBadge = () => h('span', { class: 'badge', 'data-pending-badge': '' }, t('Not sent yet'));

// A note form; key keeps its draft (and its <details>' open state) across redraws. An edit form
// closes once saved.
function noteForm(key, label, button, save, initial = '') {
  const warn = nextId('warn');
  const area = h('textarea', { id: nextId('note'), name: 'body', rows: '3', maxlength: '1000', 'data-keep': key, 'aria-describedby': warn });
  area.value = initial;
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
    if (initial) [area, form.closest('details')].forEach((el) => el && el.removeAttribute('data-keep'));
    else area.value = '';
    save(body);
  });
  return form;
}

function noteList(c, notes, me) {
  return (
    notes.length > 0 &&
    h(
      'ul',
      { class: 'notes' },
      notes.map((n) => {
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
          { 'data-note': n.id },
          h('p', { class: 'body' }, n.body),
          h('p', { class: 'hint' }, (me && n.author_id === me.id ? t('You') : t('A colleague')) + ' · ' + dateTime(n.created_at)),
          n.conflict_of && h('p', { class: 'badge' }, t('Written at the same time as another version of this note; both are kept.')),
          n.pending && pendingBadge(),
          h('div', { class: 'row' }, edit, del),
        );
      }),
    )
  );
}

function checklistSection(c, cl, me) {
  const l = lang();
  const tpl = content.checklist(cl.template_slug);
  const head = h('h2', { id: nextId('cl') }, tpl ? tpl.title : cl.template_slug);
  const out = h('section', { 'aria-labelledby': head.id, 'data-checklist': cl.template_slug }, head);
  if (!tpl) return (add(out, h('p', null, t('This checklist is not in the downloaded guide.'))), out);
  const tool = tpl.related_tool && content.item(tpl.related_tool);
  const ack = h('button', { type: 'button', class: 'secondary' }, t('Mark reviewed'));
  ack.addEventListener('click', () => core.change('ack_guidance', c.id, { checklist_id: cl.id }));
  const items = tpl.items.map((i) => {
    const st = cl.items[i.key] || {};
    const key = `${cl.id}/${i.key}`;
    const doneOn = st.done && st.done_on && h('p', { id: nextId('done'), class: 'reason' }, t('Done on {date}', { date: day(st.done_on) }));
    const box = h('input', { type: 'checkbox', name: i.key, checked: !!st.done, 'data-key': key, 'aria-describedby': doneOn && doneOn.id });
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
  return form;
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
  const panel = syncPanel(ctx.stale);
  const colleagues = colleagueForm(id);
  const body = live((frag, d) => {
    const c = d.cases.find((x) => x.id === id);
    if (!c || c.deleted) return add(frag, h('p', { class: 'notice' }, t('This case was deleted or is no longer on this device.')));
    const stage = stageSelect('stage', c.stage);
    stage.addEventListener('change', () => core.change('update_case', id, { stage: stage.value }));
    const country = countrySelect('country', c.country);
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
          c.workers.map((w) => h('li', null, w)),
        ),
        colleagues,
      ),
      h('section', null, h('h2', null, t('Delete')), del),
    );
  }, ctx.stale);
  await Promise.all([panel.first(), body.first()]);
  add(root, upLink(paths.cases(l), t('Your cases')), h('h1', null, t('Case {reference}', { reference: found.reference })), panel.box, body.box);
  return t('Case {reference}', { reference: found.reference });
}
