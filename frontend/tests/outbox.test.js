// The outbox rules (frontend/js/cases/outbox.js): folding of unsent changes and base_version.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyAll, baseVersion, coalesce, maxClock, target } from '../js/cases/outbox.js';

let seq = 0;
const m = (type, fields = {}) => ({ id: `m${++seq}`, seq, type, case_id: 'c1', clock: seq, ...fields });
const server = () => ({
  id: 'c1',
  reference: 'HW-BCDF-2345',
  country: 'AL',
  stage: 'preparing',
  version: 7,
  clocks: { stage: [4, 'devA', 'u1'], country: [2, 'devB', 'u2'], max: 9 },
  workers: ['a@example.org'],
  checklists: [{ id: 'cl1', template_slug: 'before-departure', items: { passport: { done: true, done_on: '2025-01-02', version: 3, clock: 5 } } }],
  notes: [{ id: 'n1', body: 'old', author_id: 'u1', version: 2, created_at: '2025-01-01T00:00:00Z' }],
});

describe('target', () => {
  test('one target per thing changed', () => {
    assert.equal(target(m('set_item', { checklist_id: 'cl1', item_key: 'passport' })), 'cl1/passport');
    assert.equal(target(m('update_case', { stage: 'travel' })), 'stage');
    assert.equal(target(m('update_case', { country: 'FR' })), 'country');
    assert.equal(target(m('edit_note', { note_id: 'n1' })), 'n1');
    assert.equal(target(m('ack_guidance', { checklist_id: 'cl1' })), 'ack_guidance/cl1');
  });
});

describe('coalesce', () => {
  test('tick then untick of one item: the second replaces the first', () => {
    const tick = m('set_item', { checklist_id: 'cl1', item_key: 'passport', done: true });
    const untick = m('set_item', { checklist_id: 'cl1', item_key: 'passport', done: false });
    const r = coalesce(untick, [tick]);
    assert.deepEqual([...r.drop], [tick]);
    assert.equal(r.keep, true);
    assert.equal(r.fold, null);
  });

  test('ticks of different items are independent', () => {
    const a = m('set_item', { checklist_id: 'cl1', item_key: 'passport', done: true });
    const b = m('set_item', { checklist_id: 'cl1', item_key: 'ticket', done: true });
    const r = coalesce(b, [a]);
    assert.equal(r.drop.size, 0);
    assert.equal(r.keep, true);
  });

  test('an edit of an unsent note changes its add_note instead of being sent', () => {
    const add = m('add_note', { note_id: 'n9', body: 'first' });
    const edit = m('edit_note', { note_id: 'n9', body: 'second' });
    const r = coalesce(edit, [add]);
    assert.equal(r.fold, add);
    assert.equal(add.body, 'second');
    assert.equal(r.keep, false);
    assert.equal(r.drop.size, 0, 'the add_note itself is never dropped by an edit');
  });

  test('deleting an unsent note sends nothing at all', () => {
    const add = m('add_note', { note_id: 'n9', body: 'first' });
    const del = m('delete_note', { note_id: 'n9' });
    const r = coalesce(del, [add]);
    assert.deepEqual([...r.drop], [add]);
    assert.equal(r.keep, false);
  });

  test('a stage change of an unsent case goes into its create_case', () => {
    const create = m('create_case', { reference: 'HW-BCDF-2345', country: 'AL', stage: 'preparing', checklists: [] });
    const r = coalesce(m('update_case', { stage: 'travel' }), [create]);
    assert.equal(r.fold, create);
    assert.equal(create.stage, 'travel');
    assert.equal(r.keep, false);
  });

  test('deleting a case drops every unsent change of it; an unsent case is never sent', () => {
    const tick = m('set_item', { checklist_id: 'cl1', item_key: 'passport', done: true });
    const note = m('add_note', { note_id: 'n9', body: 'x' });
    let r = coalesce(m('delete_case'), [tick, note]);
    assert.deepEqual(new Set(r.drop), new Set([tick, note]));
    assert.equal(r.keep, true);
    const create = m('create_case', { reference: 'X', country: 'AL', stage: 'preparing', checklists: [] });
    r = coalesce(m('delete_case'), [create, tick]);
    assert.equal(r.keep, false);
    assert.ok(r.drop.has(create));
  });
});

describe('baseVersion', () => {
  test('none for a case that is not on the server yet', () => {
    assert.equal(baseVersion(m('set_item', { checklist_id: 'cl1', item_key: 'passport' }), null, []), undefined);
  });

  test('an item: the version of its state on the server, 0 when never ticked', () => {
    const s = server();
    assert.equal(baseVersion(m('set_item', { checklist_id: 'cl1', item_key: 'passport' }), s, []), 3);
    assert.equal(baseVersion(m('set_item', { checklist_id: 'cl1', item_key: 'ticket' }), s, []), 0);
  });

  test('a note: its version; a note the device never pulled counts as 1', () => {
    const s = server();
    assert.equal(baseVersion(m('edit_note', { note_id: 'n1' }), s, []), 2);
    assert.equal(baseVersion(m('delete_note', { note_id: 'nX' }), s, []), 1);
    assert.equal(baseVersion(m('add_note', { note_id: 'nY' }), s, []), undefined);
  });

  test("a field: the clock of that field's register", () => {
    const s = server();
    assert.equal(baseVersion(m('update_case', { stage: 'travel' }), s, []), 4);
    assert.equal(baseVersion(m('update_case', { country: 'FR' }), s, []), 2);
    delete s.clocks.country;
    assert.equal(baseVersion(m('update_case', { country: 'FR' }), s, []), 0);
  });

  test('a case delete: the case version, unless something of this device is on its way', () => {
    const s = server();
    assert.equal(baseVersion(m('delete_case'), s, []), 7);
    assert.equal(baseVersion(m('delete_case'), s, [m('add_note', { note_id: 'n5' })]), undefined);
  });

  test('unknown while a change to the same thing is in flight (sent, answer pending)', () => {
    const s = server();
    const sent = m('set_item', { checklist_id: 'cl1', item_key: 'passport', done: false });
    assert.equal(baseVersion(m('set_item', { checklist_id: 'cl1', item_key: 'passport' }), s, [sent]), undefined);
    assert.equal(baseVersion(m('set_item', { checklist_id: 'cl1', item_key: 'ticket' }), s, [sent]), 0);
    const created = m('create_case', { checklists: [] });
    assert.equal(baseVersion(m('update_case', { stage: 'travel' }), s, [created]), undefined);
  });
});

describe('applyAll and maxClock', () => {
  const me = { id: 'u1', email: 'a@example.org' };

  test('pending changes are shown on top of the pulled snapshot, which is not changed', () => {
    const s = server();
    const v = applyAll(
      s,
      [
        m('set_item', { checklist_id: 'cl1', item_key: 'ticket', done: true, done_on: '2025-02-03' }),
        m('edit_note', { note_id: 'n1', body: 'new' }),
        m('add_note', { note_id: 'n2', body: 'added', created_at: '2025-02-03T10:00:00Z' }),
        m('update_case', { stage: 'travel' }),
      ],
      me,
    );
    assert.equal(v.pending, true);
    assert.equal(v.stage, 'travel');
    assert.deepEqual(v.checklists[0].items.ticket, { done: true, done_on: '2025-02-03', pending: true });
    assert.equal(v.notes.find((n) => n.id === 'n1').body, 'new');
    assert.equal(v.notes.find((n) => n.id === 'n2').author_id, 'u1');
    assert.equal(s.notes[0].body, 'old');
    assert.equal(s.stage, 'preparing');
  });

  test("a pending edit of a colleague's note is shown as this worker's text, written now", () => {
    const s = server();
    s.notes[0].author_id = 'u2';
    s.notes[0].author_email = 'b@example.org';
    const v = applyAll(s, [m('edit_note', { note_id: 'n1', body: 'mine', created_at: '2025-03-01T09:00:00Z' })], me);
    const n = v.notes[0];
    assert.deepEqual([n.body, n.edited_by, n.editor_email, n.updated_at], ['mine', 'u1', 'a@example.org', '2025-03-01T09:00:00Z']);
    assert.deepEqual([n.author_id, n.author_email, n.created_at], ['u2', 'b@example.org', '2025-01-01T00:00:00Z']);
  });

  test('a case made on this device exists before the server knows it', () => {
    const v = applyAll(null, [m('create_case', { case_id: 'c2', reference: 'HW-2', country: 'AL', stage: 'preparing', checklists: [{ id: 'x', template_slug: 't' }] })], me);
    assert.equal(v.id, 'c2');
    assert.deepEqual(v.workers, ['a@example.org']);
    assert.deepEqual(v.checklists, [{ id: 'x', template_slug: 't', items: {} }]);
  });

  test('maxClock: the highest clock seen in a snapshot', () => {
    assert.equal(maxClock(server()), 9);
    const s = server();
    s.checklists[0].items.passport.clock = 12;
    assert.equal(maxClock(s), 12);
  });
});
