// "Pass the guide on without data": the guide in one language (all of it or the pages
// chosen) as ONE self-contained HTML file made on the device: text, styles and glossary
// inside, no script, its date and content version written in it. Shared through the phone's
// share sheet (Web Share API with files: Bluetooth, messaging apps) or saved as a download.
import * as content from '../content.js';
import { add, h } from '../dom.js';
import { formatDate, t } from '../i18n.js';
import { direction, nativeName } from '../languages.js';
import { paths } from '../router.js';
import { upLink } from '../views/parts.js';

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// Logical properties only, so the same rules read right to left.
const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",Tahoma,sans-serif;line-height:1.55;color:#1b1b1b;background:#fff;margin:0 auto;max-inline-size:44rem;padding:1rem}
h1{font-size:1.6rem}h2{font-size:1.3rem;border-block-start:2px solid #0b4f5c;padding-block-start:1rem;margin-block-start:2rem}h3{font-size:1.05rem}
a{color:#0b4f5c}.meta,.hint{color:#4a4a4a;font-size:.92rem}.note{background:#fff4ce;padding:.5rem .75rem;border-inline-start:4px solid #8a6d00}
table{border-collapse:collapse;display:block;overflow-x:auto}th,td{border:1px solid #c4cfd2;padding:.3rem .5rem;text-align:start;vertical-align:top}
section>h2{font-size:1.3rem}.body h2{font-size:1.1rem;border:0;padding:0;margin-block-start:1.2rem}dt{font-weight:700}dd{margin-inline-start:0;margin-block-end:.75rem}.url{overflow-wrap:anywhere}
@media print{section{break-before:page}nav{display:none}}`;

// Links between pages of the app become links inside the file; others stay as they are.
function localiseLinks(html, slugs) {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  for (const a of tpl.content.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href');
    if (!href.startsWith('/')) continue;
    const slug = decodeURIComponent(href.split('/').filter(Boolean).pop() || '');
    if (slugs.has(slug)) a.setAttribute('href', `#${slug}`);
    else a.removeAttribute('href');
  }
  return tpl.innerHTML;
}

export function buildGuideHtml({ bundle, items, checklists, glossary, labels, madeAt }) {
  const lang = bundle.locale;
  const dir = bundle.direction || direction(lang);
  const slugs = new Set([...items.map((i) => i.slug), ...checklists.map((c) => c.slug)]);
  const attrs = (doc) => (doc.locale && doc.locale !== lang ? ` lang="${esc(doc.locale)}" dir="${esc(direction(doc.locale))}"` : '');
  const parts = [];
  parts.push(`<!doctype html><html lang="${esc(lang)}" dir="${esc(dir)}"><head><meta charset="utf-8">`);
  parts.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  parts.push(`<meta name="generator" content="Homeward"><meta name="content-version" content="${esc(bundle.version)}"><meta name="made" content="${esc(madeAt)}">`);
  parts.push(`<title>${esc(labels.title)}</title><style>${STYLE}</style></head><body>`);
  parts.push(`<header><h1>${esc(labels.title)}</h1><p class="meta" data-made>${esc(labels.made)}</p>`);
  parts.push(`<p class="note">${esc(labels.note)}</p></header>`);
  parts.push(`<nav><h2>${esc(labels.contents)}</h2><ol>`);
  for (const d of [...items, ...checklists]) parts.push(`<li><a href="#${esc(d.slug)}"${attrs(d)}>${esc(d.title)}</a></li>`);
  if (glossary.length) parts.push(`<li><a href="#glossary">${esc(labels.glossary)}</a></li>`);
  parts.push('</ol></nav><main>');
  for (const it of items) {
    parts.push(`<section id="${esc(it.slug)}"${attrs(it)}><h2>${esc(it.title)}</h2>`);
    if (it.summary) parts.push(`<p><strong>${esc(it.summary)}</strong></p>`);
    parts.push(`<div class="body">${localiseLinks(it.body_html || '', slugs)}</div>`);
    if (it.sources?.length) {
      parts.push(`<h3>${esc(labels.sources)}</h3><ol>`);
      for (const s of it.sources) parts.push(`<li dir="auto">${esc(s.title)} — <a class="url" dir="ltr" href="${esc(s.url)}">${esc(s.url)}</a></li>`);
      parts.push('</ol>');
    }
    parts.push('</section>');
  }
  for (const c of checklists) {
    parts.push(`<section id="${esc(c.slug)}"${attrs(c)}><h2>${esc(c.title)}</h2>`);
    if (c.summary) parts.push(`<p>${esc(c.summary)}</p>`);
    parts.push('<ol>');
    for (const i of c.items) parts.push(`<li${attrs(i)}><strong>${esc(i.action)}</strong>${i.reason ? `<br><span class="hint">${esc(i.reason)}</span>` : ''}</li>`);
    parts.push('</ol></section>');
  }
  if (glossary.length) {
    parts.push(`<section id="glossary"><h2>${esc(labels.glossary)}</h2><dl>`);
    for (const g of glossary) parts.push(`<dt id="term-${esc(g.key)}"${attrs(g)}>${esc(g.term)}</dt><dd${attrs(g)}>${esc(g.definition)}</dd>`);
    parts.push('</dl></section>');
  }
  parts.push(`</main><footer><p class="hint">${esc(labels.footer)}</p></footer></body></html>`);
  return parts.join('\n');
}

export function passOnView(root, ctx) {
  const l = ctx.route.locale;
  const b = content.bundle();
  const items = content.items();
  const lists = content.checklists();
  const box = (doc, kind) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: `${kind}:${doc.slug}`, checked: true }), h('span', null, doc.title));
  const pickers = h(
    'fieldset',
    null,
    h('legend', null, t('Pages to include')),
    items.map((i) => box(i, 'item')),
    lists.map((c) => box(c, 'checklist')),
  );
  const status = h('p', { class: 'status', role: 'status', 'data-passon-status': '' });
  const make = () => {
    const chosen = new Set([...pickers.querySelectorAll('input:checked')].map((x) => x.name));
    const madeAt = new Date().toISOString();
    const html = buildGuideHtml({
      bundle: b,
      items: items.filter((i) => chosen.has(`item:${i.slug}`)),
      checklists: lists.filter((c) => chosen.has(`checklist:${c.slug}`)),
      glossary: content.glossary(),
      madeAt,
      labels: {
        title: t('Homeward: the guide in {language}', { language: nativeName(b.locale) }),
        made: t('Made on {date} from content version {version}. Newer versions may exist.', { date: formatDate(madeAt, 'long'), version: b.version }),
        note: t('This file works without internet. It is information, not legal advice; rules differ by country.'),
        contents: t('Contents'),
        glossary: t('Glossary'),
        sources: t('Sources'),
        footer: t('Made with Homeward, on the phone that shared it. Nothing in this file contacts the internet.'),
      },
    });
    const name = `homeward-${b.locale}-${madeAt.slice(0, 10)}.html`;
    return new File([html], name, { type: 'text/html' });
  };
  const save = (file) => {
    const url = URL.createObjectURL(file);
    const a = h('a', { href: url, download: file.name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    status.textContent = t('The file {name} was saved. Send it from your downloads.', { name: file.name });
  };
  const saveBtn = h('button', { type: 'button', class: 'secondary', 'data-save-file': '' }, t('Save the file'));
  saveBtn.addEventListener('click', () => save(make()));
  const shareBtn = h('button', { type: 'button', class: 'primary', 'data-share-file': '', hidden: true }, t('Share the file'));
  shareBtn.addEventListener('click', async () => {
    const file = make();
    try {
      await navigator.share({ files: [file], title: file.name });
      status.textContent = t('Shared.');
    } catch (e) {
      if (e?.name !== 'AbortError') save(file);
    }
  });
  try {
    shareBtn.hidden = !navigator.canShare?.({ files: [new File(['x'], 'x.html', { type: 'text/html' })] });
  } catch {
    shareBtn.hidden = true;
  }
  add(
    root,
    upLink(paths.settings(l), t('Back to settings')),
    h('h1', null, t('Pass the guide on')),
    h(
      'p',
      { class: 'lead' },
      t(
        'Make one file with the guide in this language, to send by Bluetooth or a messaging app to someone who has no data. It opens in any phone browser, without internet and without Homeward.',
      ),
    ),
    pickers,
    h('div', { class: 'row' }, shareBtn, saveBtn),
    status,
  );
  return t('Pass the guide on');
}
