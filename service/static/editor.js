// The SPARQL editor page (/): YASGUI on this server's endpoint, with our prefixes and the named
// queries as example tabs. The page hands over its data in <script id="ikg-config"
// type="application/json"> (data, not code); this file is the page's only script of its own,
// so the Content-Security-Policy needs no inline script.
const config = JSON.parse(document.getElementById("ikg-config").textContent);
const yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: { endpoint: config.endpoint, method: "POST" },
  copyEndpointOnNewTab: true,
  persistenceId: null,
  endpointCatalogueOptions: { getData: () => [{ endpoint: config.endpoint }] },
  yasqe: { value: config.start },
});
const prefixLines = Object.entries(config.prefixes).map(([p, iri]) => `PREFIX ${p}: <${iri}>`).join("\n");
for (const example of config.examples) {
  yasgui.addTab(false, { name: example.name, yasqe: { value: example.query } });
}
window.ikgYasgui = yasgui;
window.ikgPrefixes = prefixLines;
