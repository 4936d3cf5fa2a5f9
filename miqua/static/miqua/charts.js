/* MIQUA charts: progressive enhancement of figure tables (issue 11).
 *
 * For every <table data-chart="line"> (or "bar") a Chart.js line (bar) chart is drawn in a <canvas> inserted
 * before the table (or before its scrolling box, class "chart-table"); the table itself stays,
 * visible, for screen readers, print and anyone who would rather read. The x labels are the
 * first cell of each body row (already formatted by the server, e.g. German dates); every
 * further column whose cells carry `data-value` (plain
 * machine numbers such as 11.71) becomes one data set, labelled by its column header. A header
 * marked data-series="standard" is drawn as a dashed line. Numbers on the axis and in the
 * tooltips are formatted for the page's language, with " %" when the table says
 * data-unit="percent".
 *
 * No inline script: the data lives in the HTML, this file and Chart.js are static files loaded
 * with `defer` (Chart.js first).
 */
(function () {
  "use strict";

  var COLOURS = ["#1d5c63", "#8a5a00", "#5b6675", "#1f7a4d"];
  var STANDARD_COLOUR = "#a52a2a";

  function text(node) {
    return (node.textContent || "").replace(/\s+/g, " ").trim();
  }

  function formatter(table) {
    var lang = document.documentElement.lang || "de";
    var numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
    var suffix = table.getAttribute("data-unit") === "percent" ? "\u00a0%" : "";
    return function (value) {
      return numbers.format(value) + suffix;
    };
  }

  function headerCells(table) {
    if (!table.tHead || !table.tHead.rows.length) {
      return [];
    }
    return Array.prototype.slice.call(table.tHead.rows[table.tHead.rows.length - 1].cells);
  }

  function readSeries(table) {
    var headers = headerCells(table);
    var rows = [];
    Array.prototype.forEach.call(table.tBodies, function (body) {
      rows = rows.concat(Array.prototype.slice.call(body.rows));
    });
    var labels = rows.map(function (row) {
      return text(row.cells[0]);
    });
    var series = [];
    for (var column = 1; column < headers.length; column++) {
      var values = rows.map(function (row) {
        var cell = row.cells[column];
        var raw = cell ? cell.getAttribute("data-value") : null;
        var value = raw === null || raw === "" ? NaN : Number(raw);
        return isFinite(value) ? value : null;
      });
      if (values.every(function (v) { return v === null; })) {
        continue;
      }
      series.push({
        label: text(headers[column]),
        standard: headers[column].getAttribute("data-series") === "standard",
        values: values,
      });
    }
    return { labels: labels, series: series };
  }

  function draw(table) {
    var data = readSeries(table);
    if (!data.labels.length || !data.series.length) {
      return;
    }
    var format = formatter(table);
    var lang = document.documentElement.lang || "de";
    var caption = table.caption ? text(table.caption) : table.getAttribute("aria-label") || "";

    var box = document.createElement("div");
    box.className = "chart-box";
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", caption);
    if (table.id) {
      canvas.setAttribute("aria-describedby", table.id);
    }
    box.appendChild(canvas);
    // Before the table, or before the box that scrolls it (class "chart-table").
    var anchor = table.closest(".chart-table") || table;
    anchor.parentNode.insertBefore(box, anchor);

    var reduceMotion =
      window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var colour = 0;
    var bar = table.getAttribute("data-chart") === "bar";
    new window.Chart(canvas, {
      type: bar ? "bar" : "line",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s) {
          var c = s.standard ? STANDARD_COLOUR : COLOURS[colour++ % COLOURS.length];
          return {
            label: s.label,
            data: s.values,
            borderColor: c,
            backgroundColor: c,
            borderDash: s.standard ? [6, 4] : [],
            borderWidth: bar ? 0 : 2,
            pointRadius: s.standard ? 0 : 2,
            tension: 0,
            spanGaps: false,
          };
        }),
      },
      options: {
        locale: lang,
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : undefined,
        interaction: { mode: "index", intersect: false },
        scales: {
          y: {
            beginAtZero: true,
            ticks: {
              callback: function (value) {
                return format(value);
              },
            },
          },
          x: { ticks: { autoSkip: true, maxRotation: 0 } },
        },
        plugins: {
          // A short line in the legend, dashed for the standard, as in the chart.
          // (A filled box for bars.)
          legend: {
            labels: bar
              ? { usePointStyle: true, pointStyle: "rect" }
              : { usePointStyle: true, pointStyle: "line", pointStyleWidth: 28 },
          },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ": " + format(ctx.parsed.y);
              },
            },
          },
        },
      },
    });
  }

  function init() {
    if (typeof window.Chart === "undefined") {
      return; // Chart.js did not load: the tables remain, which is all a reader needs.
    }
    Array.prototype.forEach.call(document.querySelectorAll('table[data-chart="line"], table[data-chart="bar"]'), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
