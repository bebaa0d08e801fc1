// A new case: country, optional reference code (checked like the server does), stage, checklists.
// A case never holds a name, phone number, address or date of birth.
import * as content from '../content.js';
import { add, h, nextId } from '../dom.js';
import { t } from '../i18n.js';
import { navigate, paths } from '../router.js';
import { upLink } from '../views/parts.js';
import * as core from './core.js';
import { addable, countrySelect, labelled, signedOut, stageSelect } from './parts.js';
import { generateReference, normaliseReference, referenceProblem } from './rules.js';

export async function newCaseView(root, ctx) {
  const l = ctx.route.locale;
  if (!(await core.getUser())) return signedOut(root, l);
  let rules = await core.rules();
  if (!rules) {
    await core.refreshRules();
    rules = await core.rules();
  }
  if (!rules) {
    add(
      root,
      upLink(paths.cases(l), t('Your cases')),
      h('h1', null, t('New case')),
      h('p', { class: 'notice' }, t('Connect to the internet once, so that this phone can download the rules for new cases.')),
    );
    return t('New case');
  }
  const country = countrySelect(nextId('country'), null, rules);
  const hint = nextId('hint');
  const error = h('p', { id: nextId('err'), class: 'error', 'data-reference-error': '' });
  const reference = h('input', {
    id: nextId('ref'),
    type: 'text',
    name: 'reference',
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    'aria-describedby': `${hint} ${error.id}`,
  });
  const stage = stageSelect(nextId('stage'), 'preparing', rules);
  // Children's and asylum-screening checklists are added by choice; the others start ticked.
  const boxes = addable(new Set()).map((c) => h('input', { type: 'checkbox', name: 'checklist', value: c.slug, checked: !['children', 'asylum-screening'].includes(c.slug) }));
  const status = h('p', { class: 'status', role: 'alert' });
  const check = () => {
    const code = normaliseReference(reference.value);
    const problem = code && referenceProblem(code, rules);
    error.textContent = problem
      ? {
          format: t('Use 3 to 32 capital letters and digits in groups joined by hyphens.'),
          word: t('A reference must not contain a word or a name (4 or more letters in a row).'),
          digit: t('A reference needs at least one digit.'),
          phone: t('A reference must not look like a phone number (7 or more digits).'),
          date: t('A reference must not look like a date of birth.'),
        }[problem]
      : '';
    reference.setAttribute('aria-invalid', String(!!problem));
    return { code, problem };
  };
  // Shown on submit; gone as soon as the code is acceptable (never on blur: no jump under a finger).
  reference.addEventListener('input', () => error.textContent && check());
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    labelled(t('Country of return'), country),
    labelled(t('Reference code (optional)'), reference),
    h(
      'p',
      { id: hint, class: 'hint' },
      t(
        'Leave it empty to get a code like HW-7K2M-9QXB. If you type one, use capital letters and digits in groups joined by hyphens, with at least one digit. Never a name, a phone number or a date of birth.',
      ),
    ),
    error,
    labelled(t('Stage'), stage),
    h(
      'fieldset',
      null,
      h('legend', null, t('Checklists')),
      boxes.map((b) => h('label', { class: 'choice' }, b, h('span', null, content.checklist(b.value).title))),
    ),
    status,
    h('button', { type: 'submit', class: 'primary' }, t('Create case')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const { code, problem } = check();
    if (!country.value) {
      status.textContent = t('Choose the country of return.');
      return country.focus();
    }
    status.textContent = '';
    if (problem) return reference.focus();
    form.querySelector('[type=submit]').disabled = true;
    const id = core.uuid();
    const checklists = boxes.filter((b) => b.checked).map((b) => ({ id: core.uuid(), template_slug: b.value }));
    await core.change('create_case', id, { reference: code || generateReference(rules), country: country.value, stage: stage.value, checklists });
    navigate(paths.case(l, id));
  });
  add(
    root,
    upLink(paths.cases(l), t('Your cases')),
    h('h1', null, t('New case')),
    h(
      'div',
      { class: 'notice' },
      h('p', null, t('A case never holds a name, phone number, address or date of birth. Use the reference code to match it with your organisation’s protected records.')),
    ),
    form,
  );
  return t('New case');
}
