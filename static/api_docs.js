// Swagger UI for /docs (a file, not an inline script: the page's CSP allows scripts from this site only).
const root = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({ url: root.dataset.openapiUrl, dom_id: "#swagger-ui", deepLinking: true });
