// Offline search over the downloaded bundle. Matching is case- and diacritic-insensitive:
// lower-case with the bundle's locale, decompose (NFKD), drop combining marks (\p{M}) and the
// Arabic tatweel. Works the same for Latin, Cyrillic (й→и, ё→е) and Arabic (harakat, hamza forms).
// Text is folded one character at a time so every match maps back to the original text for the
// highlighted snippet.

const MARKS = /[\p{M}\u0640]/gu;

export function fold(text, locale) {
  return foldMapped(text, locale).text;
}

function foldChar(ch, locale) {
  const c = ch.charCodeAt(0);
  if (c < 128) return c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : ch;
  let f = ch.toLocaleLowerCase(locale).normalize('NFKD').replace(MARKS, '');
  if (f === 'ς') f = 'σ';
  return f;
}

// Returns the folded text and, for each of its UTF-16 units, the index in the original string.
export function foldMapped(text, locale) {
  let out = '';
  const map = [];
  let i = 0;
  for (const ch of text) {
    const f = foldChar(ch, locale);
    for (let k = 0; k < f.length; k++) map.push(i);
    out += f;
    i += ch.length;
  }
  map.push(i);
  return { text: out, map };
}

export function htmlToText(html) {
  const spaced = html.replace(/<\/(p|li|h\d|td|th|dt|dd|tr|blockquote|div)>|<br\s*\/?>/gi, '$& ');
  const doc = new DOMParser().parseFromString(spaced, 'text/html');
  return (doc.body.textContent || '').replace(/\s+/g, ' ').trim();
}

function field(text, locale) {
  const f = foldMapped(text || '', locale);
  return { raw: text || '', folded: f.text, map: f.map };
}

// docs: [{id, kind, title, summary, body, order, ref}] -> index
export function buildIndex(docs, locale) {
  return {
    locale,
    docs: docs.map((d) => ({ ...d, f: { title: field(d.title, locale), summary: field(d.summary, locale), body: field(d.body, locale) } })),
  };
}

export function terms(query, locale) {
  return fold(query, locale)
    .split(/[\s\p{P}]+/u)
    .filter(Boolean);
}

function snippet(f, term, before = 60, after = 120) {
  const at = f.folded.indexOf(term);
  if (at < 0) return null;
  const start = f.map[at];
  const end = f.map[at + term.length];
  let from = Math.max(0, start - before);
  let to = Math.min(f.raw.length, end + after);
  if (from > 0) from = f.raw.indexOf(' ', from) + 1 || from;
  if (to < f.raw.length) to = f.raw.lastIndexOf(' ', to) > end ? f.raw.lastIndexOf(' ', to) : to;
  return [
    { text: (from > 0 ? '… ' : '') + f.raw.slice(from, start) },
    { text: f.raw.slice(start, end), mark: true },
    { text: f.raw.slice(end, to) + (to < f.raw.length ? ' …' : '') },
  ];
}

function match(d, ts) {
  let score = 0;
  for (const term of ts) {
    const s = (d.f.title.folded.includes(term) ? 10 : 0) + (d.f.summary.folded.includes(term) ? 3 : 0) + (d.f.body.folded.includes(term) ? 1 : 0);
    if (!s) return 0;
    score += s;
  }
  return score;
}

const snippetFor = (d, ts) => snippet(d.f.body, ts[0]) || snippet(d.f.summary, ts[0]) || [{ text: d.summary || '' }];

// `alternates`: other queries (the English words for what was typed, see glossaryBridge) tried
// only on documents shown in another language than the index's (fallbacks), ranked after them.
export function search(index, query, limit = 50, alternates = []) {
  const ts = terms(query, index.locale);
  if (!ts.length) return [];
  const hits = [];
  for (const d of index.docs) {
    const score = match(d, ts);
    if (score) hits.push({ doc: d, score, snippet: snippetFor(d, ts) });
  }
  const found = new Set(hits.map((x) => x.doc));
  for (const alt of alternates) {
    const as = terms(alt, index.locale);
    if (!as.length) continue;
    for (const d of index.docs) {
      if (found.has(d) || !d.lang || d.lang === index.locale) continue;
      const score = match(d, as);
      if (!score) continue;
      found.add(d);
      hits.push({ doc: d, score: score / 100, snippet: snippetFor(d, as) });
    }
  }
  hits.sort((a, b) => b.score - a.score || a.doc.order - b.doc.order);
  return hits.slice(0, limit);
}

// A term's written forms: the term, each half of "A / B", and its listed variants.
export function termNames(g) {
  const names = [g.term, ...(g.term || '').split(/\s*\/\s*/), ...(g.variants || [])];
  return [...new Set(names.map((x) => (x || '').trim()).filter((x) => x.length > 1))];
}

// The English words for a query typed in the reader's language, through the glossary: a
// Ukrainian reader who types "притулок" also finds the items still shown in English that say
// "asylum". `terms`: the reader's glossary; `english`: Map key -> English glossary entry.
export function glossaryBridge(query, terms, english, locale) {
  const q = fold(query.trim(), locale);
  if (q.length < 3 || !english || !english.size) return [];
  const out = new Set();
  for (const g of terms) {
    const en = english.get(g.key);
    if (!en || g.locale === 'en') continue;
    const hit = termNames(g).some((n) => {
      const f = fold(n, locale);
      return f.includes(q) || (f.length >= 4 && q.includes(f));
    });
    if (hit) for (const n of termNames(en)) out.add(n);
  }
  return [...out];
}
