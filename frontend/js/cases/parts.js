// Pieces shared by the outreach workers' screens: the live (redrawn) part of a screen, the sync
// panel, merge notices and refused changes, the in-page confirmation, the form controls.
import * as content from '../content.js';
import { add, h, nextId } from '../dom.js';
import { nt, t } from '../i18n.js';
import { quickExitButton } from '../quickexit.js';
import { paths } from '../router.js';
import * as core from './core.js';
import { countryName, dateTime, lang, noticeText, rejectedText, stageLabel, syncError } from './words.js';

// A part of the screen drawn (synchronously) from one read of the device, redrawn on `events`;
// drafts ([data-keep]) and focus ([data-key]) survive. Never under the person's fingers: while
// they type in a field of this part, a redraw waits until focus leaves that field for somewhere
// outside the part, or until the next change (e.g. saving the note). Replacing a field being
// typed in would end the keyboard's composition and lose the selection. Stops when the screen
// was left (stale()).
const TYPING = 'textarea, select, input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit])';

export function live(build, stale, events = ['changed']) {
  const box = h('div');
  let busy = false;
  let again = false;
  let waiting = false;
  const typing = () => {
    const a = document.activeElement;
    return !!a && box.contains(a) && a.matches(TYPING);
  };
  const refresh = async () => {
    if (stale()) {
      for (const e of events) core.bus.removeEventListener(e, refresh);
      return;
    }
    if (busy) {
      again = true;
      return;
    }
    if (typing()) {
      waiting = true;
      return;
    }
    busy = true;
    waiting = false;
    try {
      const data = await core.snapshot();
      if (typing()) {
        waiting = true; // the person started typing meanwhile
        return;
      }
      // Nothing waits from here on, so nothing typed meanwhile is lost.
      const active = document.activeElement;
      const key = active && box.contains(active) ? active.dataset.key || active.dataset.keep : null;
      const caret = key && typeof active.selectionStart === 'number' ? [active.selectionStart, active.selectionEnd, active.selectionDirection] : null;
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
        if (caret) target.setSelectionRange(...caret);
      }
    } finally {
      busy = false;
    }
    if (again) {
      again = false;
      await refresh();
    }
  };
  box.addEventListener('focusout', (e) => {
    if (waiting && !(e.relatedTarget && box.contains(e.relatedTarget))) refresh();
  });
  for (const e of events) core.bus.addEventListener(e, refresh);
  return { box, first: refresh };
}

// "Sync now", with the number of changes waiting and the last successful sync. The status line
// stays the same element (a live region that is replaced would not be announced).
export function syncPanel(stale) {
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
export function messages(d, caseId) {
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
      // On the case page, a notice about a note that is shown leads to it.
      (n) => {
        const id = n.details?.note_id;
        const c = caseId && id && byId.get(caseId);
        return c?.notes.some((x) => x.id === id && !x.deleted) && h('a', { href: `#note-${id}`, 'data-show-note': id }, t('Show the note'));
      },
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
export function confirmDialog(title, text, confirm, cancel = t('Cancel')) {
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

export const signedOut = (root, l) => {
  add(
    root,
    h('h1', null, t('Your cases')),
    h('p', { class: 'lead' }, t('Sign in with your outreach worker account to keep return cases on this device.')),
    h('p', null, h('a', { href: paths.signin(l), class: 'button primary' }, t('Sign in'))),
  );
  return t('Your cases');
};

export function progress(checklists) {
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

// `rules`: the case rules (rules.js); without them (never downloaded), only the current value.
export function countrySelect(id, selected, rules) {
  const coll = new Intl.Collator(lang());
  const codes = rules ? rules.countries : [selected].filter(Boolean);
  const options = codes.map((code) => [code, countryName(code)]).sort((a, b) => coll.compare(a[1], b[1]));
  return h(
    'select',
    { id, name: 'country', 'data-key': id },
    h('option', { value: '' }, t('Choose a country')),
    options.map(([code, name]) => h('option', { value: code, selected: code === selected }, name)),
  );
}

export const stageSelect = (id, selected, rules) =>
  h(
    'select',
    { id, name: 'stage', 'data-key': id },
    (rules ? rules.stages : [selected]).map((s) => h('option', { value: s, selected: s === selected }, stageLabel(s))),
  );

export const labelled = (label, control) => [h('label', { for: control.id }, label), control];
export const addable = (have) => content.checklists().filter((c) => c.audience !== 'returnee' && !have.has(c.slug));

export const pendingBadge = () => h('span', { class: 'badge', 'data-pending-badge': '' }, t('Not sent yet'));
