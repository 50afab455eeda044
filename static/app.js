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
