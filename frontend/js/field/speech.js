// Read aloud with the device's own speech synthesis (Web Speech API), in the page's language.
// The control exists only where the device has a voice for that language; voices can arrive
// late (voiceschanged), so it may appear after the page. Nothing leaves the device through
// Homeward (some systems' voices are online services; that is the device's choice).
import { h } from '../dom.js';
import { t } from '../i18n.js';

export function voiceFor(lang) {
  const synth = window.speechSynthesis;
  if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return null;
  const voices = synth.getVoices() || [];
  const want = lang.toLowerCase();
  const base = want.split('-')[0];
  const norm = (v) =>
    String(v.lang || '')
      .toLowerCase()
      .replace('_', '-');
  return voices.find((v) => norm(v) === want) || voices.find((v) => norm(v).split('-')[0] === base) || null;
}

export function mountReadAloud(row, textNode, lang) {
  const play = h('button', { type: 'button', class: 'secondary', 'data-read-aloud': '', hidden: true }, t('Read aloud'));
  const stop = h('button', { type: 'button', class: 'secondary', 'data-read-stop': '', hidden: true }, t('Stop reading'));
  row.append(play, stop);
  const synth = window.speechSynthesis;
  let state = 'idle';
  const label = () => {
    play.textContent = state === 'speaking' ? t('Pause') : state === 'paused' ? t('Resume') : t('Read aloud');
    play.setAttribute('aria-pressed', String(state === 'speaking'));
    stop.hidden = state === 'idle' || play.hidden;
  };
  const check = () => {
    play.hidden = !voiceFor(lang);
    if (play.hidden && state !== 'idle') synth.cancel();
    label();
  };
  play.addEventListener('click', () => {
    if (state === 'speaking') {
      synth.pause();
      state = 'paused';
    } else if (state === 'paused') {
      synth.resume();
      state = 'speaking';
    } else {
      const u = new SpeechSynthesisUtterance(textNode.textContent);
      u.lang = lang;
      try {
        u.voice = voiceFor(lang);
      } catch {
        // not a real voice object: the language alone chooses
      }
      u.onend = u.onerror = () => {
        state = 'idle';
        label();
      };
      synth.cancel();
      synth.speak(u);
      state = 'speaking';
    }
    label();
  });
  stop.addEventListener('click', () => {
    synth.cancel();
    state = 'idle';
    label();
    play.focus();
  });
  if (synth?.addEventListener) synth.addEventListener('voiceschanged', check);
  // Leaving the page stops the voice.
  const stopOnLeave = () => {
    if (!row.isConnected && state !== 'idle') synth.cancel();
  };
  window.addEventListener('click', () => setTimeout(stopOnLeave), { capture: true });
  check();
}
