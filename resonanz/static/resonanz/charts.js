// Dashboard charts: every <canvas data-chart="ID"> gets its data from the JSON block #chart-data-ID
// (rendered by Django's json_script), so no inline script is needed (CSP: script-src 'self').
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") return; // tables and CSV links still work without charts

  function readData(id) {
    const node = document.getElementById("chart-data-" + id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function datasets(spec) {
    return spec.datasets.map(function (set) {
      const colour = set.colors || set.color;
      return {
        label: set.label,
        data: set.data,
        backgroundColor: colour,
        borderColor: spec.type === "line" ? set.color : colour,
        borderWidth: spec.type === "line" ? 2 : 0,
        pointRadius: spec.type === "line" ? 2 : 0,
        tension: 0.2,
      };
    });
  }

  function options(spec) {
    const base = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false, // faster on phones, and the screenshot test sees the final picture at once
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
    };
    if (spec.type === "doughnut") return base;
    const axis = { stacked: !!spec.stacked, ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 8 } };
    const values = { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } };
    base.indexAxis = spec.horizontal ? "y" : "x";
    base.scales = spec.horizontal ? { x: values, y: axis } : { x: axis, y: values };
    return base;
  }

  function draw(canvas) {
    const spec = readData(canvas.dataset.chart);
    if (!spec) return;
    const chart = new window.Chart(canvas, {
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
