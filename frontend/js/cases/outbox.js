// The outbox rules, as pure functions (no DOM, no IndexedDB; unit-tested in frontend/tests/):
// what a pending mutation looks like on screen, how unsent changes to one thing are folded
// together, and which server version a change was based on. See frontend/README.md ("Cases")
// and docs/SYNC.md.

// What a mutation changes, to recognise two changes of the same thing.
export const target = (m) =>
  m.note_id || (m.type === 'set_item' ? `${m.checklist_id}/${m.item_key}` : m.type === 'update_case' ? (m.stage ? 'stage' : 'country') : `${m.type}/${m.checklist_id}`);

// Changes not sent yet are folded together, so the server never gets two changes of this device
// to the same thing based on the same version (it would take them for a conflict between people).
export function coalesce(m, pending) {
  const drop = pending.filter((p) => target(p) === target(m) && p.type !== 'add_note');
  const create = pending.find((p) => p.type === 'create_case');
  const added = m.note_id && pending.find((p) => p.type === 'add_note' && p.note_id === m.note_id);
  let fold = null; // an unsent mutation that absorbs m
  if (m.type === 'update_case' && create) fold = Object.assign(create, m.stage ? { stage: m.stage } : { country: m.country });
  if (m.type === 'edit_note' && added) fold = Object.assign(added, { body: m.body });
  if (m.type === 'delete_note' && added) drop.push(added);
  if (m.type === 'delete_case') drop.push(...pending); // moot once the case is gone
  const keep = !fold && !(m.type === 'delete_note' && added) && !(m.type === 'delete_case' && create);
  return { drop: new Set(drop), keep, fold };
}

// The server version this change was based on. None when it cannot be known: the same thing has
// a change of this device on its way (sent, answer pending), or the case is not on the server.
export function baseVersion(m, server, inflight) {
  if (!server || inflight.some((p) => target(p) === target(m) || p.type === 'create_case')) return undefined;
  if (m.type === 'set_item') {
    const cl = server.checklists.find((x) => x.id === m.checklist_id);
    return (cl?.items[m.item_key] && cl.items[m.item_key].version) || 0;
  }
  if (m.note_id && m.type !== 'add_note') {
    const n = server.notes.find((x) => x.id === m.note_id);
    return n ? n.version : 1;
  }
  if (m.type === 'update_case') return (server.clocks[target(m)] || [0])[0];
  if (m.type === 'delete_case') return inflight.length ? undefined : server.version;
  return undefined;
}

// The Lamport clock after seeing `seen` (the highest clock of a pulled case): max(current, seen),
// but never above `bound` (the server's max_counter from the case rules) and never from a value
// that is not a whole number. A colleague's device could have sent a hostile clock (2**31-1, or
// more): adopting it unbounded would make every later change of this device unacceptable.
export function adoptClock(current, seen, bound = Number.MAX_SAFE_INTEGER) {
  const limit = Number.isSafeInteger(bound) && bound > 0 ? bound : Number.MAX_SAFE_INTEGER;
  const now = Number.isSafeInteger(current) && current > 0 ? Math.min(current, limit) : 0;
  const s = typeof seen === 'string' && /^\d+$/.test(seen) ? Number(seen) : seen;
  return Number.isSafeInteger(s) && s > now ? Math.min(s, limit) : now;
}

// The clock of the next change: +1, up to the bound (at the bound, ties go to the device id).
export const nextClock = (current, bound = Number.MAX_SAFE_INTEGER) => Math.min(adoptClock(current, 0, bound) + 1, adoptClock(bound, 0, bound));

export function maxClock(c) {
  let m = Number(c.clocks.max || 0);
  for (const cl of c.checklists) for (const s of Object.values(cl.items)) m = Math.max(m, s.clock || 0);
  return m;
}

// --- display: a pulled snapshot with the still-pending mutations applied ----------------------
export function applyOne(c, m, me) {
  if (m.type === 'create_case') {
    if (c) return c;
    const checklists = m.checklists.map((s) => ({ id: s.id, template_slug: s.template_slug, items: {} }));
    return { id: m.case_id, reference: m.reference, country: m.country, stage: m.stage, clocks: {}, workers: [me.email], checklists, notes: [], pending: true };
  }
  if (!c) return c;
  c.pending = true;
  const cl = c.checklists.find((x) => x.id === m.checklist_id);
  const note = c.notes.find((x) => x.id === m.note_id);
  const t = m.type;
  if (t === 'update_case') Object.assign(c, m.stage ? { stage: m.stage } : { country: m.country });
  else if (t === 'delete_case') c.deleted = true;
  else if (t === 'add_checklist' && !cl) c.checklists.push({ id: m.checklist_id, template_slug: m.template_slug, items: {} });
  else if (t === 'set_item' && cl) cl.items[m.item_key] = { ...cl.items[m.item_key], done: m.done, done_on: m.done ? m.done_on : null, pending: true };
  else if (t === 'add_note' && !note) {
    const { note_id: id, body, checklist_id = null, item_key = null, created_at } = m;
    c.notes.push({ id, body, author_id: me.id, author_email: me.email, checklist_id, item_key, created_at, updated_at: created_at, version: 0, pending: true });
  } else if (t === 'edit_note' && note) {
    // Until the server answers, the current text is this worker's, written now.
    Object.assign(note, { body: m.body, deleted: false, pending: true, updated_at: m.created_at, edited_by: me.id, editor_email: me.email });
  } else if (t === 'delete_note' && note) Object.assign(note, { deleted: true, pending: true });
  else if (t === 'ack_guidance' && cl) cl.guidance_updated = false;
  return c;
}

export function applyAll(server, mutations, me) {
  let c = server ? structuredClone(server) : null;
  for (const m of mutations) c = applyOne(c, m, me);
  return c;
}
