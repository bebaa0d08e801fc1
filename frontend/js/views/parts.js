// Pieces shared by several views.
import { h, nextId } from '../dom.js';
import { t } from '../i18n.js';
import { textAttrs } from '../notices.js';
import { paths } from '../router.js';

export { notices } from '../notices.js';

// `text`: lang/dir of title and summary when they are in another language than the interface.
export function card(href, title, summary, kicker, level = 3, text = null) {
  return h(
    'li',
    { class: 'card' },
    kicker ? h('p', { class: 'kicker' }, kicker) : null,
    h(`h${level}`, text, h('a', { href, class: 'stretch' }, title)),
    summary ? h('p', text, summary) : null,
  );
}

export function itemCard(locale, it) {
  const kicker = it.tool_number ? t('Tool {number}', { number: it.tool_number }) : null;
  return card(paths.item(locale, it), it.title, it.summary, kicker, 3, textAttrs(it));
}

export function section(title, ...children) {
  return h('section', null, h('h2', null, title), ...children);
}

export function upLink(href, label) {
  return h('p', { class: 'up' }, h('a', { href }, label));
}

export function sourcesList(sources) {
  if (!sources?.length) return null;
  return section(
    t('Sources'),
    h(
      'ul',
      { class: 'sources' },
      sources.map((s) =>
        // Source titles are in the source's own language (mostly English): let the text decide.
        h('li', null, h('a', { href: s.url, target: '_blank', rel: 'noopener noreferrer', dir: 'auto' }, s.title)),
      ),
    ),
    h('p', { class: 'hint' }, t('Sources open another website in a new tab and need a connection.')),
  );
}

// Ask before something that cannot be undone: an in-page <dialog> (quick exit stays reachable).
// Resolves true only when the person chose `yes`.
export function confirmDialog(question, yes) {
  return new Promise((resolve) => {
    const id = nextId('confirm');
    const no = h('button', { type: 'button', class: 'secondary', value: 'no' }, t('Cancel'));
    const ok = h('button', { type: 'button', class: 'primary danger', value: 'yes' }, yes);
    const dialog = h('dialog', { class: 'term-dialog', 'aria-labelledby': id, 'data-confirm': true }, h('h2', { id }, question), h('div', { class: 'actions' }, no, ok));
    let answer = false;
    ok.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    no.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}

// The screens for a page that is not in the guide, and a language not on the device.
export function notFound(root, ctx) {
  const l = ctx.route.locale;
  root.append(
    h('h1', null, t('Page not found')),
    h('p', null, t('This page is not in the downloaded guide. It may have been renamed or removed.')),
    upLink(l ? paths.home(l) : '/', t('Back to home')),
  );
  return t('Page not found');
}

export function notDownloaded(root, ctx) {
  const { locale } = ctx.state.prefs;
  root.append(
    h('h1', null, t('Not available offline')),
    h('p', null, t('This language is not downloaded on this device. Connect to the internet once to download it.')),
    upLink(locale && locale !== ctx.route.locale ? paths.home(locale) : '/', t('Back to home')),
  );
  return t('Not available offline');
}
