// Outreach workers' screens, in words: stages, countries, dates, and the server's merge notices
// and refusals put into plain sentences (which case, which step or note, what happened).
import * as content from '../content.js';
import { t } from '../i18n.js';

export const stageLabel = (s) => ({ preparing: t('Preparing return'), travel: t('Travel'), arrival: t('Arrival'), reintegration: t('Reintegration'), closed: t('Closed') })[s] || s;

export const lang = () => document.documentElement.lang || 'en';
export function countryName(code) {
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
export const dateTime = (iso) => when(iso, { dateStyle: 'medium', timeStyle: 'short' });
export const day = (ymd) => when(`${ymd}T12:00`, { dateStyle: 'medium' }); // the phone's own date

export function itemText(c, checklistId, key) {
  const cl = c?.checklists.find((x) => x.id === checklistId);
  const tpl = cl && content.checklist(cl.template_slug);
  const item = tpl?.items.find((i) => i.key === key);
  return item ? item.action : key;
}
export const caseRef = (c) => (c ? c.reference : t('(no longer on this device)'));

// A note, named by the start of its text (notices say which note they are about).
export function noteText(c, noteId) {
  const n = c?.notes.find((x) => x.id === noteId);
  if (!n) return t('a note no longer on this device');
  const words = n.body.replace(/\s+/g, ' ').trim();
  return words.length > 60 ? `${words.slice(0, 60).replace(/\s+\S*$/, '')}…` : words;
}

// Who wrote a note's current text and when, and who wrote it first when that was someone else
// (or the text was changed): one or two lines. `me`: the signed-in worker.
export function noteByline(n, me) {
  const mine = (id) => !!me && id === me.id;
  const name = (email) => email || t('a colleague');
  const editor = n.edited_by || null;
  const time = dateTime(n.updated_at || n.created_at);
  if (!editor) {
    return [mine(n.author_id) ? t('Written by you, {time}', { time }) : t('Written by {name}, {time}', { name: name(n.author_email), time })];
  }
  const changed = mine(editor) ? t('Changed by you, {time}', { time }) : t('Changed by {name}, {time}', { name: name(n.editor_email), time });
  if (editor === n.author_id) return [changed];
  const first = dateTime(n.created_at);
  return [changed, mine(n.author_id) ? t('First written by you, {time}', { time: first }) : t('First written by {name}, {time}', { name: name(n.author_email), time: first })];
}

// A merge notice from the server, in plain words: which case, which step, what happened.
export function noticeText(n, c) {
  const d = n.details || {};
  const value = (v) => (d.field === 'stage' ? stageLabel(v) : countryName(v));
  const p = { case: caseRef(c), item: itemText(c, d.checklist_id, d.item_key), yours: value(d.yours), now: value(d.now || d.kept), note: noteText(c, d.note_id) };
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
      return t('Case {case}: you and a colleague changed the note “{note}” at the same time. Both versions are kept, side by side.', p);
    case 'case_restored':
      return t('Case {case}: you deleted this case, but a colleague changed it afterwards, so it was restored.', p);
    case 'edited_deleted_case':
      return t('Case {case}: you changed this case after it had been deleted. Your change was saved, but the case stays deleted.', p);
    case 'delete_refused':
      return t('Case {case}: your deletion was not applied, because a colleague changed the case in the meantime. The case is kept.', p);
    case 'note_restored':
      return t('Case {case}: you deleted the note “{note}”, but a colleague changed it at the same time, so the note was restored.', p);
    case 'note_delete_refused':
      return t('Case {case}: your deletion of the note “{note}” was not applied, because the note was changed in the meantime.', p);
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
export function rejectedText(r, c) {
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

export function syncError(error) {
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
