// Suggestions for the organisation search inputs (core/organisation_choice.py): as one types, the scoped
// search route fills the input's <datalist>. Without this script the input still takes a FINESS number
// or a name, checked by the server.
(() => {
  if (window.vigieOrganisationSearch) return; // the widget includes this file once per field
  window.vigieOrganisationSearch = true;
  const WAIT_MS = 200;

  const attach = (input) => {
    const list = document.getElementById(input.getAttribute("list"));
    let timer = null;
    let asked = "";
    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(async () => {
        const text = input.value.trim();
        if (text.length < 2 || text === asked) return;
        asked = text;
        const url = new URL(input.dataset.organisationSearch, window.location.href);
        url.searchParams.set("q", text);
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok || input.value.trim() !== text) return;
        const { results } = await response.json();
        list.replaceChildren(...results.map((found) => {
          const option = document.createElement("option");
          option.value = found.label;
          return option;
        }));
      }, WAIT_MS);
    });
  };

  const start = () => document.querySelectorAll("input[data-organisation-search]").forEach(attach);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
