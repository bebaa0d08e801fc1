// The rules a phone checks before it sends a case, as the server serves them
// (GET /api/v1/cases/rules, from the validators in app/services/cases.py): which reference codes
// are refused and why, the accepted country codes, the stages, the longest note. The PWA keeps
// no copy of its own. Pure functions (no DOM, no IndexedDB): unit-tested with node --test.

export const normaliseReference = (code) => (code || '').trim().toUpperCase();

const compiled = new WeakMap();
function checks(rules) {
  if (!compiled.has(rules)) {
    compiled.set(
      rules,
      rules.reference.checks.map((c) => ({ ...c, re: new RegExp(c.pattern) })),
    );
  }
  return compiled.get(rules);
}

// Why a typed code is refused (format | word | digit | date | phone: a key the screen puts into
// words), or null. The first check that refuses it gives the reason, as on the server.
export function referenceProblem(code, rules) {
  if (code.length > rules.reference.max_length) return 'format';
  for (const c of checks(rules)) if (c.re.test(code) === c.refuse_on_match) return c.problem;
  return null;
}

// A generated code (HW-XXXX-XXXX from an alphabet without vowels), as the server makes them.
export function generateReference(rules, random = (n) => crypto.getRandomValues(new Uint8Array(n))) {
  const g = rules.reference.generated;
  for (;;) {
    const group = () => Array.from(random(g.group_length), (b) => g.alphabet[b % g.alphabet.length]).join('');
    const code = [g.prefix, ...Array.from({ length: g.groups }, group)].join('-');
    if (!referenceProblem(code, rules)) return code;
  }
}
