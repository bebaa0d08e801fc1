// About: what Homeward is, its sources, what it stores, and what quick exit can and cannot do.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { appVersion } from '../updates.js';
import { section } from './parts.js';

const TOOLKIT_CH7 =
  'https://www.unodc.org/unodc/en/human-trafficking/2008/electronic-toolkit/electronic-toolkit-chapter-7-immigration-status-of-victims-and-their-return-and-reintegration.html';
const TOOLKIT_INDEX = 'https://www.unodc.org/unodc/en/human-trafficking/2008/electronic-toolkit/electronic-toolkit-to-combat-trafficking-in-persons---index.html';

const ext = (href, text) => h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, text);
const list = (...items) =>
  h(
    'ul',
    null,
    items.map((x) => h('li', null, x)),
  );

export async function aboutView(root) {
  const version = await appVersion();
  root.append(
    h('h1', null, t('About Homeward')),
    h(
      'p',
      { class: 'lead' },
      t(
        'Homeward explains immigration status, safe return and reintegration for people who have been trafficked and for those who help them. It is information, not legal advice.',
      ),
    ),
    section(
      t('Quick exit'),
      h(
        'p',
        null,
        t(
          'Press the “Quick exit” button at the top of every screen, or press the Escape key three times quickly. Homeward is replaced at once by an ordinary, unrelated page, and this tab’s Back button no longer leads to Homeward.',
        ),
      ),
      h('p', null, t('What quick exit cannot do:')),
      list(
        t('It does not erase your browser history. Homeward pages may still be listed there (in discreet mode only as “Notes”); delete them in the browser’s history settings.'),
        t('It does not close other tabs or windows where Homeward is open, and it does not remove the app from your home screen.'),
        t('The downloaded guide and your ticks stay on this device until you remove them in Settings or clear the site’s data in the browser.'),
        t('Someone who looks at the list of recent tabs or apps may still see Homeward.'),
      ),
      h('p', null, t('On a shared or watched phone, a private (incognito) window keeps less on the device, but then the guide is not kept for offline use.')),
      h(
        'p',
        null,
        t('Because of quick exit, Homeward keeps only one page in the tab’s history: the phone’s Back button leaves Homeward. Use the links and the menu to move around.'),
      ),
    ),
    section(
      t('Your privacy'),
      list(
        t('No account, no tracking, no advertising. Homeward only talks to its own server.'),
        t('On this device it keeps: your language, whether you are a returnee or a worker, the downloaded guide, and the steps you ticked. Nothing else.'),
      ),
    ),
    section(
      t('Sources'),
      h(
        'p',
        null,
        t(
          'Homeward is based on chapter 7 of the UNODC Toolkit to Combat Trafficking in Persons (2008), “Immigration status of victims and their return and reintegration”, and the instruments it relies on. Each guide page lists its own sources.',
        ),
      ),
      list(ext(TOOLKIT_CH7, t('UNODC Toolkit, chapter 7')), ext(TOOLKIT_INDEX, t('UNODC Toolkit to Combat Trafficking in Persons, index'))),
    ),
    section(t('This version'), h('p', { 'data-version': version || '' }, version ? t('App version {version}', { version }) : t('App version not yet installed for offline use.'))),
  );
  return t('About Homeward');
}
