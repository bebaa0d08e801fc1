// The admin shell (/{locale}/admin/…): for staff (admins, editors, translators), online only,
// loaded only when one of its screens is opened (app.js), never on a reader's visit. It checks
// the sign-in, draws the admin navigation and routes the sub-path through ADMIN_VIEWS. Each view
// is `(root, ctx) => Promise<void>` (or a title string) with ctx = the app's ctx plus
// {user, params, query, sub, path(sub), api}; it draws into `root`, starting with its <h1>.
// What a role may do is decided by the server (403); the navigation only leaves out what a role
// can never open.
import { add, h, nextId } from '../dom.js';
import { t } from '../i18n.js';
import { current, navigate, paths } from '../router.js';
import { upLink } from '../views/parts.js';
import { ApiError, api, me, STAFF, signIn, signOut } from './api.js';
import { matchRoute } from './logic.js';
import { tn } from './parts.js';

// /{locale}/admin/{sub}: this part's addresses (router.js sends all of them here).
export const adminPath = (l, sub = '') => `/${l}/admin${sub ? `/${sub.split('/').map(encodeURIComponent).join('/')}` : ''}`;

const lazy = (file, name) => async (root, ctx) => (await import(file))[name](root, ctx);
const content = (name) => lazy('./content.js', name);

// Sub-path → view. people.js (users, audit) and field.js (feedback, contacts) are other admin
// screens loaded the same way.
export const ADMIN_VIEWS = {
  '': content('contentList'),
  content: content('contentList'),
  'content/:kind/:key/:locale': content('editorView'),
  'content/:kind/:key/:locale/history': content('historyView'),
  coverage: lazy('./coverage.js', 'coverageView'),
  'translations/:locale': lazy('./coverage.js', 'translationsView'),
  users: lazy('./people.js', 'usersView'),
  audit: lazy('./people.js', 'auditView'),
  feedback: lazy('./field.js', 'feedbackView'),
  contacts: lazy('./field.js', 'contactsView'),
};

// Who may open a screen (first segment of its sub-path); every staff member otherwise.
const ROLES = { users: ['admin'], audit: ['admin'], feedback: ['admin', 'editor'], contacts: ['admin', 'editor'] };
const allowed = (user, sub) => (ROLES[sub.split('/')[0]] || STAFF).includes(user.role);

const NAV = [
  ['content', () => t('Content')],
  ['coverage', () => t('Translations')],
  ['feedback', () => t('Feedback')],
  ['contacts', () => t('Contacts')],
  ['users', () => t('Users')],
  ['audit', () => t('Audit log')],
];

const roleName = (role) => ({ admin: t('Administrator'), editor: t('Editor'), translator: t('Translator') })[role] || role;

// The admin styles: a file of their own, fetched with the admin code, not by readers.
function loadStyles() {
  const href = new URL('./admin.css', import.meta.url).pathname;
  if (document.querySelector(`link[href="${href}"]`)) return Promise.resolve();
  return new Promise((resolve) => {
    const link = h('link', { rel: 'stylesheet', href });
    link.addEventListener('load', resolve);
    link.addEventListener('error', resolve);
    document.head.append(link);
  });
}

export function offlineView(root, ctx = {}) {
  ctx.viewName = 'admin-offline';
  add(root, h('h1', null, t('Not available offline')), h('p', { class: 'notice', role: 'status' }, t('The admin screens need a connection.')));
  return t('Not available offline');
}

// A request the screen could not make, in words (the server's own words when it gave some).
export function problemText(e) {
  if (!(e instanceof ApiError)) {
    console.error(e); // a fault of these screens, not of the request
    return t('Something went wrong. Try again later.');
  }
  if (e.status === 0) return t('The admin screens need a connection.');
  if (e.status === 403) return e.problem?.detail || t('Your role does not allow this.');
  return e.problem?.detail || t('Something went wrong. Try again later.');
}

function signinView(root, ctx, reason = null) {
  const l = ctx.route.locale;
  ctx.viewName = 'admin-signin';
  const status = h('p', { class: 'status', role: 'alert' }, reason);
  const email = h('input', { id: nextId('f'), type: 'email', name: 'email', autocomplete: 'username', spellcheck: 'false' });
  const password = h('input', { id: nextId('f'), type: 'password', name: 'password', autocomplete: 'current-password' });
  const field = (label, input) => h('div', null, h('label', { for: input.id }, label), input);
  const button = h('button', { type: 'submit', class: 'primary' }, t('Sign in'));
  const form = h('form', { class: 'stack', novalidate: true }, field(t('Email'), email), field(t('Password'), password), status, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!email.value.trim() || !password.value) {
      status.textContent = t('Enter your email and your password.');
      return;
    }
    button.disabled = true;
    status.textContent = t('Signing in…');
    try {
      const user = await signIn(email.value.trim(), password.value);
      password.value = '';
      if (!STAFF.includes(user.role)) {
        await signOut();
        status.textContent = t('This account has no access to the admin screens.');
      } else {
        setStaffHint(true);
        return ctx.render();
      }
    } catch (err) {
      password.value = '';
      status.textContent = err.status === 401 || err.status === 422 ? t('The email or password is not right.') : problemText(err);
    } finally {
      button.disabled = false;
    }
    password.focus();
  });
  add(
    root,
    upLink(paths.home(l), t('Back to home')),
    h('h1', null, t('Staff sign-in')),
    h('p', { class: 'lead' }, t('For editors, translators and administrators of the guide.')),
    form,
  );
  return t('Staff sign-in');
}

function adminNav(ctx, user, here) {
  const l = ctx.route.locale;
  const items = NAV.filter(([sub]) => allowed(user, sub)).map(([sub, label]) =>
    h('li', null, h('a', { href: adminPath(l, sub), 'aria-current': here === sub ? 'page' : null }, label())),
  );
  const out = h('button', { type: 'button', class: 'small' }, t('Sign out'));
  out.addEventListener('click', async () => {
    out.disabled = true;
    await signOut().catch(() => null);
    setStaffHint(false);
    navigate(adminPath(l));
  });
  return h(
    'nav',
    { class: 'admin-nav', 'aria-label': t('Admin') },
    h('ul', null, items),
    h('p', { class: 'who' }, h('span', null, tn(t('Signed in as {email} ({role})'), { email: user.email, role: roleName(user.role) })), out),
  );
}

// Whether a staff member signed in on this browser (not who, nor any token): only then is the
// server asked who is signed in, so a first visit shows the sign-in without a refused request.
const HINT = 'hw-staff';
function staffHint() {
  try {
    return localStorage.getItem(HINT) === '1';
  } catch {
    return true; // storage disabled: ask the server
  }
}
function setStaffHint(on) {
  try {
    if (on) localStorage.setItem(HINT, '1');
    else localStorage.removeItem(HINT);
  } catch {
    // storage disabled: the server is asked every time
  }
}

// A device that holds an outreach worker's cases keeps that worker's session: a staff sign-in
// would replace it.
async function holdsWorkerData() {
  if (!indexedDB.databases) return false;
  return (await indexedDB.databases()).some((d) => d.name === 'homeward-worker');
}

export async function adminView(root, ctx) {
  ctx.viewName = 'admin';
  await loadStyles();
  if (!navigator.onLine) return offlineView(root, ctx);
  let user = null;
  if (staffHint()) {
    try {
      user = await me();
    } catch (e) {
      if (e.status === 0) return offlineView(root, ctx);
      throw e;
    }
    if (!user) setStaffHint(false);
  }
  if (!user || !STAFF.includes(user.role)) {
    if (await holdsWorkerData()) {
      ctx.viewName = 'admin-signin';
      add(root, h('h1', null, t('Staff sign-in')), h('p', { class: 'notice' }, t('This phone holds an outreach worker’s cases. Sign out of the worker account first.')));
      return t('Staff sign-in');
    }
    return signinView(root, ctx, user ? t('This account has no access to the admin screens.') : null);
  }
  const sub = ctx.route.sub || '';
  const found = matchRoute(Object.keys(ADMIN_VIEWS), sub);
  const here = sub.split('/')[0] || 'content';
  const box = h('div', { class: 'admin-view' });
  add(root, adminNav(ctx, user, here), box);
  const l = ctx.route.locale;
  const adminCtx = { ...ctx, user, sub, params: found?.params || {}, query: current().search, path: (s) => adminPath(l, s), api };
  let title;
  if (!found) {
    add(box, h('h1', null, t('Page not found')));
    ctx.viewName = 'admin-notfound';
    return t('Page not found');
  }
  if (!allowed(user, sub)) {
    add(box, h('h1', null, t('Not allowed')), h('p', null, t('Your role does not allow this.')));
    return t('Not allowed');
  }
  try {
    title = await ADMIN_VIEWS[found.pattern](box, adminCtx);
  } catch (e) {
    box.replaceChildren(h('h1', null, t('Admin')), h('p', { class: 'notice', role: 'alert' }, problemText(e)));
    ctx.viewName = 'admin-error';
    return t('Admin');
  }
  ctx.viewName = adminCtx.viewName === 'admin' ? `admin-${here}` : adminCtx.viewName;
  return typeof title === 'string' ? title : box.querySelector('h1')?.textContent || t('Admin');
}
