// Admin screens for people (admins only, online only): the accounts (create, role and
// translator languages, deactivate and reactivate, new password) and the audit log (filtered by
// action, person and dates, in pages). The server (app/accounts/admin_routes.py) decides who may
// do what and what is valid; these screens show its answers beside the field concerned.
import * as content from '../content.js';
import { h } from '../dom.js';
import { formatDate, formatList, t } from '../i18n.js';
import { languageName } from '../languages.js';
import { confirmDialog, section } from '../views/parts.js';
import { ApiError, dayRange, get, page, patch, post } from './api.js';
import { bdi, checkbox, clearErrors, dateTime, field, generalError, group, loadOrExplain, showProblem, statusLine, submitForm } from './form.js';

const ROLES = ['admin', 'editor', 'translator', 'worker'];
const roleName = (role) =>
  ({
    admin: t('Administrator'),
    editor: t('Editor'),
    translator: t('Translator'),
    worker: t('Outreach worker'),
  })[role] || role;

function roleSelect(current) {
  return h(
    'select',
    { name: 'role' },
    ROLES.map((r) => h('option', { value: r, selected: r === current }, roleName(r))),
  );
}

// Translator languages: one checkbox per language of the guide; shown only for translators.
function localesGroup(codes, chosen, role) {
  const box = group(
    t('Languages this translator works on'),
    h(
      'div',
      { class: 'check-list' },
      codes.map((c) => checkbox('locales', c, languageName(c), chosen.includes(c))),
    ),
    { name: 'locales' },
  );
  box.hidden = role !== 'translator';
  return box;
}

const checked = (form, name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);

function passwordInput() {
  return h('input', { type: 'password', name: 'password', autocomplete: 'new-password', spellcheck: 'false', dir: 'ltr' });
}

export async function usersView(root, _ctx) {
  const wrap = h('div', { class: 'admin', 'data-admin': 'users' });
  root.append(wrap);
  wrap.append(h('h1', null, t('Users')));
  const data = await loadOrExplain(wrap, () => Promise.all([get('/admin/users'), content.locales()]), t('Only administrators can manage users.'));
  if (!data) return t('Users');
  let [users] = data;
  const codes = data[1].locales.map((l) => l.code);
  const status = statusLine();
  const list = h('ul', { class: 'cards', 'data-users': '' });

  const say = (text) => {
    status.textContent = text;
  };

  // --- one account ---
  function card(u, open = false) {
    const email = bdi(u.email, { dir: 'ltr' });
    const facts = h(
      'dl',
      { class: 'facts' },
      h('dt', null, t('Role')),
      h('dd', { 'data-role': u.role }, roleName(u.role)),
      u.role === 'translator' ? [h('dt', null, t('Languages')), h('dd', null, u.locales.length ? formatList(u.locales.map((c) => languageName(c))) : t('None yet'))] : null,
      h('dt', null, t('Status')),
      h('dd', { 'data-active': String(u.is_active) }, u.is_active ? t('Active') : t('Deactivated: cannot sign in')),
      h('dt', null, t('Added')),
      h('dd', null, formatDate(u.created_at)),
    );

    // Role and languages
    const role = roleSelect(u.role);
    const locales = localesGroup(codes, u.locales, u.role);
    role.addEventListener('change', () => {
      locales.hidden = role.value !== 'translator';
    });
    const save = h('button', { type: 'submit', class: 'primary' }, t('Save role and languages'));
    const edit = h('form', { class: 'stack', novalidate: true, 'data-edit-user': '' }, generalError(), field(t('Role'), role), locales, save);
    edit.addEventListener('submit', (e) => {
      e.preventDefault();
      const body = { role: role.value, locales: role.value === 'translator' ? checked(edit, 'locales') : [] };
      submitForm(
        edit,
        save,
        () => patch(`/admin/users/${u.id}`, body),
        (user) => {
          replace(user);
          say(t('Saved: {email} is now {role}.', { email: user.email, role: roleName(user.role) }));
        },
      );
    });

    // Deactivate / reactivate
    const toggle = h(
      'button',
      { type: 'button', class: u.is_active ? 'secondary danger' : 'secondary', 'data-toggle-active': '' },
      u.is_active ? t('Deactivate this account') : t('Reactivate this account'),
    );
    const toggleForm = h('form', { class: 'stack', novalidate: true }, generalError(), toggle);
    toggle.addEventListener('click', async () => {
      if (
        u.is_active &&
        !(await confirmDialog(
          t('Deactivate {email}? They are signed out on every device at once and cannot sign in until the account is reactivated.', { email: u.email }),
          t('Deactivate'),
        ))
      )
        return;
      submitForm(
        toggleForm,
        toggle,
        () => patch(`/admin/users/${u.id}`, { active: !u.is_active }),
        (user) => {
          replace(user);
          say(user.is_active ? t('{email} can sign in again.', { email: user.email }) : t('{email} is deactivated and signed out everywhere.', { email: user.email }));
        },
      );
    });

    // New password
    const password = passwordInput();
    const setPw = h('button', { type: 'submit', class: 'secondary' }, t('Set this password'));
    const pwForm = h(
      'form',
      { class: 'stack', novalidate: true, 'data-reset-password': '' },
      generalError(),
      field(t('New password'), password, { hint: t('Every session of this account ends. Tell the person the new password in person or by phone.') }),
      setPw,
    );
    pwForm.addEventListener('submit', (e) => {
      e.preventDefault();
      submitForm(
        pwForm,
        setPw,
        () => post(`/admin/users/${u.id}/password`, { password: password.value }),
        () => {
          password.value = '';
          say(t('New password set for {email}. They were signed out everywhere.', { email: u.email }));
        },
      );
    });

    const details = h(
      'details',
      { open },
      h('summary', null, t('Change this account')),
      h('h4', null, t('Role and languages')),
      edit,
      h('h4', null, t('Access')),
      toggleForm,
      h('h4', null, t('Password')),
      pwForm,
    );
    const li = h('li', { class: 'card admin-card', 'data-user': String(u.id), 'data-email': u.email }, h('h3', null, email), facts, details);

    function replace(user) {
      users = users.map((x) => (x.id === user.id ? user : x));
      const next = card(user, true);
      li.replaceWith(next);
      next.querySelector('summary').focus();
    }
    return li;
  }

  const draw = () => list.replaceChildren(...users.map((u) => card(u)));
  draw();

  // --- a new account ---
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'off', spellcheck: 'false', dir: 'ltr' });
  const role = roleSelect('translator');
  const locales = localesGroup(codes, [], 'translator');
  role.addEventListener('change', () => {
    locales.hidden = role.value !== 'translator';
  });
  const password = passwordInput();
  const add = h('button', { type: 'submit', class: 'primary' }, t('Add this user'));
  const form = h(
    'form',
    { class: 'stack', novalidate: true, 'data-new-user': '' },
    generalError(),
    field(t('Email address'), email),
    field(t('Role'), role),
    locales,
    field(t('First password'), password, { hint: t('Tell the person this password in person or by phone, never in the same message as the email address.') }),
    add,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = { email: email.value.trim(), role: role.value, password: password.value, locales: role.value === 'translator' ? checked(form, 'locales') : [] };
    submitForm(
      form,
      add,
      () => post('/admin/users', body),
      async (user) => {
        users = await get('/admin/users');
        draw();
        email.value = '';
        password.value = '';
        for (const c of form.querySelectorAll('input[name=locales]')) c.checked = false;
        say(t('{email} was added as {role}.', { email: user.email, role: roleName(user.role) }));
        email.focus();
      },
    );
  });

  wrap.append(
    h('p', { class: 'lead' }, t('Who can sign in, with which role. Deactivating an account signs it out on every device at once.')),
    status,
    section(t('Add a user'), form),
    section(t('Accounts'), list),
  );
  return t('Users');
}

// --- the audit log ------------------------------------------------------------------------------

const ACTIONS = [
  'sign_in',
  'user_create',
  'role_change',
  'locales_change',
  'user_deactivate',
  'user_activate',
  'password_reset',
  'publish',
  'review',
  'revert',
  'export',
  'import',
  'translations_import',
  'contact_create',
  'contact_update',
  'contact_delete',
  'feedback_resolve',
];
const actionName = (a) =>
  ({
    sign_in: t('Signed in'),
    user_create: t('Account created'),
    role_change: t('Role changed'),
    locales_change: t('Translator languages changed'),
    user_deactivate: t('Account deactivated'),
    user_activate: t('Account reactivated'),
    password_reset: t('Password reset'),
    publish: t('Published'),
    review: t('Marked reviewed'),
    revert: t('Reverted'),
    export: t('Exported'),
    import: t('Imported'),
    translations_import: t('Translations imported'),
    contact_create: t('Help contact added'),
    contact_update: t('Help contact changed'),
    contact_delete: t('Help contact deleted'),
    feedback_resolve: t('Feedback resolved'),
  })[a] || a;

const PAGE = 50;

// The event's facts as the server recorded them (ids, kinds and counts, never text or passwords),
// shortened so one event cannot fill the screen.
function detailsText(details) {
  const parts = Object.entries(details || {}).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const text = parts.join(' · ');
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

export async function auditView(root, _ctx) {
  const wrap = h('div', { class: 'admin', 'data-admin': 'audit' });
  root.append(wrap);
  wrap.append(h('h1', null, t('Audit log')));
  const users = await loadOrExplain(wrap, () => get('/admin/users'), t('Only administrators can read the audit log.'));
  if (!users) return t('Audit log');
  const emailOf = new Map(users.map((u) => [u.id, u.email]));
  const who = (id) => (id === null ? t('The command line') : emailOf.has(id) ? bdi(emailOf.get(id), { dir: 'ltr' }) : t('Account {id}', { id }));

  const action = h(
    'select',
    { name: 'action' },
    h('option', { value: '' }, t('All actions')),
    ACTIONS.map((a) => h('option', { value: a }, actionName(a))),
  );
  const actor = h(
    'select',
    { name: 'actor_id' },
    h('option', { value: '' }, t('Everyone')),
    users.map((u) => h('option', { value: String(u.id), dir: 'ltr' }, u.email)),
  );
  const from = h('input', { type: 'date', name: 'since' });
  const to = h('input', { type: 'date', name: 'until' });
  const show = h('button', { type: 'submit', class: 'primary' }, t('Show'));
  const clear = h('button', { type: 'button', class: 'secondary' }, t('Clear filters'));
  const filters = h(
    'form',
    { class: 'stack filters', novalidate: true, 'data-audit-filters': '', 'aria-label': t('Filter the audit log') },
    generalError(),
    field(t('Action'), action),
    field(t('Who'), actor),
    h('div', { class: 'row dates' }, field(t('From'), from), field(t('To (inclusive)'), to)),
    h('div', { class: 'row' }, show, clear),
  );
  const count = h('p', { class: 'status', role: 'status', 'data-audit-count': '' });
  const list = h('ol', { class: 'cards audit', 'data-audit': '' });
  const newer = h('button', { type: 'button', class: 'secondary', 'data-newer': '' }, t('Newer events'));
  const older = h('button', { type: 'button', class: 'secondary', 'data-older': '' }, t('Older events'));
  const pager = h('nav', { class: 'row', 'aria-label': t('Pages of the audit log') }, newer, older);
  const resultsHeading = h('h2', { tabindex: '-1' }, t('Events, newest first'));

  // before: the id below which this page starts (null: the newest); back: the pages before it.
  let before = null;
  let back = [];
  let lastId = null;

  function eventCard(e) {
    const target = e.target_kind === 'user' && /^\d+$/.test(e.target) ? who(Number(e.target)) : [e.target_kind, e.target].filter(Boolean).join(' ');
    const details = detailsText(e.details);
    return h(
      'li',
      { class: 'card', 'data-event': String(e.id), 'data-action': e.action },
      h('p', { class: 'kicker' }, h('time', { datetime: e.at }, dateTime(e.at))),
      h('h3', null, actionName(e.action)),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, t('Who')),
        h('dd', { 'data-actor': e.actor_id === null ? '' : String(e.actor_id) }, who(e.actor_id)),
        target ? [h('dt', null, t('Concerning')), h('dd', { dir: 'auto' }, target)] : null,
        details ? [h('dt', null, t('Details')), h('dd', null, h('code', { dir: 'ltr' }, details))] : null,
      ),
    );
  }

  async function showPage(focus = false) {
    const { since, until } = dayRange(from.value, to.value);
    const query = { action: action.value, actor_id: actor.value, since, until, before_id: before, limit: PAGE + 1 };
    clearErrors(filters);
    filters.querySelector('[data-form-error]').textContent = '';
    list.setAttribute('aria-busy', 'true');
    let rows;
    try {
      rows = await get('/admin/audit', query);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      showProblem(filters, e.problem);
      return;
    } finally {
      list.removeAttribute('aria-busy');
    }
    const got = page(rows, PAGE);
    lastId = got.rows.length ? got.rows[got.rows.length - 1].id : null;
    list.replaceChildren(...got.rows.map(eventCard));
    count.textContent = got.rows.length ? '' : t('No events match these filters.');
    older.hidden = !got.more;
    newer.hidden = before === null;
    pager.hidden = older.hidden && newer.hidden;
    if (focus) resultsHeading.focus();
  }

  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    before = null;
    back = [];
    showPage(true);
  });
  clear.addEventListener('click', () => {
    filters.reset();
    before = null;
    back = [];
    showPage(true);
  });
  older.addEventListener('click', () => {
    back.push(before);
    before = lastId;
    showPage(true);
  });
  newer.addEventListener('click', () => {
    before = back.pop() ?? null;
    showPage(true);
  });

  wrap.append(
    h('p', { class: 'lead' }, t('Who did what, and when. The log is only ever added to; it holds no passwords and no text of the guidance.')),
    filters,
    resultsHeading,
    count,
    list,
    pager,
  );
  await showPage();
  return t('Audit log');
}
