import { h } from '../dom.js';
import { t } from '../i18n.js';
import { paths } from '../router.js';
import { upLink } from './parts.js';

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
