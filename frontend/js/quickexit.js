// Quick exit: blank the screen at once, then replace this tab's only Homeward history entry with
// about:blank (location.replace adds no entry). Because the app never pushes history entries
// (see router.js), nothing of Homeward is left to go back to in this tab.
// Keyboard: press Escape three times within two seconds.
import { h } from './dom.js';
import { t } from './i18n.js';

export function quickExit() {
  try {
    document.title = '';
    document.body.replaceChildren();
  } finally {
    location.replace('about:blank');
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
