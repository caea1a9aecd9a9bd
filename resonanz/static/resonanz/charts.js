// Dashboard charts: every <canvas data-chart="ID"> gets its data from the JSON block #chart-data-ID
// (rendered by Django's json_script), so no inline script is needed (CSP: script-src 'self').
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") return; // tables and CSV links still work without charts

  var LABEL_MAX = 22; // category labels longer than this are shortened (the table has them in full)

  function readData(id) {
    var node = document.getElementById("chart-data-" + id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
  var lang = document.documentElement.lang || "de";

  function shorten(text) {
    text = String(text);
    var day = ISO_DAY.exec(text); // days on an axis as "24.11." (the table keeps the full date)
    if (day) {
      return new Date(+day[1], +day[2] - 1, +day[3]).toLocaleDateString(lang, { day: "numeric", month: "numeric" });
    }
    return text.length > LABEL_MAX ? text.slice(0, LABEL_MAX - 1) + "…" : text;
  }

  function datasets(spec) {
    return spec.datasets.map(function (set) {
      var colour = set.colors || set.color;
      return {
        label: set.label,
        data: set.data,
        backgroundColor: colour,
        borderColor: spec.type === "line" ? set.color : colour,
        borderWidth: spec.type === "line" ? 2 : 0,
        pointRadius: spec.type === "line" ? 2 : 0,
        spanGaps: false, // a day without a base (no cycles) is a gap, not zero
        tension: 0.2,
      };
    });
  }

  function options(spec) {
    var base = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false, // faster on phones, and the screenshot test sees the final picture at once
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
    };
    if (spec.type === "doughnut") return base;
    var category = {
      stacked: !!spec.stacked,
      ticks: {
        maxRotation: 0,
        autoSkip: !spec.horizontal, // every topic gets its label
        autoSkipPadding: 8,
        callback: function (value) { return shorten(this.getLabelForValue(value)); },
      },
    };
    var values = { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } };
    if (spec.unit) values.title = { display: true, text: spec.unit };
    if (spec.unit === "%") values.suggestedMax = 100;
    base.indexAxis = spec.horizontal ? "y" : "x";
    base.scales = spec.horizontal ? { x: values, y: category } : { x: category, y: values };
    return base;
  }

  function draw(canvas) {
    var spec = readData(canvas.dataset.chart);
    if (!spec) return null;
    var chart = new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets(spec) },
      options: options(spec),
    });
    canvas.dataset.rendered = "true";
    return chart;
  }

  function drawAll(root) {
    root.querySelectorAll("canvas[data-chart]:not([data-rendered])").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  // htmx swaps (filter changes) bring new canvases.
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
})();
