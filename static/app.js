// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");

// Copy-link buttons: <button class="copy" data-copy="#input-id">. Delegated, so swapped-in ones work too.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const input = document.querySelector(button.dataset.copy);
  if (!input) return;
  try {
    await navigator.clipboard.writeText(input.value);
    button.textContent = "Copied";
  } catch {
    input.select();
    button.textContent = "Press Ctrl+C to copy";
  }
  setTimeout(() => { button.textContent = "Copy link"; }, 2500);
});

// CSRF: HTMX requests carry the page's token (from <meta name="csrf-token">) in a header;
// plain form posts carry it in a hidden field.
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) event.detail.headers["X-CSRF-Token"] = meta.content;
});

// A refused HTMX request (413 for a body over the size limit, 429, a server error) swaps nothing,
// so say why, at the top of the form or element that sent it; the next request clears it.
const errorHost = (elt) => elt.closest("form") || elt;

function showRequestError(elt, xhr) {
  let message = "The request did not reach the server, or its answer was lost: check the connection and try again.";
  if (xhr) {
    message = `The server refused the request (HTTP ${xhr.status}).`;
    try {
      const body = JSON.parse(xhr.responseText);
      if (body && typeof body.detail === "string") message = body.detail;
    } catch { /* not JSON: keep the status line */ }
  }
  const host = errorHost(elt);
  let box = host.querySelector(":scope > .request-error");
  if (!box) {
    box = document.createElement("p");
    box.className = "error request-error";
    box.setAttribute("role", "alert");
    host.prepend(box);
  }
  box.textContent = message;
}
document.addEventListener("htmx:responseError", (event) => showRequestError(event.detail.elt, event.detail.xhr));
document.addEventListener("htmx:sendError", (event) => showRequestError(event.detail.elt, null));
document.addEventListener("htmx:beforeRequest", (event) => {
  errorHost(event.detail.elt).querySelector(":scope > .request-error")?.remove();
});

// Highlights: one tab stop per passage, the arrow keys (and Home, End) move among its marks. Without this
// file every mark is a tab stop of its own. The stop is the mark last focused, the first one to begin with.
const MARK = "mark.hl[tabindex]";
const STEP = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
const marksOf = (mark) => [...mark.closest("blockquote.passage").querySelectorAll(MARK)];

function roveIn(root) {
  const passages = [...root.querySelectorAll("blockquote.passage")];
  if (root.matches?.("blockquote.passage")) passages.push(root);
  for (const passage of passages) {
    passage.querySelectorAll(MARK).forEach((mark, k) => { mark.tabIndex = k === 0 ? 0 : -1; });
  }
}
roveIn(document);
document.addEventListener("htmx:load", (event) => roveIn(event.detail.elt));
document.addEventListener("focusin", (event) => {
  const mark = event.target.closest?.(MARK);
  if (mark?.closest("blockquote.passage")) for (const m of marksOf(mark)) m.tabIndex = m === mark ? 0 : -1;
});
document.addEventListener("keydown", (event) => {
  const mark = event.target.closest?.(MARK);
  if (!mark?.closest("blockquote.passage") || event.altKey || event.ctrlKey || event.metaKey) return;
  const marks = marksOf(mark);
  const at = marks.indexOf(mark);
  const to = event.key === "Home" ? 0 : event.key === "End" ? marks.length - 1
    : event.key in STEP ? Math.min(marks.length - 1, Math.max(0, at + STEP[event.key])) : null;
  if (to === null) return;
  event.preventDefault();  // no scrolling: the arrows belong to the marks while one has the focus
  marks[to].focus();
});
