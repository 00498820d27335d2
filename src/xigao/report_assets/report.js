/* xigao report: match tabs, linked passages, table sorting and filters. No network. */
(function () {
  "use strict";
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };

  /* -- match tabs: every section is visible without JS; with JS one at a time -- */
  var tabs = $$(".tabs button[data-tab]");
  function showTab(id) {
    $$("section.match").forEach(function (s) { s.hidden = s.id !== id; });
    tabs.forEach(function (t) { t.setAttribute("aria-selected", String(t.dataset.tab === id)); });
    var s = document.getElementById(id);
    if (s && !s.dataset.revealed) { s.dataset.revealed = "1"; reveal(s); }
  }
  if (tabs.length) {
    tabs.forEach(function (t) {
      t.addEventListener("click", function () { showTab(t.dataset.tab); history.replaceState(null, "", "#" + t.dataset.tab); });
    });
    var want = (location.hash || "").slice(1).split("-")[0];
    showTab(document.getElementById(want) && want.charAt(0) === "m" ? want : tabs[0].dataset.tab);
  }

  /* -- linked passages: <mark data-k="e0 a1"> inside .text[data-side=s|o] of section#mN -- */
  function marksOf(section, side, key) {
    return $$('.text[data-side="' + side + '"] mark', section).filter(function (m) {
      return (" " + m.dataset.k + " ").indexOf(" " + key + " ") >= 0;
    });
  }
  function flash(marks) {
    marks.forEach(function (m) { m.classList.remove("flash"); void m.offsetWidth; m.classList.add("flash"); });
    setTimeout(function () { marks.forEach(function (m) { m.classList.remove("flash"); }); }, 1700);
  }
  function jump(section, side, key) {
    var target = document.getElementById(section.id + "-" + side + "-" + key);
    if (!target) { return false; }
    if (section.hidden) { showTab(section.id); }
    var pane = target.closest(".text");
    pane.scrollTop = Math.max(0, target.offsetTop - pane.clientHeight / 3);
    pane.scrollIntoView({ block: "nearest" });
    flash(marksOf(section, side, key));
    return true;
  }
  /* show each pane's first highlighted passage without moving the page */
  function reveal(section) {
    $$(".text", section).forEach(function (pane) {
      var first = pane.querySelector("mark");
      if (first && first.offsetTop > pane.clientHeight * 0.6) {
        pane.scrollTop = Math.max(0, first.offsetTop - 48);
      }
    });
  }
  window.xigaoJump = function (sectionId, side, key) {
    var s = document.getElementById(sectionId);
    return s ? jump(s, side, key) : false;
  };
  document.addEventListener("click", function (e) {
    var link = e.target.closest("a[data-jump]");
    if (link) {
      var p = link.dataset.jump.split(" ");
      if (window.xigaoJump(p[0], p[1], p[2])) { e.preventDefault(); }
      return;
    }
    var mark = e.target.closest(".text mark[data-k]");
    if (!mark) { return; }
    var section = mark.closest("section.match"), text = mark.closest(".text");
    var key = mark.dataset.k.split(" ")[0], other = text.dataset.side === "s" ? "o" : "s";
    flash(marksOf(section, text.dataset.side, key));
    jump(section, other, key);
  });
  function hover(e, on) {
    var mark = e.target.closest && e.target.closest(".text mark[data-k]");
    if (!mark) { return; }
    var section = mark.closest("section.match"), key = mark.dataset.k.split(" ")[0];
    marksOf(section, "s", key).concat(marksOf(section, "o", key)).forEach(function (m) { m.classList.toggle("hover", on); });
  }
  document.addEventListener("mouseover", function (e) { hover(e, true); });
  document.addEventListener("mouseout", function (e) { hover(e, false); });

  /* -- results table: sort by column, filter by verdict and text -- */
  var table = document.getElementById("results");
  if (!table) { return; }
  var body = table.tBodies[0], heads = $$("th[data-sort]", table);
  heads.forEach(function (th, col) {
    th.addEventListener("click", function () {
      var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
      var asc = th.getAttribute("aria-sort") === "descending";
      var numeric = th.dataset.sort === "num";
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[idx].dataset.v, y = b.cells[idx].dataset.v, r;
        if (numeric) { r = parseFloat(x) - parseFloat(y); } else { r = x.localeCompare(y, "zh"); }
        return asc ? r : -r;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  var boxes = $$("input[data-verdict]"), search = document.getElementById("q"), shown = document.getElementById("shown");
  function filter() {
    var on = {}, q = (search && search.value || "").trim().toLowerCase(), n = 0;
    boxes.forEach(function (b) { on[b.dataset.verdict] = b.checked; });
    Array.prototype.forEach.call(body.rows, function (r) {
      var ok = on[r.dataset.verdict] !== false && (!q || r.dataset.q.indexOf(q) >= 0);
      r.hidden = !ok; n += ok ? 1 : 0;
    });
    if (shown) { shown.textContent = String(n); }
  }
  boxes.forEach(function (b) { b.addEventListener("change", filter); });
  if (search) { search.addEventListener("input", filter); }
  filter();
})();
