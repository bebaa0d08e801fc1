// "Install Homeward": the browser's own prompt where it offers one (beforeinstallprompt, kept
// by app.js), short instructions where it does not (iOS Safari, others). Installed, the app
// opens from the home screen and the browser keeps its storage more readily; in discreet mode
// the installed name and icon are neutral ("Notes", see discreet.js).
import { h } from '../dom.js';
import { t } from '../i18n.js';

const standalone = () => window.matchMedia?.('(display-mode: standalone)').matches || navigator.standalone === true;
const ios = () => /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);

export function mountInstall(el) {
  const draw = () => {
    if (standalone()) {
      el.replaceChildren(h('p', { 'data-install': 'installed' }, t('Homeward is installed on this device.')));
      return;
    }
    const prompt = window.hwInstallPrompt;
    if (prompt) {
      const btn = h('button', { type: 'button', class: 'primary', 'data-install': 'prompt' }, t('Install Homeward'));
      btn.addEventListener('click', async () => {
        btn.disabled = true;
        try {
          await prompt.prompt();
          await prompt.userChoice;
        } finally {
          window.hwInstallPrompt = null; // a prompt can be used once
          draw();
        }
      });
      el.replaceChildren(btn, h('p', { class: 'hint' }, t('Installed, Homeward opens from the home screen and the phone keeps the guide more safely.')));
      return;
    }
    el.replaceChildren(
      h(
        'p',
        { 'data-install': 'instructions' },
        ios()
          ? t('On iPhone or iPad: open Homeward in Safari, tap the Share button, then “Add to Home Screen”.')
          : t('In the browser menu, choose “Install app” or “Add to Home screen”.'),
      ),
    );
  };
  document.addEventListener('hw-installable', draw);
  draw();
}
