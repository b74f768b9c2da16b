// The clerk's page, a little more convenient: only the chosen item's figures are
// shown, and the short name only for an item whose list sentence prints it, and the preview, list and totals follow the ledger when it changes (after
// a save, another browser, `new` in a terminal or a text editor). Without script the
// page works the same; it only does not refresh by itself.
"use strict";
(function () {
  const item = document.getElementById("f-item");
  function showFigures() {
    if (!item) return;
    const chosen = item.selectedOptions[0];
    const keys = chosen && chosen.value ? (chosen.dataset.figures || "").split(" ").filter(Boolean) : null;
    document.querySelectorAll(".figure[data-figure]").forEach(function (field) {
      const input = field.querySelector("input");
      const wanted = keys === null || keys.includes(field.dataset.figure) || (input && input.value !== "");
      field.hidden = !wanted;
      if (input) input.disabled = !wanted;
    });
    const name = document.getElementById("name-field");
    const nameInput = document.getElementById("f-name");
    if (name && nameInput) {
      const wanted = !chosen || !chosen.value || chosen.dataset.list === "1" || nameInput.value !== "";
      name.hidden = !wanted;
      nameInput.disabled = !wanted;
    }
    const set = document.querySelector("fieldset.figures");
    if (set) set.hidden = keys !== null && !Array.from(set.querySelectorAll(".figure")).some(function (f) { return !f.hidden; });
  }
  if (item) { item.addEventListener("change", showFigures); showFigures(); }

  // The structure page: a figure picker beside each sentence puts 〔名称〕 where the
  // cursor is (without script the names are typed, as the hint above says).
  document.querySelectorAll(".picker[data-target]").forEach(function (picker) {
    const area = document.getElementById(picker.dataset.target);
    const select = picker.querySelector("select");
    const button = picker.querySelector("button.insert");
    if (!area || !select || !button) return;
    picker.hidden = false;
    button.addEventListener("click", function () {
      const start = area.selectionStart, end = area.selectionEnd;
      area.setRangeText(select.value, start, end, "end");
      area.focus();
    });
  });

  let version = document.body.dataset.version;
  async function poll() {
    try {
      const answer = await fetch("/version", { cache: "no-store", credentials: "same-origin" });
      if (!answer.ok) return;
      const now = (await answer.text()).trim();
      if (now !== version) { await refresh(); version = now; }
    } catch (e) { /* the server is restarting; try again later */ }
  }
  // Swaps in the fresh list, totals and preview; the form keeps what is being typed.
  async function refresh() {
    const answer = await fetch(location.pathname === "/" || location.pathname === "/structure" ? location.href : "/", { cache: "no-store", credentials: "same-origin" });
    if (!answer.ok) return;
    const fresh = new DOMParser().parseFromString(await answer.text(), "text/html");
    ["general", "ledger", "preview", "counts"].forEach(function (id) {
      const old = document.getElementById(id);
      const next = fresh.getElementById(id);
      if (old && next) old.replaceWith(document.importNode(next, true));
    });
    document.body.dataset.version = fresh.body.dataset.version;
    const said = document.getElementById("live");
    if (said) said.textContent = "台账有变化，预览已更新。";
  }
  setInterval(poll, 1000);
})();
