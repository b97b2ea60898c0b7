// Building DOM nodes from data. Text always goes in through textContent, never as markup, so
// whatever a customer, agent or note says is shown as typed and can never become HTML.

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = String(value);
    else if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`page has no #${id}`);
  return node;
}

export function show(node, visible) {
  node.hidden = !visible;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

const preciseFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

export function when(iso) {
  return iso ? timeFormat.format(new Date(iso)) : "";
}

// To the second: audit entries of one minute must stay apart.
export function whenPrecisely(iso) {
  return iso ? preciseFormat.format(new Date(iso)) : "";
}

// The calendar day of an instant in a time zone (a board's day starts at its local midnight).
export function dayIn(iso, timeZone) {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone }).format(new Date(iso));
}

function span(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, "0")} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
}

// "in 1 h 05 min" / "3 min 10 s overdue": the time left until (or past) a deadline.
export function countdown(iso, now = Date.now()) {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  return seconds >= 0 ? `in ${span(seconds)}` : `${span(-seconds)} overdue`;
}

// "2 min 5 s": how long ago an instant was.
export function elapsed(iso, now = Date.now()) {
  return span(Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000)));
}
