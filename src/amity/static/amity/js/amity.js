/* Amity front-end glue: charts from JSON data islands (no inline scripts), small helpers. */
(function () {
  "use strict";

  function data(el) {
    var src = document.getElementById(el.dataset.chart);
    return src ? JSON.parse(src.textContent) : null;
  }

  var palette = ["#5b4fcf", "#2f6690", "#c9a227", "#3a9d8f", "#e76f51", "#8d99ae", "#9b5de5", "#f4a261"];
  var grid = { left: 48, right: 24, top: 24, bottom: 40, containLabel: true };

  var builders = {
    bar: function (d) {
      return {
        color: palette, grid: grid, tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0, rotate: d.rotate || 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", data: d.values.map(function (v, i) {
          return d.colors ? { value: v, itemStyle: { color: d.colors[i] } } : v;
        }), barMaxWidth: 42, itemStyle: { borderRadius: [4, 4, 0, 0] } }]
      };
    },
    burndown: function (d) {
      /* Balances of a budget over time, as steps: each ledger entry moves them on its day. */
      return {
        color: palette, grid: { left: 48, right: 24, top: 36, bottom: 40, containLabel: true },
        tooltip: { trigger: "axis" }, legend: { top: 0 },
        xAxis: { type: "time" }, yAxis: { type: "value" },
        series: d.series.map(function (s) {
          return {
            name: s.name, type: "line", step: "end", showSymbol: false,
            areaStyle: s.area ? { opacity: 0.15 } : undefined,
            data: d.labels.map(function (day, i) { return [day, s.values[i]]; })
          };
        })
      };
    },
    radar: function (d) {
      /* One axis per dimension (0-100), one polygon per side. */
      return {
        color: palette, tooltip: {}, legend: { bottom: 0 },
        radar: { indicator: d.indicators, radius: "58%", axisName: { color: "#495057", fontSize: 10 } },
        series: [{ type: "radar", areaStyle: { opacity: 0.12 },
          data: d.series.map(function (s) { return { name: s.name, value: s.values }; }) }]
      };
    },
    lines: function (d) {
      /* A value per label (waves, quarters) for each series; gaps stay gaps. */
      return {
        color: palette, grid: { left: 48, right: 24, top: 36, bottom: 40, containLabel: true },
        tooltip: { trigger: "axis" }, legend: { top: 0 },
        xAxis: { type: "category", data: d.labels }, yAxis: { type: "value", min: d.min, max: d.max },
        series: d.series.map(function (s) {
          return { name: s.name, type: "line", data: s.values, connectNulls: false, symbolSize: 8 };
        })
      };
    },
    network: function (d) {
      /* A force-directed graph; node size and colour come with the data (bridges stand out). */
      return {
        color: ["#8d99ae", "#e76f51", "#5b4fcf", "#3a9d8f"], tooltip: {},
        legend: [{ data: d.categories.map(function (c) { return c.name; }), bottom: 0 }],
        series: [{
          type: "graph", layout: "force", roam: true, draggable: true, categories: d.categories,
          data: d.nodes, links: d.links, label: { show: true, position: "right", fontSize: 10 },
          labelLayout: { hideOverlap: true }, force: { repulsion: 140, edgeLength: [40, 110], gravity: 0.08 },
          lineStyle: { color: "source", opacity: 0.45 }, emphasis: { focus: "adjacency" }
        }]
      };
    },
    scatter: function (d) {
      /* Points with names (click to open), and an optional fitted line. */
      var series = [{ type: "scatter", symbolSize: 12, data: d.points,
        label: { show: true, position: "right", fontSize: 10, formatter: function (p) { return p.data.name; } } }];
      if (d.line && d.line.length) {
        series.push({ type: "line", data: d.line, showSymbol: false, lineStyle: { type: "dashed" }, tooltip: { show: false } });
      }
      return {
        color: palette, grid: { left: 56, right: 120, top: 24, bottom: 48, containLabel: true },
        tooltip: { formatter: function (p) { return p.data.name ? p.data.name + ": " + p.data.value.join(", ") : ""; } },
        xAxis: { type: "value", name: d.x, nameLocation: "middle", nameGap: 28, minInterval: 1 },
        yAxis: { type: "value", name: d.y, min: 0, max: 100 },
        series: series
      };
    },
    hbar: function (d) {
      return {
        color: palette, grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true }, tooltip: { trigger: "axis" },
        yAxis: { type: "category", data: d.labels.slice().reverse(), axisTick: { show: false } },
        xAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", data: d.values.map(function (v, i) {
          return d.colors ? { value: v, itemStyle: { color: d.colors[i] } } : v;
        }).reverse(), barMaxWidth: 22, itemStyle: { borderRadius: [0, 4, 4, 0] } }]
      };
    },
    donut: function (d) {
      return {
        color: d.colors || palette, tooltip: { trigger: "item" }, legend: { bottom: 0, type: "plain", itemWidth: 12, itemGap: 8 },
        series: [{ type: "pie", radius: ["45%", "70%"], center: ["50%", "45%"], avoidLabelOverlap: true,
          label: { formatter: "{c}" }, data: d.labels.map(function (l, i) { return { name: l, value: d.values[i] }; }) }]
      };
    },
    pyramid: function (d) {
      // Top tier first; a funnel sorted ascending draws the pyramid with the top tier narrowest.
      var n = d.labels.length;
      return {
        tooltip: { trigger: "item", formatter: function (p) {
          var t = d.targets[p.dataIndex];
          return p.name + ": " + d.values[p.dataIndex] + " alliance(s)" + (t === null ? "" : " · target " + t);
        } },
        series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", top: 10, bottom: 10, gap: 3, minSize: "25%",
          label: { position: "inside", color: "#fff", fontWeight: 600, formatter: function (p) {
            var t = d.targets[p.dataIndex];
            return p.name + "  " + d.values[p.dataIndex] + (t === null ? "" : " / " + t) + (d.over[p.dataIndex] ? "  ⚠" : "");
          } },
          data: d.labels.map(function (l, i) {
            return { name: l, value: (i + 1) * (100 / n), itemStyle: { color: d.colors[i], borderColor: d.over[i] ? "#dc3545" : "#fff", borderWidth: d.over[i] ? 3 : 1 } };
          }) }]
      };
    },
    heatmap: function (d) {
      var max = 1;
      d.values.forEach(function (v) { max = Math.max(max, v[2]); });
      return {
        tooltip: { position: "top", formatter: function (p) { return d.yName + ": " + d.y[p.value[1]] + "<br>" + d.xName + ": " + d.x[p.value[0]] + "<br><b>" + p.value[2] + "</b> accounts"; } },
        grid: { left: 130, right: 20, top: 10, bottom: 70 },
        xAxis: { type: "category", data: d.x, name: d.xName, nameLocation: "middle", nameGap: 30, axisLabel: { interval: 0 }, splitArea: { show: true } },
        yAxis: { type: "category", data: d.y, name: d.yName, splitArea: { show: true } },
        visualMap: { min: 0, max: max, show: false, inRange: { color: ["#f4f3fd", "#5b4fcf"] } },
        series: [{ type: "heatmap", data: d.values, label: { show: true, color: "#1b1f3b", fontWeight: 600, formatter: function (p) { return String(p.value[2]); } }, emphasis: { itemStyle: { borderColor: "#333", borderWidth: 1 } } }]
      };
    },
    matrix: function (d) {
      var colors = { strategic: "#5b2a86", tactical: "#8d99ae", undetermined: "#c9a227" };
      var groups = {};
      var maxY = 0;
      d.points.forEach(function (p) { (groups[p.classification] = groups[p.classification] || []).push(p); maxY = Math.max(maxY, p.y); });
      // Name only the points that stand out (past the strategic threshold or high value);
      // the crowd near the origin is read through the tooltip.
      var named = function (p) { return p.x >= d.xThreshold || p.y >= maxY * 0.2; };
      return {
        grid: { left: 16, right: 32, top: 36, bottom: 40, containLabel: true },
        legend: { top: 0 },
        tooltip: { trigger: "item", formatter: function (p) {
          var v = p.data.raw; return "<b>" + v.name + "</b><br>Strategic score " + v.x + "/20<br>Expected revenue " + v.value_label + "<br>" + v.classification_label;
        } },
        xAxis: { type: "value", name: d.xLabel, nameLocation: "middle", nameGap: 28, min: 0, max: 20 },
        yAxis: { type: "value", name: d.yLabel, nameLocation: "end", axisLabel: { formatter: function (v) { return v >= 1e6 ? (v / 1e6) + "M" : v >= 1e3 ? (v / 1e3) + "k" : v; } } },
        series: Object.keys(groups).map(function (k, idx) {
          return { name: groups[k][0].classification_label, type: "scatter", symbolSize: 14, itemStyle: { color: colors[k] || palette[idx] },
            label: { show: true, position: "right", formatter: function (p) { return p.data.raw.short; }, fontSize: 10, color: "#5c6280" },
            data: groups[k].map(function (p) { return { value: [p.x, p.y], raw: p, label: { show: named(p) } }; }),
            markLine: idx === 0 ? { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#adb5bd" },
              data: [{ xAxis: d.xThreshold }], label: { formatter: "strategic threshold" } } : undefined };
        })
      };
    }
  };

  function renderCharts(root) {
    if (typeof echarts === "undefined") { return; }
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      var d = data(el);
      var build = builders[el.dataset.chartType];
      if (!d || !build) { return; }
      var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "svg" });
      chart.setOption(build(d), true);
      chart.on("click", function (p) {
        var url = (p.data && p.data.raw && p.data.raw.url) || (d.urls && d.urls[p.dataIndex]);
        if (url) { window.location.href = url; }
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function wireConfirm(root) {
    (root || document).querySelectorAll("form[data-confirm]").forEach(function (form) {
      if (form.dataset.wired) { return; }
      form.dataset.wired = "1";
      form.addEventListener("submit", function (e) { if (!window.confirm(form.dataset.confirm)) { e.preventDefault(); } });
    });
  }

  function wireAutosubmit(root) {
    (root || document).querySelectorAll("form[data-autosubmit] select").forEach(function (el) {
      if (el.dataset.wired) { return; }
      el.dataset.wired = "1";
      el.addEventListener("change", function () {
        // A select whose value is "a|b" fills the form's fields named in data-split-into.
        if (el.dataset.splitInto) {
          var parts = el.value.split("|");
          el.dataset.splitInto.split(" ").forEach(function (name, i) {
            if (el.form.elements[name]) { el.form.elements[name].value = parts[i] || ""; }
          });
        }
        el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
      });
    });
  }

  // A stale edit (409) lists each field where the saved version and yours differ; "Take saved"
  // puts the saved value into the form, so the user merges field by field before saving again.
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("[data-merge-take]") : null;
    if (!button) { return; }
    var form = document.getElementById(button.dataset.mergeForm);
    var input = form && form.elements[button.dataset.mergeTake];
    if (!input) { return; }
    if (input.type === "checkbox") { input.checked = button.dataset.mergeValue === "True"; }
    else { input.value = button.dataset.mergeValue; }
    input.dispatchEvent(new Event("change", { bubbles: true }));
    var row = button.closest("tr");
    if (row) { row.classList.add("table-success"); }
    button.textContent = "Saved value taken";
  });

  document.addEventListener("DOMContentLoaded", function () { renderCharts(); wireConfirm(); wireAutosubmit(); });
  document.addEventListener("htmx:afterSwap", function (e) { renderCharts(e.target); wireConfirm(e.target); wireAutosubmit(e.target); });
})();
