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
