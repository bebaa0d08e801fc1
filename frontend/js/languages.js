// The UI language: first choice, catalog + <html lang dir> for every screen, language names,
// and English kept on the device when a language's bundle falls back to it.

import * as content from './content.js';
import { setCatalog, uiLocale } from './i18n.js';
import { current } from './router.js';
import * as store from './store.js';

export const SOURCE = content.SOURCE;
const dirs = new Map([[SOURCE, 'ltr']]);
const natives = new Map();

export async function localeList() {
  const list = await content.locales();
  for (const l of list.locales) {
    dirs.set(l.code, l.direction);
    natives.set(l.code, l.native_name);
  }
  return list;
}

// In the reader's order: the exact tag, then without its last subtag (fr-CA → fr).
export function negotiate(preferred, codes) {
  const lower = codes.map((c) => c.toLowerCase());
  for (const tag of preferred || []) {
    const parts = String(tag).toLowerCase().split('-');
    for (let n = parts.length; n > 0; n--) {
      const i = lower.indexOf(parts.slice(0, n).join('-'));
      if (i >= 0) return codes[i];
    }
  }
  return null;
}

const firstChoice = (list) => {
  const codes = list.locales.map((l) => l.code);
  return negotiate(navigator.languages, codes) || (codes.includes(list.preferred) && list.preferred) || SOURCE;
};

export function direction(code) {
  if (dirs.has(code)) return dirs.get(code);
  try {
    const loc = new Intl.Locale(code);
    return (loc.getTextInfo ? loc.getTextInfo() : loc.textInfo).direction || 'ltr';
  } catch {
    return 'ltr';
  }
}

// "English" in the reader's language ("anglais", "انگلیسی").
export function languageName(code, inLocale = uiLocale()) {
  try {
    const name = new Intl.DisplayNames([inLocale], { type: 'language', fallback: 'none' }).of(code);
    if (name) return name;
  } catch {
    // no display names for that locale
  }
  return natives.get(code) || code;
}

export const nativeName = (code) => natives.get(code) || languageName(code, code);

function apply(code, catalog, dir) {
  // No UI strings for that language on the device: English, labelled as English.
  const locale = catalog || code === SOURCE ? code : SOURCE;
  const d = locale === code ? catalog?.dir || dir || direction(code) : 'ltr';
  dirs.set(locale, d);
  setCatalog(locale, d, catalog?.messages);
  // Only a change: the same value set again still has the page's style recomputed.
  const root = document.documentElement;
  if (root.lang !== locale) root.lang = locale;
  if (root.dir !== d) root.dir = d;
}

// Before a view renders: a language route uses its stored catalog; first run the (draft)
// choice; screens about a language not on the device the remembered one.
export async function prepare(route, state) {
  const rec = content.activeRecord();
  if (route.locale && rec && rec.locale === route.locale) {
    return apply(route.locale, await content.catalogFor(route.locale), rec.data.direction);
  }
  if (route.name === 'root') {
    const locale = state.draft?.locale || state.prefs.locale || firstChoice(await localeList());
    state.draft = { ...state.draft, locale };
    return apply(locale, await content.catalogFor(locale));
  }
  const stored = await store.get('bundles', state.prefs.locale || SOURCE);
  apply(stored ? stored.locale : SOURCE, stored?.catalog, stored?.data.direction);
}

// "Read in English" (/en/…?from=fr) is a look at the original, not a change of language.
export function peekFrom(route) {
  const from = new URLSearchParams(current().search).get('from');
  return from && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(from) && from !== route.locale ? from : null;
}

export function withFrom(path) {
  const [p, hash] = path.split('#');
  return `${p}?from=${uiLocale()}${hash ? `#${hash}` : ''}`;
}

// Whether a bundle leans on English: a text shown in English (searched with the reader's own
// words through the English glossary) or older than its English original ("Read in English").
export function needsEnglish(data) {
  const leans = (d) => d && (d.stale || (d.fallback && d.locale === SOURCE));
  const docs = [...(data?.items || []), ...(data?.glossary || [])];
  for (const c of data?.checklists || []) docs.push(c, ...(c.items || []));
  return docs.some(leans);
}

// After a render in another language, fetch English too when that language's bundle needs it
// as a fallback (and the reader did not remove it); a complete translation never costs the
// reader the English bundle's megabytes.
let englishChecked = false;
export async function keepEnglish() {
  const rec = content.activeRecord();
  if (englishChecked || !navigator.onLine || !rec || rec.locale === SOURCE || !needsEnglish(rec.data)) return;
  englishChecked = true;
  try {
    if ((await store.getMeta('english')) === 'removed') return;
    if (!(await store.bundleSummaries()).some((s) => s.locale === SOURCE)) await content.download(SOURCE);
  } catch {
    englishChecked = false;
  }
}
