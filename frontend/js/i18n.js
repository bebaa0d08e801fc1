// One entry point for every user-visible string: t(msgid, params) and nt(singular, plural, n, params).
// Calls must use literal strings so that `pybabel extract` (javascript method, keywords t and
// nt:1,2) can find them. English is the identity; languages.js applies the catalog of the UI
// language (from /api/v1/i18n/{locale}, kept in its bundle record) with setCatalog:
// {msgid: str | {one, few, many, other, ...}}, plural forms chosen with Intl.PluralRules.

let current = { locale: 'en', dir: 'ltr', messages: {} };
let rules = new Intl.PluralRules('en');

export function setCatalog(locale, dir, messages) {
  current = { locale, dir: dir || 'ltr', messages: messages || {} };
  try {
    rules = new Intl.PluralRules(locale);
  } catch {
    rules = new Intl.PluralRules('en');
  }
}

export const uiLocale = () => current.locale;

function fill(text, params) {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
}

export function t(msgid, params) {
  const m = current.messages[msgid];
  return fill(typeof m === 'string' && m ? m : msgid, params);
}

export function nt(singular, plural, n, params) {
  const all = { n: formatNumber(n), ...params };
  const m = current.messages[singular];
  if (m && typeof m === 'object') {
    const form = m[rules.select(n)] || m.other;
    if (form) return fill(form, all);
  }
  return fill(n === 1 ? singular : plural, all);
}

// A page's first number format loads ICU's number data: 20-40 ms on this machine, several times
// that on a cheap phone. boot() has it done while the app waits for the network, so no screen
// pays it while it is drawn (a checklist's progress line).
export function warmUp(locale) {
  try {
    new Intl.NumberFormat(locale).format(0);
  } catch {
    // formatNumber falls back to String()
  }
}

export function formatNumber(n, opts) {
  try {
    return new Intl.NumberFormat(current.locale, opts).format(n);
  } catch {
    return String(n);
  }
}

export function formatBytes(bytes) {
  const kb = bytes / 1024;
  if (kb < 1024) return t('{size} KB', { size: formatNumber(Math.max(1, Math.round(kb))) });
  return t('{size} MB', { size: formatNumber(kb / 1024, { maximumFractionDigits: 1 }) });
}

export function formatDate(iso, dateStyle = 'medium') {
  try {
    return new Intl.DateTimeFormat(current.locale, { dateStyle }).format(new Date(iso));
  } catch {
    return iso;
  }
}

// A list in the UI language's own words and punctuation ("A, B and C", «A وB وC»), keeping each
// element a node (a link stays a link): Intl.ListFormat's parts with the elements put back.
export function formatList(nodes, type = 'conjunction') {
  let parts;
  try {
    parts = new Intl.ListFormat(current.locale, { type }).formatToParts(nodes.map((_, i) => String(i)));
  } catch {
    parts = nodes.flatMap((_, i) => [...(i ? [{ type: 'literal', value: ', ' }] : []), { type: 'element', value: String(i) }]);
  }
  return parts.map((p) => (p.type === 'element' ? nodes[Number(p.value)] : p.value));
}
