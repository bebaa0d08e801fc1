// Checklist templates, readable by anyone; the reader can tick "my steps". Ticks are stored only
// in this browser's IndexedDB ("steps" store, key "<checklist>/<item>") and never sent anywhere.

import * as content from '../content.js';
import { add, h, nextId } from '../dom.js';
import { formatNumber, nt, t } from '../i18n.js';
import { backToTranslation, entryNotice, textAttrs } from '../notices.js';
import { paths } from '../router.js';
import * as store from '../store.js';
import { fieldAvailable } from '../updates.js';
import { card, confirmDialog, notFound, notices, sourcesList, upLink } from './parts.js';

async function tickedSet() {
  return new Set((await store.all('steps')).map((s) => s.id));
}

const progressText = (done, n) => nt('{done} of {n} step done', '{done} of {n} steps done', n, { done: formatNumber(done) });

export async function checklistList(root, ctx) {
  const l = ctx.route.locale;
  const ticked = await tickedSet();
  add(
    root,
    h('h1', null, t('Checklists')),
    h('p', { class: 'lead' }, t('Tick the steps you have done. Your ticks are kept only on this device.')),
    // Outreach workers tick a case's checklists on the case, not here: a direct way there.
    ctx.state.prefs.audience === 'worker' &&
      h(
        'div',
        { class: 'notice', 'data-to-cases': '' },
        h('p', null, t('The checklists of the people you follow are on each case.')),
        h('p', null, h('a', { href: paths.cases(l), class: 'button' }, t('Open your cases'))),
      ),
    h(
      'ul',
      { class: 'cards' },
      content.checklists().map((c) => {
        const done = c.items.filter((i) => ticked.has(`${c.slug}/${i.key}`)).length;
        const li = card(paths.checklist(l, c.slug), c.title, c.summary, null, 2, textAttrs(c));
        li.append(h('p', { class: 'hint' }, progressText(done, c.items.length)));
        return li;
      }),
    ),
  );
  return t('Checklists');
}

export async function checklistView(root, ctx) {
  const l = ctx.route.locale;
  const c = content.checklist(ctx.route.slug);
  if (!c) return notFound(root, ctx);
  const ticked = await tickedSet();
  const key = (i) => `${c.slug}/${i.key}`;
  const pathFor = (to) => paths.checklist(to, c.slug);
  const progress = h('p', { class: 'progress', role: 'status', 'data-progress': true });
  const update = () => {
    const done = c.items.filter((i) => ticked.has(key(i))).length;
    progress.textContent = progressText(done, c.items.length);
    progress.dataset.done = String(done);
  };
  const boxes = c.items.map((i) => {
    const reasonId = nextId('why');
    const input = h('input', {
      type: 'checkbox',
      name: i.key,
      checked: ticked.has(key(i)),
      'aria-describedby': i.reason ? reasonId : null,
    });
    input.addEventListener('change', async () => {
      input.disabled = true;
      if (input.checked) {
        await store.put('steps', { id: key(i) });
        ticked.add(key(i));
      } else {
        await store.del('steps', key(i));
        ticked.delete(key(i));
      }
      input.disabled = false;
      update();
    });
    return h(
      'li',
      null,
      h('label', { class: 'check' }, input, h('span', textAttrs(i), i.action)),
      i.reason ? h('p', { id: reasonId, class: 'reason', ...textAttrs(i) }, i.reason) : null,
      entryNotice(i, pathFor, c),
      i.inferred ? h('p', { class: 'badge' }, t('Good practice, not stated in the sources')) : null,
    );
  });
  const clearBtn = h('button', { type: 'button', class: 'secondary' }, t('Clear my ticks on this list'));
  clearBtn.addEventListener('click', async () => {
    if (!c.items.some((i) => ticked.has(key(i)))) return;
    if (!(await confirmDialog(t('Remove your ticks on this list?'), t('Remove ticks')))) return;
    for (const i of c.items) {
      if (ticked.has(key(i))) await store.del('steps', key(i));
      ticked.delete(key(i));
    }
    for (const b of list.querySelectorAll('input[type=checkbox]')) b.checked = false;
    update();
  });
  const list = h('ol', { class: 'checklist' }, boxes);
  const tool = c.related_tool ? content.item(c.related_tool) : null;
  const tools = h('div', { class: 'item-tools', 'data-item-tools': '' });
  update();
  root.append(
    upLink(paths.checklists(l), t('All checklists')),
    backToTranslation(ctx.route, pathFor),
    h(
      'article',
      { class: 'item', 'data-slug': c.slug },
      h('h1', textAttrs(c), c.title),
      notices(c, pathFor),
      c.summary ? h('p', { class: 'lead', ...textAttrs(c) }, c.summary) : null,
      h('p', { class: 'hint' }, t('Your ticks are kept only on this device. Nothing is sent anywhere.')),
      progress,
      list,
      clearBtn,
      tool ? h('p', null, t('Related guide:'), ' ', h('a', { href: paths.item(l, tool), ...textAttrs(tool) }, tool.title)) : null,
      sourcesList(c.sources),
    ),
    tools,
  );
  if (fieldAvailable()) import('../field/itemtools.js').then((m) => m.mountItemTools(tools, c, l));
  return c.title;
}
