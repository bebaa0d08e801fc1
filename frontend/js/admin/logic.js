// Pure logic of the admin screens (no DOM, no fetch), unit-tested with node --test
// (frontend/tests/admin.test.js): sub-path routing, the content list's filters, word diffs.

// The view for a sub-path ("content/item/tool-7-1/fr") in a table of patterns
// ("content/:kind/:key/:locale"): {pattern, params}, or null.
export function matchRoute(patterns, sub) {
  const parts = sub.split('/').filter(Boolean);
  for (const pattern of patterns) {
    const want = pattern.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const params = {};
    const fits = want.every((w, i) => {
      if (!w.startsWith(':')) return w === parts[i];
      params[w.slice(1)] = parts[i];
      return true;
    });
    if (fits) return { pattern, params };
  }
  return null;
}

export const STATUSES = ['missing', 'draft', 'machine', 'reviewed', 'stale'];
export const KINDS = ['item', 'checklist', 'term'];
const LOCALE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

// The content list's filters from the address (?locale=fr&status=stale&kind=item), unknown
// values dropped; `fallbackLocale` when none is given.
export function readFilters(search, fallbackLocale = 'en') {
  const q = new URLSearchParams(search);
  const locale = LOCALE.test(q.get('locale') || '') ? q.get('locale') : fallbackLocale;
  const status = STATUSES.includes(q.get('status')) ? q.get('status') : '';
  const kind = KINDS.includes(q.get('kind')) ? q.get('kind') : '';
  return { locale, status, kind };
}

// The query string for filters (empty ones left out), and the API's query for them.
export function filterQuery({ locale, status, kind }) {
  const q = new URLSearchParams();
  if (locale) q.set('locale', locale);
  if (status) q.set('status', status);
  if (kind) q.set('kind', kind);
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Words and the spaces between them, so that a diff of tokens joins back into the text.
export const tokens = (text) => String(text).match(/\s+|[^\s]+/g) || [];

// What changed between two texts, word by word: [{op: 'eq' | 'del' | 'ins', text}], adjacent
// parts of the same kind merged. A longest common subsequence of tokens; beyond `limit` cells
// (very long paragraphs) the whole text is one deletion and one insertion.
export function wordDiff(a, b, limit = 2_000_000) {
  const x = tokens(a);
  const y = tokens(b);
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let endX = x.length;
  let endY = y.length;
  while (endX > start && endY > start && x[endX - 1] === y[endY - 1]) {
    endX--;
    endY--;
  }
  const out = [];
  const push = (op, text) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += text;
    else out.push({ op, text });
  };
  push('eq', x.slice(0, start).join(''));
  const mx = x.slice(start, endX);
  const my = y.slice(start, endY);
  if (mx.length * my.length > limit) {
    push('del', mx.join(''));
    push('ins', my.join(''));
  } else {
    // lcs[i][j]: length of the longest common subsequence of mx[i..] and my[j..]
    const lcs = Array.from({ length: mx.length + 1 }, () => new Uint32Array(my.length + 1));
    for (let i = mx.length - 1; i >= 0; i--) {
      for (let j = my.length - 1; j >= 0; j--) lcs[i][j] = mx[i] === my[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
    let i = 0;
    let j = 0;
    while (i < mx.length && j < my.length) {
      if (mx[i] === my[j]) {
        push('eq', mx[i]);
        i++;
        j++;
      } else if (lcs[i + 1][j] >= lcs[i][j + 1]) push('del', mx[i++]);
      else push('ins', my[j++]);
    }
    push('del', mx.slice(i).join(''));
    push('ins', my.slice(j).join(''));
  }
  push('eq', x.slice(endX).join(''));
  return out;
}

// The server's paragraph-level change ({op, old: [..], new: [..]}) as pairs to show: a replaced
// paragraph beside its new version (diffed word by word), extra ones deleted or inserted whole.
export function pairParagraphs(change) {
  const old = change.old || [];
  const neu = change.new || [];
  const pairs = [];
  for (let i = 0; i < Math.max(old.length, neu.length); i++) {
    if (i < old.length && i < neu.length) pairs.push({ op: 'replace', parts: wordDiff(old[i], neu[i]) });
    else if (i < old.length) pairs.push({ op: 'delete', parts: [{ op: 'del', text: old[i] }] });
    else pairs.push({ op: 'insert', parts: [{ op: 'ins', text: neu[i] }] });
  }
  return pairs;
}

// The field errors of a 422 problem ({errors: [{loc: ['fields', 'title', …], msg, type}]}) by
// top-level field name.
export function fieldErrors(problem) {
  const byField = {};
  for (const e of problem?.errors || []) {
    const loc = Array.isArray(e.loc) ? e.loc : [];
    const name = loc[0] === 'fields' ? loc[1] : loc[loc.length - 1];
    if (name === undefined) continue;
    byField[name] = [...(byField[name] || []), e];
  }
  return byField;
}
