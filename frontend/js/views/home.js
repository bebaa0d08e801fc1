// Home: returnees see the plain-language pages first; workers the overview and the ten tools.

import * as content from '../content.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { paths } from '../router.js';
import { card, itemCard, section } from './parts.js';

export function home(root, ctx) {
  const l = ctx.route.locale;
  const audience = ctx.state.prefs.audience;
  const all = content.items();
  const pages = all.filter((i) => i.kind === 'page');
  const guide = all.filter((i) => i.kind === 'overview' || i.kind === 'tool');
  const pagesList = h(
    'ul',
    { class: 'cards', 'data-list': 'pages' },
    pages.map((i) => itemCard(l, i)),
  );
  const guideList = h(
    'ul',
    { class: 'cards', 'data-list': 'tools' },
    guide.map((i) => itemCard(l, i)),
  );
  const more = h(
    'ul',
    { class: 'cards' },
    card(paths.checklists(l), t('Checklists'), t('Step-by-step lists. Tick your own steps; the ticks stay on this device.')),
    card(paths.glossary(l), t('Glossary'), t('What the words in this guide mean.')),
    card(paths.mySteps(l), t('My return steps'), t('Pick the steps that apply to you and make a one-page sheet to print or share.')),
    card(paths.contacts(l), t('Help in your country'), t('Organisations that help people who return, by country.')),
    card(paths.protocol(l), t('The Protocol and the tools'), t('Each article of the Trafficking in Persons Protocol in plain words, and the pages that rest on it.')),
    card(paths.print(l), t('Print the whole chapter'), t('The overview and the ten tools, ready to print.')),
    card(paths.about(l), t('About Homeward'), t('Sources, privacy and how quick exit works.')),
  );
  if (audience === 'worker') {
    root.append(
      h('h1', null, t('Homeward')),
      h('p', { class: 'lead' }, t('Guidance on immigration status, safe return and reintegration of victims of trafficking.')),
      section(
        t('Your cases'),
        h(
          'ul',
          { class: 'cards' },
          card(paths.cases(l), t('Return cases'), t('Checklists and notes for the people you follow, on this phone, also offline. Needs a worker account.')),
        ),
      ),
      section(t('The ten tools'), guideList),
      section(t('Plain-language pages for returnees'), pagesList),
      section(t('More'), more),
    );
  } else {
    root.append(
      h('h1', null, t('Homeward')),
      h('p', { class: 'lead' }, t('What happens next, your rights, and how to go home safely.')),
      section(t('For you'), pagesList),
      section(t('More'), more),
      section(t('Guidance for professionals'), guideList),
    );
  }
  return t('Homeward');
}
