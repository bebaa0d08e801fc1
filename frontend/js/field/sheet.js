// "My return steps": the reader picks the checklist steps that apply to them and gets a
// one-page summary in their language, made on the device: printable, and shareable as plain
// text (Web Share API where present, the clipboard otherwise). Nothing is sent to the server;
// the picks stay on this device (`meta` → `sheet`) until the reader clears them.
import * as content from '../content.js';
import { add, h, nextId, replaceChildren } from '../dom.js';
import { formatDate, t } from '../i18n.js';
import { textAttrs } from '../notices.js';
import { paths } from '../router.js';
import * as store from '../store.js';
import { upLink } from '../views/parts.js';

export function sheetText(title, date, groups) {
  const lines = [title, date, ''];
  for (const g of groups) {
    lines.push(g.title);
    g.steps.forEach((s, i) => {
      lines.push(`${i + 1}. ${s.action}`);
      if (s.reason) lines.push(`   ${s.reason}`);
    });
    lines.push('');
  }
  return lines.join('\n').trim();
}

export async function stepsSheetView(root, ctx) {
  const l = ctx.route.locale;
  const lists = content.checklists();
  const picked = new Set((await store.getMeta('sheet')) || []);
  const key = (c, i) => `${c.slug}/${i.key}`;
  const sheet = h('section', { class: 'sheet', 'data-sheet': '', hidden: true, 'aria-labelledby': 'sheet-title' });
  const status = h('p', { class: 'status no-print', role: 'status', 'data-share-status': '' });
  const pickers = lists.map((c) => {
    const id = nextId('pick');
    return h(
      'fieldset',
      { class: 'no-print', 'aria-describedby': id },
      h('legend', textAttrs(c), c.title),
      c.summary ? h('p', { class: 'hint', id, ...textAttrs(c) }, c.summary) : null,
      c.items.map((i) => {
        const box = h('input', { type: 'checkbox', name: key(c, i), checked: picked.has(key(c, i)) });
        box.addEventListener('change', async () => {
          if (box.checked) picked.add(key(c, i));
          else picked.delete(key(c, i));
          await store.setMeta('sheet', [...picked]);
        });
        return h('label', { class: 'check' }, box, h('span', textAttrs(i), i.action));
      }),
    );
  });
  const groups = () => lists.map((c) => ({ title: c.title, c, steps: c.items.filter((i) => picked.has(key(c, i))) })).filter((g) => g.steps.length);
  const title = t('My return steps');
  const made = () => t('Made on {date}', { date: formatDate(new Date().toISOString(), 'long') });
  const make = () => {
    const gs = groups();
    status.textContent = '';
    if (!gs.length) {
      sheet.hidden = true;
      status.textContent = t('Choose at least one step first.');
      return;
    }
    replaceChildren(
      sheet,
      h('h2', { id: 'sheet-title' }, title),
      h('p', { class: 'hint' }, made()),
      gs.map((g) =>
        h(
          'div',
          { class: 'sheet-group' },
          h('h3', textAttrs(g.c), g.title),
          h(
            'ol',
            null,
            g.steps.map((s) => h('li', textAttrs(s), h('strong', null, s.action), s.reason ? h('p', { class: 'reason' }, s.reason) : null)),
          ),
        ),
      ),
      h('div', { class: 'row no-print' }, printBtn, shareBtn),
    );
    sheet.hidden = false;
    sheet.querySelector('h2').setAttribute('tabindex', '-1');
    sheet.querySelector('h2').focus();
  };
  const makeBtn = h('button', { type: 'button', class: 'primary', 'data-make-sheet': '' }, t('Make my sheet'));
  makeBtn.addEventListener('click', make);
  const printBtn = h('button', { type: 'button', class: 'secondary', 'data-print': '' }, t('Print'));
  printBtn.addEventListener('click', () => window.print());
  const shareBtn = h('button', { type: 'button', class: 'secondary', 'data-share': '' }, t('Share as text'));
  shareBtn.addEventListener('click', async () => {
    const text = sheetText(title, made(), groups());
    try {
      if (navigator.share) {
        await navigator.share({ title, text });
        status.textContent = t('Shared.');
        return;
      }
    } catch (e) {
      if (e?.name === 'AbortError') return; // the reader closed the share sheet
    }
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = t('Copied. Paste it into a message or a note.');
    } catch {
      status.textContent = t('This browser cannot share or copy. Select the text of the sheet and copy it.');
    }
  });
  const clearBtn = h('button', { type: 'button', class: 'secondary' }, t('Clear my choices'));
  clearBtn.addEventListener('click', async () => {
    picked.clear();
    await store.setMeta('sheet', []);
    for (const b of root.querySelectorAll('fieldset input[type=checkbox]')) b.checked = false;
    sheet.hidden = true;
  });
  add(
    root,
    upLink(paths.checklists(l), t('All checklists')),
    h('h1', { class: 'no-print' }, title),
    h('p', { class: 'lead no-print' }, t('Tick the steps that apply to you, then make a one-page sheet to print or to keep on your phone.')),
    h('p', { class: 'hint no-print' }, t('Your choices stay on this device. Nothing is sent anywhere.')),
    pickers,
    h('div', { class: 'row no-print' }, makeBtn, clearBtn),
    status,
    sheet,
  );
  return title;
}
