// Sortable tables: a click on a header sorts the rows of its table and of
// the tables of the same set (the rows shown and those in <details>).
document.querySelectorAll("table[data-set]").forEach(function (table) {
  var set = document.querySelectorAll('table[data-set="' + table.dataset.set + '"]');
  table.querySelectorAll("thead th").forEach(function (th, col) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(b);
    b.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending", num = th.classList.contains("num");
      var rows = [], sizes = [];
      set.forEach(function (t) {
        sizes.push(t.tBodies[0].rows.length);
        rows.push.apply(rows, t.tBodies[0].rows);
        t.querySelectorAll("thead th").forEach(function (h, i) {
          if (i === col) h.setAttribute("aria-sort", asc ? "ascending" : "descending"); else h.removeAttribute("aria-sort");
        });
      });
      var key = function (r) { var c = r.cells[col]; return c.dataset.sort !== undefined ? c.dataset.sort : c.textContent; };
      rows.sort(function (x, y) {
        var a = key(x), b = key(y), c = num ? (parseFloat(a) || 0) - (parseFloat(b) || 0) : a.localeCompare(b);
        return asc ? c : -c;
      });
      var i = 0;
      set.forEach(function (t, n) { rows.slice(i, i + sizes[n]).forEach(function (r) { t.tBodies[0].appendChild(r); }); i += sizes[n]; });
    });
  });
});
