// Pieces shared by the admin screens: labelled fields with their own error line, server problems
// shown beside the field concerned (api.js parses them), and the notices for offline, not signed
// in and not allowed. The server decides what is valid; nothing here repeats its rules.
import { h, nextId } from '../dom.js';
import { t, uiLocale } from '../i18n.js';
import { ApiError, errorsByField } from './api.js';

// A validation error's message in the UI language, by its kind (the server's own sentence,
// English, is kept only for kinds not listed here; app errors arrive translated already).
export function errorText(e) {
  switch (e.type) {
    case 'app':
      return e.message;
    case 'missing':
      return t('This field is required.');
    case 'string_too_short':
    case 'too_short':
      return t('This is too short or empty.');
    case 'string_too_long':
    case 'too_long':
      return t('This is too long.');
    case 'string_pattern_mismatch':
      return t('This is not in the expected form, or contains characters that are not allowed.');
    case 'url_parsing':
    case 'url_scheme':
    case 'url_type':
    case 'url_syntax_violation':
      return t('This is not a web address (it starts with https://).');
    case 'enum':
    case 'literal_error':
      return t('Choose one of the options.');
    default:
      return e.message || t('This value is not accepted.');
  }
}

// One labelled control with a hint and an error line; `name` is the request field it sends.
export function field(label, control, { name = control.name, hint = null } = {}) {
  const id = control.id || nextId('f');
  control.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  const error = h('p', { class: 'error', id: `${id}-error`, 'data-error-for': name });
  control.setAttribute('aria-describedby', [hintEl ? hintEl.id : null, error.id].filter(Boolean).join(' '));
  return h('div', { class: 'field', 'data-field': name }, h('label', { for: id }, label), hintEl, control, error);
}

// A group of checkboxes (or radios) as one field.
export function group(legend, controls, { name, hint = null } = {}) {
  const id = nextId('g');
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  const error = h('p', { class: 'error', id: `${id}-error`, 'data-error-for': name });
  return h(
    'fieldset',
    { class: 'field', 'data-field': name, 'aria-describedby': [hintEl ? hintEl.id : null, error.id].filter(Boolean).join(' ') },
    h('legend', null, legend),
    hintEl,
    controls,
    error,
  );
}

export function checkbox(name, value, label, checked = false, attrs = {}) {
  return h('label', { class: 'check' }, h('input', { type: 'checkbox', name, value, checked, ...attrs }), h('span', null, label));
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll('[data-error-for]')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

// What went wrong, as one sentence, for a problem that is not about one field.
export function problemText(problem) {
  if (!problem || problem.status === 0) return t('The server could not be reached. Check the connection and try again.');
  if (problem.status === 401) return t('You are not signed in, or your session has ended. Sign in again.');
  if (problem.status === 403) return [t('Not allowed.'), problem.detail].filter(Boolean).join(' ');
  return problem.detail || problem.title || t('Something went wrong. Try again.');
}

// Shows a problem in a form: each field's error beside it (marked invalid), anything else in the
// form's general error line. Focuses the first field in error, or the general line.
export function showProblem(form, problem) {
  clearErrors(form);
  const general = form.querySelector('[data-form-error]');
  const byField = errorsByField(problem);
  let first = null;
  const rest = [];
  for (const [name, e] of Object.entries(byField)) {
    const box = name ? form.querySelector(`[data-field="${CSS.escape(name)}"]`) : null;
    if (!box) {
      rest.push(e.type === 'app' ? e.message : errorText(e));
      continue;
    }
    box.querySelector('[data-error-for]').textContent = errorText(e);
    const control = box.matches('fieldset') ? box : box.querySelector('input, select, textarea');
    control.setAttribute('aria-invalid', 'true');
    first ||= box.matches('fieldset') ? box.querySelector('input') || box : control;
  }
  if (general) {
    general.textContent = rest.length ? rest.join(' ') : first ? t('Please correct the fields marked below.') : problemText(problem);
    if (!first) general.focus();
  }
  if (first) first.focus();
}

export function generalError() {
  return h('p', { class: 'error', role: 'alert', tabindex: '-1', 'data-form-error': '' });
}

// A live line for what just happened ("User added.").
export function statusLine() {
  return h('p', { class: 'status', role: 'status', 'data-admin-status': '' });
}

export function offlineNotice() {
  return h(
    'div',
    { class: 'notice', 'data-offline': '' },
    h('p', null, t('You are offline.')),
    h('p', null, t('The admin screens work only with a connection. Connect to the internet and open this screen again.')),
  );
}

// The screen could not load: not allowed (403), not signed in (401), offline, or another problem.
export function loadFailed(problem, forbidden) {
  const attrs = { class: 'notice', role: 'alert', 'data-load-failed': String(problem.status) };
  if (problem.status === 0) return offlineNotice();
  if (problem.status === 403) return h('div', { ...attrs, 'data-not-allowed': '' }, h('p', null, h('strong', null, t('Not allowed.'))), h('p', null, forbidden));
  return h('div', attrs, h('p', null, problemText(problem)));
}

export function dateTime(iso) {
  try {
    return new Intl.DateTimeFormat(uiLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  } catch {
    return iso;
  }
}

// Text in the data's own direction inside a translated sentence or list (emails, names).
export const bdi = (text, attrs = {}) => h('bdi', attrs, text);

// Loads what a screen needs (online only); on failure shows why in `wrap` and resolves null.
export async function loadOrExplain(wrap, fn, forbidden) {
  if (!navigator.onLine) {
    wrap.append(offlineNotice());
    return null;
  }
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    wrap.append(loadFailed(e.problem, forbidden));
    return null;
  }
}

// Sends one change from a form: the button waits, errors go beside their fields, else `done`.
export async function submitForm(form, button, action, done) {
  clearErrors(form);
  const general = form.querySelector('[data-form-error]');
  if (general) general.textContent = '';
  button.disabled = true;
  try {
    const result = await action();
    await done(result);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    showProblem(form, e.problem);
  } finally {
    button.disabled = false;
  }
}
