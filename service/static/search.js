// Search as you type, on every page with a search box (the navigation's, the front page's): the
// matches of /api/search under the box, each a link to its page; arrow keys move through
// them, Escape closes them. Without this script the boxes still submit to /search.
"use strict";
for (const [i, input] of [...document.querySelectorAll("input[type=search][name=q]")].entries()) {
  const list = document.createElement("ul");
  list.id = `suggestions-${i}`;
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  input.after(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("autocomplete", "off");
  let timer = null;
  let asked = "";

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  function show(found) {
    list.replaceChildren(...found.filter((r) => r.page).map((r) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      const a = document.createElement("a");
      a.href = r.page;
      a.textContent = r.label;
      const kind = document.createElement("span");
      kind.className = "muted";
      const code = r.iri.startsWith("http://data.europa.eu/nuts/code/") ? " " + r.iri.split("/").pop() : "";
      kind.textContent = ` ${r.class.split("#").pop()}${code}${r.generated ? " · generated" : ""}`;
      a.append(kind);
      li.append(a);
      return li;
    }));
    list.hidden = list.children.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) { close(); return; }
    timer = setTimeout(() => {
      asked = q;
      fetch(`/api/search?q=${encodeURIComponent(q)}&limit=8`, { headers: { Accept: "application/json" } })
        .then((r) => (r.ok ? r.json() : []))
        .then((found) => { if (asked === input.value.trim()) show(found); })
        .catch(() => close());
    }, 150);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && !list.hidden) { e.preventDefault(); list.querySelector("a")?.focus(); }
    if (e.key === "Escape") close();
  });
  list.addEventListener("keydown", (e) => {
    const links = [...list.querySelectorAll("a")];
    const at = links.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && at < links.length - 1) { e.preventDefault(); links[at + 1].focus(); }
    if (e.key === "ArrowUp") { e.preventDefault(); (at > 0 ? links[at - 1] : input).focus(); }
    if (e.key === "Escape") { close(); input.focus(); }
  });
  document.addEventListener("click", (e) => { if (!list.contains(e.target) && e.target !== input) close(); });
}
