// The router's URL scheme (frontend/js/router.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, paths } from '../js/router.js';

const at = (path) => parse(new URL(path, 'https://homeward.example'));

test('screens by path', () => {
  assert.deepEqual(at('/'), { name: 'root' });
  assert.deepEqual(at('/fr/'), { name: 'home', locale: 'fr' });
  assert.deepEqual(at('/fr/tools/victims'), { name: 'item', locale: 'fr', slug: 'victims' });
  assert.deepEqual(at('/ar/pages/staying'), { name: 'item', locale: 'ar', slug: 'staying' });
  assert.deepEqual(at('/uk/checklists'), { name: 'checklists', locale: 'uk' });
  assert.deepEqual(at('/uk/checklists/before-departure'), { name: 'checklist', locale: 'uk', slug: 'before-departure' });
  assert.deepEqual(at('/fr/glossary#term-refoulement'), { name: 'glossary', locale: 'fr', hash: 'term-refoulement' });
  assert.deepEqual(at('/fr/settings'), { name: 'settings', locale: 'fr' });
  assert.deepEqual(at('/fr/about'), { name: 'about', locale: 'fr' });
});

test('worker screens', () => {
  assert.deepEqual(at('/fr/signin'), { name: 'signin', locale: 'fr' });
  assert.deepEqual(at('/fr/cases'), { name: 'cases', locale: 'fr' });
  assert.deepEqual(at('/fr/cases/new'), { name: 'casenew', locale: 'fr' });
  const id = '0b7c5a9e-3c1f-4c52-9d7e-2f1f0a6a1b2c';
  assert.deepEqual(at(`/fr/cases/${id}`), { name: 'case', locale: 'fr', id });
});

test('staff screens: everything under /{locale}/admin is the admin shell, its sub-path kept', () => {
  assert.deepEqual(at('/fr/admin'), { name: 'admin', locale: 'fr', sub: '' });
  assert.deepEqual(at('/ar/admin/content/item/tool-7-1/fr/history'), { name: 'admin', locale: 'ar', sub: 'content/item/tool-7-1/fr/history' });
  assert.deepEqual(at('/en/admin/coverage'), { name: 'admin', locale: 'en', sub: 'coverage' });
});

test('regional locales are routes; anything else is not found', () => {
  assert.equal(at('/fr-CA/').locale, 'fr-CA');
  for (const p of ['/FR/', '/f/', '/fr/tools', '/fr/nope', '/fr/settings/x', '/fr/tools/a/b', '/fr/cases/a/b', '/123/']) {
    assert.equal(at(p).name, 'notfound', p);
  }
});

test('path segments are decoded, and paths() builds what parse() reads', () => {
  assert.equal(at('/fr/tools/caf%C3%A9').slug, 'café');
  const it = { kind: 'page', slug: 'a b' };
  assert.deepEqual(at(paths.item('fr', it)), { name: 'item', locale: 'fr', slug: 'a b' });
  assert.deepEqual(at(paths.case('fr', 'x/y')), { name: 'case', locale: 'fr', id: 'x/y' });
  assert.deepEqual(at(paths.checklist('vi', 'children')), { name: 'checklist', locale: 'vi', slug: 'children' });
});
