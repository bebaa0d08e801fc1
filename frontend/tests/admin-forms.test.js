// What the admin forms send and say (frontend/js/admin/field.js, form.js): pure parts only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contactBody } from '../js/admin/field.js';
import { errorText, problemText } from '../js/admin/form.js';

test('a contact form sends trimmed text, null for empty optional fields, languages as codes', () => {
  assert.deepEqual(contactBody({ country: ' xk ', name: ' Test organisation ', help_kind: 'Test help', phone: '  ', website: '', languages: 'en, fr ar;ru،fa', hours: '' }), {
    country: 'XK',
    name: 'Test organisation',
    help_kind: 'Test help',
    phone: null,
    website: null,
    languages: ['en', 'fr', 'ar', 'ru', 'fa'],
    hours: null,
  });
  assert.deepEqual(contactBody({}), { country: '', name: '', help_kind: '', phone: null, website: null, languages: [], hours: null });
});

test('validation errors are worded by their kind; app errors keep the server’s translated text', () => {
  assert.equal(errorText({ type: 'app', message: 'Ce mot de passe est trop courant.' }), 'Ce mot de passe est trop courant.');
  assert.equal(errorText({ type: 'missing', message: 'Field required' }), 'This field is required.');
  assert.match(errorText({ type: 'string_pattern_mismatch', message: '' }), /expected form/);
  assert.match(errorText({ type: 'url_parsing', message: '' }), /web address/);
  assert.equal(errorText({ type: 'something_new', message: 'Server words' }), 'Server words');
  assert.equal(errorText({ type: 'something_new', message: '' }), 'This value is not accepted.');
});

test('problems not about one field', () => {
  assert.match(problemText({ status: 0 }), /could not be reached/);
  assert.match(problemText({ status: 401, detail: 'Please sign in.' }), /not signed in/);
  assert.equal(problemText({ status: 403, detail: 'Your role does not allow this.' }), 'Not allowed. Your role does not allow this.');
  assert.equal(
    problemText({ status: 409, title: 'Conflict', detail: 'The last active admin cannot be demoted or deactivated.' }),
    'The last active admin cannot be demoted or deactivated.',
  );
  assert.equal(problemText({ status: 500, title: '', detail: '' }), 'Something went wrong. Try again.');
});
