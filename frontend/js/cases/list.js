// The worker's cases on this device, the sync panel and sign-out.
import { add, h } from '../dom.js';
import { nt, t } from '../i18n.js';
import { navigate, paths } from '../router.js';
import * as core from './core.js';
import { confirmDialog, live, messages, progress, signedOut, syncPanel } from './parts.js';
import { countryName, stageLabel } from './words.js';

export async function casesView(root, ctx) {
  const l = ctx.route.locale;
  const user = await core.getUser();
  if (!user) return signedOut(root, l);
  const panel = syncPanel(ctx.stale);
  const list = live((frag, d) => {
    const waiting = new Set(d.outbox.map((m) => m.case_id));
    const cases = d.cases.filter((c) => !c.deleted).sort((a, b) => a.reference.localeCompare(b.reference));
    const card = (c) =>
      h(
        'li',
        { class: 'card', 'data-case': c.id },
        h('h2', null, h('a', { href: paths.case(l, c.id), class: 'stretch' }, c.reference)),
        h('p', null, `${countryName(c.country)} · ${stageLabel(c.stage)}`),
        h('p', { class: 'progress' }, progress(c.checklists)),
        c.checklists.some((cl) => cl.guidance_updated && !cl.deleted) && h('p', { class: 'badge warn' }, t('Guidance updated — review')),
        waiting.has(c.id) && h('p', { class: 'badge', 'data-case-pending': '' }, t('Changes not sent yet')),
      );
    add(
      frag,
      messages(d),
      cases.length
        ? h('ul', { class: 'cards', 'data-list': 'cases' }, cases.map(card))
        : h('p', null, t('No cases on this device yet. Cases you create, or that a colleague adds you to, appear here.')),
    );
  }, ctx.stale);
  await Promise.all([panel.first(), list.first()]);
  const signOut = h('button', { type: 'button', class: 'secondary' }, t('Sign out'));
  signOut.addEventListener('click', async () => {
    const n = (await core.outbox()).length;
    const text = nt(
      '{n} change has not been sent to the server yet. If you sign out now, it is deleted from this device and lost.',
      '{n} changes have not been sent to the server yet. If you sign out now, they are deleted from this device and lost.',
      n,
    );
    const confirm = nt('Sign out and delete it', 'Sign out and delete them', n);
    if (n && !(await confirmDialog(t('Sign out?'), text, confirm, t('Stay signed in')))) return;
    await core.signOut();
    navigate(paths.signin(l));
  });
  add(
    root,
    h('h1', null, t('Your cases')),
    panel.box,
    h('p', null, h('a', { href: paths.newCase(l), class: 'button primary' }, t('New case'))),
    list.box,
    h(
      'section',
      null,
      h('h2', null, t('Account')),
      h('p', null, t('Signed in as {email}.', { email: user.email })),
      h('p', { class: 'hint' }, t('Signing out deletes all case data from this device. The guide stays.')),
      signOut,
    ),
  );
  return t('Your cases');
}
