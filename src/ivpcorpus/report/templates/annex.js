// The annex per plan, sortable and filterable. Inline and self-contained (the page's CSP allows
// exactly this script by its hash and nothing else); without JavaScript the annex reads as a
// plain list of plans, so everything here only adds to markup that is already complete.
(function () {
  "use strict";
  var tools = document.getElementById("annex-tools");
  var container = document.getElementById("annex-plans");
  if (!tools || !container) { return; }
  var search = document.getElementById("annex-search");
  var thema = document.getElementById("annex-thema");
  var low = document.getElementById("annex-low");
  var order = document.getElementById("annex-sort");
  var count = document.getElementById("annex-count");
  var plans = Array.prototype.slice.call(container.querySelectorAll("article.plan"));

  function fold(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function apply() {
    var needle = fold(search.value.trim());
    var wanted = thema.value;
    var onlyLow = low.checked;
    var shownPlans = 0, shownItems = 0, totalItems = 0;
    plans.forEach(function (plan) {
      var nameHit = needle === "" || fold(plan.getAttribute("data-search")).indexOf(needle) >= 0;
      var rows = Array.prototype.slice.call(plan.querySelectorAll("tbody tr"));
      var visible = 0;
      rows.forEach(function (row) {
        var themes = (row.getAttribute("data-thema") || "").split("|");
        var ok = (nameHit || fold(row.textContent).indexOf(needle) >= 0)
          && (wanted === "" || themes.indexOf(wanted) >= 0)
          && (!onlyLow || row.getAttribute("data-low") === "1");
        row.hidden = !ok;
        if (ok) { visible += 1; }
      });
      totalItems += rows.length;
      var rowFilters = wanted !== "" || onlyLow;
      var show = visible > 0 || (!rowFilters && nameHit);
      plan.hidden = !show;
      if (show) { shownPlans += 1; shownItems += visible; }
    });
    count.textContent = shownPlans + " van " + plans.length + " plannen, " + shownItems + " van " + totalItems
      + " speerpunten zichtbaar";
  }

  function sortPlans() {
    var key = order.value;
    var sorted = plans.slice().sort(function (a, b) {
      if (key === "n") {
        return Number(b.getAttribute("data-n")) - Number(a.getAttribute("data-n"))
          || Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
      }
      if (key === "confidence") {
        return Number(a.getAttribute("data-min-confidence")) - Number(b.getAttribute("data-min-confidence"))
          || Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
      }
      return Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
    });
    sorted.forEach(function (plan) { container.appendChild(plan); });
  }

  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
    if (numeric) {
      var number = parseFloat(raw);
      return isNaN(number) ? Infinity : number;
    }
    return fold(raw.trim());
  }

  function sortTable(table, index, button) {
    var header = button.parentNode;
    var numeric = header.classList.contains("num");
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
      var result = numeric ? x - y : x.localeCompare(y, "nl");
      return ascending ? result : -result;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  plans.forEach(function (plan) {
    Array.prototype.forEach.call(plan.querySelectorAll("table"), function (table) {
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort";
        button.textContent = th.textContent;
        button.title = "Sorteer op " + th.textContent.toLowerCase();
        th.textContent = "";
        th.appendChild(button);
        button.addEventListener("click", function () { sortTable(table, index, button); });
      });
    });
  });
  search.addEventListener("input", apply);
  thema.addEventListener("change", apply);
  low.addEventListener("change", apply);
  order.addEventListener("change", sortPlans);
  tools.hidden = false;
  apply();
}());
