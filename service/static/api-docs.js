// The JSON API page (/api/docs): Swagger UI on the OpenAPI document named by the page's
// #swagger-ui element; a file, not inline, under the Content-Security-Policy. No validator:
// Swagger UI would otherwise send the document's URL to validator.swagger.io for a badge.
const root = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({ url: root.dataset.url, dom_id: "#swagger-ui", validatorUrl: null });
