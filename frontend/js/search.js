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

export function search(index, query, limit = 50) {
  const ts = terms(query, index.locale);
  if (!ts.length) return [];
  const hits = [];
  for (const d of index.docs) {
    let score = 0;
    let ok = true;
    for (const term of ts) {
      const s = (d.f.title.folded.includes(term) ? 10 : 0) + (d.f.summary.folded.includes(term) ? 3 : 0) + (d.f.body.folded.includes(term) ? 1 : 0);
      if (!s) {
        ok = false;
        break;
      }
      score += s;
    }
    if (!ok) continue;
    const snip = snippet(d.f.body, ts[0]) || snippet(d.f.summary, ts[0]) || [{ text: d.summary || '' }];
    hits.push({ doc: d, score, snippet: snip });
  }
  hits.sort((a, b) => b.score - a.score || a.doc.order - b.doc.order);
  return hits.slice(0, limit);
}
