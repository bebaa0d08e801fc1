// The admin screens' fetch helper (frontend/js/admin/api.js): problem+json parsing, query
// strings, the audit log's day range and pages. Pure logic, no DOM and no network.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, dayRange, errorsByField, fieldOf, page, parseProblem, queryString, request } from '../js/admin/api.js';

test('a validation problem (422) names each field of the request', () => {
  const p = parseProblem(422, {
    type: 'about:blank',
    title: 'Invalid request',
    status: 422,
    detail: 'Some fields are missing or invalid.',
    errors: [
      { loc: ['body', 'phone'], msg: "String should match pattern '^x$'", type: 'string_pattern_mismatch' },
      { loc: ['body', 'languages', 1], msg: 'String should match pattern', type: 'string_pattern_mismatch' },
      { loc: ['query', 'since'], msg: 'Input should be a valid datetime', type: 'datetime_from_date_parsing' },
      { loc: ['body'], msg: 'Field required', type: 'missing' },
    ],
  });
  assert.equal(p.status, 422);
  assert.equal(p.title, 'Invalid request');
  assert.equal(p.detail, 'Some fields are missing or invalid.');
  assert.deepEqual(
    p.errors.map((e) => [e.field, e.type]),
    [
      ['phone', 'string_pattern_mismatch'],
      ['languages', 'string_pattern_mismatch'],
      ['since', 'datetime_from_date_parsing'],
      ['', 'missing'],
    ],
  );
});

test('an app error about one field carries its translated detail as that field’s message', () => {
  const p = parseProblem(409, { title: 'Conflict', status: 409, detail: 'A user with the email … already exists.', field: 'email' });
  assert.deepEqual(p.errors, [{ field: 'email', message: 'A user with the email … already exists.', type: 'app' }]);
  assert.equal(errorsByField(p).email.type, 'app');
});

test('a problem without a body, or with a broken one, still has a status and empty texts', () => {
  for (const body of [null, 'text', [], { errors: 'nope', status: 'x', title: 3 }]) {
    const p = parseProblem(502, body);
    assert.deepEqual(p, { status: 502, title: '', detail: '', errors: [] });
  }
  const p = parseProblem(400, { errors: [null, 7, { loc: 'body', msg: 5 }] });
  assert.deepEqual(p.errors, [{ field: '', message: '', type: '', loc: [] }]);
});

test('errorsByField keeps the first error of each field', () => {
  const p = parseProblem(422, {
    errors: [
      { loc: ['body', 'name'], msg: 'a', type: 'string_too_short' },
      { loc: ['body', 'name'], msg: 'b', type: 'string_too_long' },
    ],
  });
  assert.equal(errorsByField(p).name.message, 'a');
  assert.deepEqual(errorsByField(null), {});
});

test('fieldOf skips where the value was and list positions', () => {
  assert.equal(fieldOf(['body', 'email']), 'email');
  assert.equal(fieldOf(['path', 'user_id']), 'user_id');
  assert.equal(fieldOf(['body', 'languages', 0]), 'languages');
  assert.equal(fieldOf(['body']), '');
  assert.equal(fieldOf(undefined), '');
});

test('queryString leaves out empty filters', () => {
  assert.equal(queryString({ action: '', actor_id: '3', since: null, until: undefined, limit: 51 }), '?actor_id=3&limit=51');
  assert.equal(queryString({}), '');
  assert.equal(queryString(null), '');
  assert.equal(queryString({ target: 'a b&c' }), '?target=a+b%26c');
});

test('dayRange covers whole local days, the last one included', () => {
  const { since, until } = dayRange('2026-03-28', '2026-03-29');
  assert.equal(new Date(since).getTime(), new Date(2026, 2, 28).getTime());
  assert.equal(new Date(until).getTime(), new Date(2026, 2, 30).getTime()); // midnight after the 29th
  assert.deepEqual(dayRange('', ''), { since: null, until: null });
  assert.equal(dayRange('2026-12-31', '').until, null);
  assert.equal(new Date(dayRange('', '2026-12-31').until).getTime(), new Date(2027, 0, 1).getTime());
  assert.deepEqual(dayRange('31/12/2026', 'nonsense'), { since: null, until: null });
});

test('page: one row more than shown says older rows exist', () => {
  assert.deepEqual(page([1, 2, 3], 2), { rows: [1, 2], more: true });
  assert.deepEqual(page([1, 2], 2), { rows: [1, 2], more: false });
  assert.deepEqual(page([], 2), { rows: [], more: false });
});

test('request: credentials, CSRF header and language; failures become problems', async (t) => {
  const calls = [];
  const answers = [
    new Response(JSON.stringify([{ id: 1 }]), { status: 200, headers: { 'Content-Type': 'application/json' } }),
    new Response(null, { status: 204 }),
    new Response(JSON.stringify({ title: 'Forbidden', status: 403, detail: 'Your role does not allow this.' }), {
      status: 403,
      headers: { 'Content-Type': 'application/problem+json' },
    }),
    new Response('<html>bad gateway</html>', { status: 502 }),
  ];
  t.mock.method(globalThis, 'fetch', async (url, init) => {
    calls.push({ url, init });
    const next = answers.shift();
    if (!next) throw new TypeError('Failed to fetch');
    return next;
  });
  assert.deepEqual(await request('GET', '/admin/users', { query: { resolved: '' } }), [{ id: 1 }]);
  assert.equal(calls[0].url, '/api/v1/admin/users');
  assert.equal(calls[0].init.credentials, 'same-origin');
  assert.equal(calls[0].init.headers['X-Homeward-CSRF'], '1');
  assert.equal(calls[0].init.headers['Accept-Language'], 'en');
  assert.equal(calls[0].init.body, undefined);

  assert.equal(await request('POST', '/admin/users/1/password', { body: { password: 'x' } }), null);
  assert.equal(calls[1].init.headers['Content-Type'], 'application/json');
  assert.equal(calls[1].init.body, '{"password":"x"}');

  const forbidden = await request('GET', '/admin/users').catch((e) => e);
  assert.ok(forbidden instanceof ApiError);
  assert.deepEqual(forbidden.problem, { status: 403, title: 'Forbidden', detail: 'Your role does not allow this.', errors: [] });

  const bad = await request('GET', '/admin/users').catch((e) => e);
  assert.deepEqual(bad.problem, { status: 502, title: '', detail: '', errors: [] });

  const unreachable = await request('GET', '/admin/users').catch((e) => e);
  assert.equal(unreachable.status, 0); // offline or no server: status 0
});
