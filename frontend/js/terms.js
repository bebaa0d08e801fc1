// Where a glossary term occurs in a text, per language (no DOM here: unit-tested with Node).
//
// A term is found in each of its written forms: the term itself, each half of a term written
// with a slash ("Victim / survivor" → "victim", "survivor"), and the `variants` the glossary
// lists (inflected forms such as uk "притулку" for "Притулок", plurals). Matching ignores case
// (in the text's language) but not accents: in Vietnamese "bán" and "ban" are different words.
// A match must be a whole word: in languages written with spaces, no letter, digit or mark may
// touch it; in languages written without spaces between words (Thai, Lao, Khmer, Burmese,
// Chinese, Japanese) both ends must fall on word boundaries found by Intl.Segmenter.

const UNSPACED = new Set(['th', 'lo', 'km', 'my', 'zh', 'ja', 'bo']);
const WORDCHAR = /[\p{L}\p{N}\p{M}]/u;

export const isUnspaced = (locale) =>
  UNSPACED.has(
    String(locale || '')
      .toLowerCase()
      .split('-')[0],
  );

// Every written form of a glossary entry, longest first, without duplicates (ignoring case).
export function termForms(g, locale) {
  const term = g?.term || '';
  const raw = [term, ...(term.includes('/') ? term.split('/') : []), ...(g?.variants || [])];
  const seen = new Set();
  const out = [];
  for (const f of raw.map((x) => String(x || '').trim()).filter((x) => x.length > 1)) {
    const k = lower(f, locale).text;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(f);
  }
  return out.sort((a, b) => b.length - a.length);
}

// Remembered for the texts seen last: linking an article asks for each text once per term.
const memo = (fn) => {
  const seen = new Map();
  return (text, locale) => {
    const key = `${locale}\u0000${text}`;
    if (!seen.has(key)) {
      if (seen.size > 2000) seen.clear();
      seen.set(key, fn(text, locale));
    }
    return seen.get(key);
  };
};

// Lower-cased text with, for each of its UTF-16 units, the offset in the original (null: the
// same; one call for the whole text is far cheaper on a slow phone than one per character).
const lower = memo((text, locale) => {
  let whole;
  try {
    whole = text.toLocaleLowerCase(locale || undefined);
  } catch {
    whole = text.toLowerCase();
  }
  if (whole.length === text.length) return { text: whole, map: null };
  let out = '';
  const map = [];
  let i = 0;
  for (const ch of text) {
    let l;
    try {
      l = ch.toLocaleLowerCase(locale || undefined);
    } catch {
      l = ch.toLowerCase();
    }
    for (let k = 0; k < l.length; k++) map.push(i);
    out += l;
    i += ch.length;
  }
  map.push(i);
  return { text: out, map };
});

const boundaries = memo((text, locale) => {
  const set = new Set([0, text.length]);
  try {
    for (const s of new Intl.Segmenter(locale, { granularity: 'word' }).segment(text)) {
      set.add(s.index);
      set.add(s.index + s.segment.length);
    }
  } catch {
    // no segmenter: every position is a boundary (a plain substring match)
    return null;
  }
  return set;
});

function charBefore(text, at) {
  if (at <= 0) return '';
  const c = text.charCodeAt(at - 1);
  return c >= 0xdc00 && c <= 0xdfff && at >= 2 ? text.slice(at - 2, at) : text[at - 1];
}
const charAt = (text, at) => (at < text.length ? String.fromCodePoint(text.codePointAt(at)) : '');

// A text made ready for looking up many terms in it: lower-cased once in its language, and its
// word boundaries (languages written without spaces) found on first need. Linking an article
// looks up every term in every text, so none of this may be redone per term.
export function prepareText(text, locale) {
  return { text, locale, hay: lower(text, locale), unspaced: isUnspaced(locale), bounds: undefined };
}

// A term's forms lowered once in a text language, for findIn.
export const needlesFor = (forms, locale) => forms.map((form) => ({ form, needle: lower(form, locale).text })).filter((n) => n.needle);

// The first whole-word occurrence of any of a term's forms (needlesFor, in the text's language)
// in a prepared text: {index, length, form} in the original text's offsets, or null. Among
// matches at the same place the longest wins.
export function findIn(prepared, needles) {
  const { text, locale, hay, unspaced } = prepared;
  if (!text || !needles.length) return null;
  if (unspaced && prepared.bounds === undefined) prepared.bounds = boundaries(text, locale);
  const bounds = prepared.bounds;
  let best = null;
  for (const { form, needle } of needles) {
    for (let at = hay.text.indexOf(needle); at >= 0; at = hay.text.indexOf(needle, at + 1)) {
      const start = hay.map ? hay.map[at] : at;
      const end = hay.map ? hay.map[at + needle.length] : at + needle.length;
      if (best && (start > best.index || (start === best.index && end - start <= best.length))) break;
      const ok = unspaced ? !bounds || (bounds.has(start) && bounds.has(end)) : !WORDCHAR.test(charBefore(text, start)) && !WORDCHAR.test(charAt(text, end));
      if (ok) {
        best = { index: start, length: end - start, form };
        break;
      }
    }
  }
  return best;
}

// The same for a single text.
export const findTerm = (text, forms, locale) => (text ? findIn(prepareText(text, locale), needlesFor(forms, locale)) : null);
