// Quick exit: blank the screen at once, then replace this tab's only Homeward history entry with
// a neutral page (location.replace adds no entry). Because the app never pushes history entries
// (see router.js), nothing of Homeward is left to go back to in this tab. The destination is
// chosen by the organisation running Homeward (HOMEWARD_QUICK_EXIT_URL, put into the app shell's
// <meta name="hw-quick-exit"> by the server); a blank page would itself show that something was
// hidden. The default is a plain recipe page (static/recipe.html) that names nothing of Homeward.
// Keyboard: press Escape three times within two seconds.
import { h } from './dom.js';
import { t } from './i18n.js';

const DEFAULT_EXIT = '/static/recipe.html';

export function exitUrl() {
  const meta = document.querySelector('meta[name="hw-quick-exit"]');
  try {
    const url = new URL(meta?.content || DEFAULT_EXIT, location.origin);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
  } catch {
    // not a URL: the default
  }
  return new URL(DEFAULT_EXIT, location.origin).href;
}

export function quickExit() {
  const url = exitUrl();
  try {
    document.title = '';
    document.body.replaceChildren();
  } finally {
    location.replace(url);
  }
}

export function quickExitButton() {
  return h('button', { type: 'button', class: 'quick-exit', 'data-quick-exit': true, onclick: quickExit }, t('Quick exit'));
}

export function setupQuickExit() {
  let presses = [];
  document.addEventListener(
    'keydown',
    (e) => {
      if (e.key !== 'Escape' && e.key !== 'Esc') return;
      const now = e.timeStamp;
      presses = presses.filter((ts) => now - ts < 2000);
      presses.push(now);
      if (presses.length >= 3) quickExit();
    },
    true,
  );
}
