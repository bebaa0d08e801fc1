// Discreet mode (a returnee's choice on the first screen, switchable in Settings; stored on the
// device): the tab title is always the neutral NAME, the address never changes while moving in
// the app (router.js keeps the route in memory), and the page offers the neutral web manifest
// and icon, so an app installed from it is called "Notes" with a plain icon. The browser's
// history then holds one neutral title and one address, whatever was read or searched.
//
// The choice is mirrored in localStorage so it applies before anything else on the next start
// (the preferences themselves are in IndexedDB, which answers only asynchronously).
import * as router from './router.js';

export const NAME = 'Notes'; // same as manifest-discreet.webmanifest; not translated, like it
const FLAG = 'hw-discreet';
const LINKS = {
  normal: { manifest: '/manifest.webmanifest', icon: '/static/icons/icon-192.png', theme: '#0b4f5c' },
  discreet: { manifest: '/static/manifest-discreet.webmanifest', icon: '/static/icons/notes-192.png', theme: '#5f6368' },
};

export function stored() {
  try {
    return localStorage.getItem(FLAG) === '1';
  } catch {
    return false;
  }
}

function setHead(which) {
  const v = LINKS[which];
  const set = (sel, attr, value) => {
    const el = document.head.querySelector(sel);
    if (el && el.getAttribute(attr) !== value) el.setAttribute(attr, value);
  };
  set('link[rel="manifest"]', 'href', v.manifest);
  set('link[rel="icon"]', 'href', v.icon);
  set('link[rel="apple-touch-icon"]', 'href', v.icon);
  set('meta[name="theme-color"]', 'content', v.theme);
}

export function apply(on) {
  try {
    if (on) localStorage.setItem(FLAG, '1');
    else localStorage.removeItem(FLAG);
  } catch {
    // no localStorage: the preference in IndexedDB still applies after it loads
  }
  router.setDiscreet(on);
  setHead(on ? 'discreet' : 'normal');
  if (on) document.title = NAME;
}

export const active = () => router.discreet();
