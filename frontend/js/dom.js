// Tiny DOM builder: text always goes in as text nodes (never innerHTML); no inline styles (CSP).
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, v);
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// Appends children to an element (null, undefined and false skipped, arrays flattened); returns it.
export function add(el, ...children) {
  append(el, children);
  return el;
}

export function replaceChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// Whether the person changed a form control from what the screen put there (a text field
// filled by script keeps that text in data-initial).
export function edited(el) {
  if (el.type === 'checkbox' || el.type === 'radio') return el.checked !== el.defaultChecked;
  if (el.tagName === 'SELECT') {
    const options = [...el.options];
    if (el.multiple) return options.some((o) => o.selected !== o.defaultSelected);
    return (
      el.selectedIndex !==
      Math.max(
        0,
        options.findIndex((o) => o.defaultSelected),
      )
    );
  }
  if (['button', 'submit', 'reset', 'hidden'].includes(el.type)) return false;
  return el.value !== (el.dataset.initial ?? el.defaultValue);
}

let uid = 0;
export const nextId = (prefix) => `${prefix}-${++uid}`;

// Ends the current task: work split this way lets a slow phone paint and answer a tap between
// the parts (scheduler.yield resumes ahead of other tasks where the browser has it).
export const nextTask = () => (globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise((resolve) => setTimeout(resolve)));
