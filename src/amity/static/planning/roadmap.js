/* Planning charts: the roadmap timeline and the quarterly progress of plan objectives.
   Data comes from JSON islands (json_script); no inline scripts. Elements:
   <div data-plan-chart="<island id>" data-plan-chart-type="timeline|quarters"></div> */
(function () {
  "use strict";

  var palette = ["#5b4fcf", "#2f6690", "#c9a227", "#3a9d8f", "#e76f51", "#8d99ae", "#9b5de5", "#f4a261"];
  var DAY = 24 * 3600 * 1000;

  function day(iso) { return iso ? new Date(iso + "T00:00:00").getTime() : null; }
  function label(ts) {
    return new Date(ts).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
  }
  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function timeline(d, el) {
    var rows = d.rows;
    var index = {};
    rows.forEach(function (r, i) { index[r.id] = i; });
    // Where a milestone sits: done ones at their completion date, the others at their due date.
    var at = rows.map(function (r) { return day(r.status === "done" && r.completed ? r.completed : r.due); });
    var all = [day(d.today)];
    rows.forEach(function (r, i) { all.push(at[i], day(r.original), day(r.due)); });
    var min = Math.min.apply(null, all) - 20 * DAY;
    var max = Math.max.apply(null, all) + 30 * DAY;
    el.style.height = Math.max(220, rows.length * 38 + 80) + "px";

    var points = rows.map(function (r, i) {
      var open = r.status !== "done" && r.status !== "cancelled";
      return {
        value: [at[i], i], raw: r,
        symbol: r.status === "done" ? "circle" : "diamond",
        symbolSize: r.status === "done" ? 13 : 16,
        itemStyle: {
          color: d.colors[r.status] || palette[0],
          borderColor: open && r.slipped ? d.slipColor : "#fff",
          borderWidth: open && r.slipped ? 2.5 : 1
        }
      };
    });
    var slips = [], originals = [];
    rows.forEach(function (r, i) {
      if (r.original && r.original !== r.due) {
        slips.push({ coords: [[day(r.original), i], [day(r.due), i]] });
        originals.push({ value: [day(r.original), i], raw: r });
      }
    });
    var deps = [];
    rows.forEach(function (r, i) {
      (r.deps || []).forEach(function (id) {
        if (index[id] === undefined) { return; }
        deps.push({ coords: [[at[index[id]], index[id]], [at[i], i]] });
      });
    });

    return {
      grid: { left: 12, right: 28, top: 28, bottom: 28, containLabel: true },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var r = p.data && p.data.raw;
          if (!r) { return ""; }
          if (p.seriesName === "original") {
            return "<b>" + esc(r.title) + "</b><br>First due " + label(day(r.original)) + "<br>" + esc(r.slip);
          }
          var lines = ["<b>" + esc(r.title) + "</b>", esc(r.category) + " · " + esc(r.status_label)];
          lines.push("Due " + label(day(r.due)) + (r.original !== r.due ? " (first " + label(day(r.original)) + ")" : ""));
          if (r.completed) { lines.push("Done " + label(day(r.completed))); }
          if (r.side) { lines.push("Delivered by " + esc(r.side)); }
          if (r.slip) { lines.push('<span style="color:' + d.slipColor + '">' + esc(r.slip) + "</span>"); }
          if (r.deps && r.deps.length) { lines.push("Depends on " + r.deps.length + " milestone(s)"); }
          return lines.join("<br>");
        }
      },
      xAxis: {
        type: "time", min: min, max: max,
        splitLine: { show: true, lineStyle: { color: "#f0f1f5" } },
        axisLabel: { hideOverlap: true }
      },
      yAxis: {
        type: "category", inverse: true, data: rows.map(function (r) { return r.title; }),
        axisTick: { show: false }, axisLine: { show: false },
        axisLabel: { width: 260, overflow: "truncate", color: "#3b3f5c" }
      },
      series: [
        {
          name: "dependencies", type: "lines", coordinateSystem: "cartesian2d", silent: true, z: 1,
          symbol: ["none", "arrow"], symbolSize: 8,
          lineStyle: { color: "#9aa0b8", width: 1.2, curveness: 0, opacity: 0.9 },
          data: deps
        },
        {
          name: "slips", type: "lines", coordinateSystem: "cartesian2d", silent: true, z: 2,
          lineStyle: { color: d.slipColor, width: 2, type: "dashed" },
          data: slips
        },
        {
          name: "original", type: "scatter", z: 3, symbol: "circle", symbolSize: 8,
          itemStyle: { color: "#fff", borderColor: d.slipColor, borderWidth: 1.5 },
          data: originals
        },
        {
          name: "milestones", type: "scatter", z: 4, data: points,
          label: {
            show: true, position: "right", fontSize: 10, color: "#6b7190",
            formatter: function (p) { return label(p.value[0]); }
          },
          markLine: {
            silent: true, symbol: "none",
            lineStyle: { type: "dashed", color: "#5b4fcf" },
            label: { formatter: "today", color: "#5b4fcf" },
            data: [{ xAxis: day(d.today) }]
          }
        }
      ]
    };
  }

  function quarters(d) {
    return {
      color: palette,
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll", itemWidth: 12, itemHeight: 10, textStyle: { fontSize: 11 } },
      tooltip: {
        trigger: "item",
        formatter: function (p) { return esc(d.series[p.seriesIndex].name) + "<br>" + esc(d.series[p.seriesIndex].explanations[p.dataIndex]); }
      },
      xAxis: { type: "category", data: d.quarters },
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" }, min: 0 },
      series: d.series.map(function (s, i) {
        return {
          name: s.name, type: "bar", data: s.values, barMaxWidth: 16, itemStyle: { borderRadius: [3, 3, 0, 0] },
          markLine: i === 0 ? {
            silent: true, symbol: "none", data: [{ yAxis: 100 }],
            lineStyle: { type: "dashed", color: "#adb5bd" },
                label: { formatter: "target", color: "#8d93ab", position: "insideEndTop" }
          } : undefined
        };
      })
    };
  }

  var builders = { timeline: timeline, quarters: quarters };

  function render(root) {
    if (typeof echarts === "undefined") { return; }
    (root || document).querySelectorAll("[data-plan-chart]").forEach(function (el) {
      var src = document.getElementById(el.dataset.planChart);
      var build = builders[el.dataset.planChartType];
      if (!src || !build) { return; }
      var d = JSON.parse(src.textContent);
      var option = build(d, el);
      var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option, true);
      chart.off("click");
      chart.on("click", function (p) {
        var url = p.data && p.data.raw && p.data.raw.url;
        if (url) { window.location.hash = url.replace(/^#/, ""); }
      });
      if (!el.dataset.planResize) {
        el.dataset.planResize = "1";
        window.addEventListener("resize", function () { chart.resize(); });
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { render(); });
  document.addEventListener("htmx:afterSwap", function (e) { render(e.target); });
})();
