// paxsilica dashboard: draw the plotly figures the server embeds as JSON (also after htmx
// swaps), and offer every table's and chart's rows as CSV and JSON downloads.
(function () {
  "use strict";
  var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;

  function themed(layout) {
    if (!dark) { return layout; }
    layout.paper_bgcolor = "#161b22"; layout.plot_bgcolor = "#161b22";
    layout.font = Object.assign({}, layout.font, {color: "#e5e7eb"});
    ["xaxis", "yaxis"].forEach(function (axis) {
      layout[axis] = Object.assign({}, layout[axis], {gridcolor: "#374151", zerolinecolor: "#4b5563"});
    });
    if (layout.geo) { layout.geo = Object.assign({}, layout.geo, {bgcolor: "#161b22", landcolor: "#1f2630"}); }
    return layout;
  }

  function draw(root) {
    if (!window.Plotly) { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      // the box keeps the figure's height: plotly's resize (a phone turned, a window
      // resized) otherwise left the box at its CSS minimum with the plot spilling over
      // the table below it
      if (figure.layout && figure.layout.height) {
        el.style.minHeight = (figure.layout.height + 2) + "px";  // + the box's 1-px borders
      }
      // maps read the vendored world outline from the service, never from a CDN
      window.Plotly.react(el, figure.data, themed(figure.layout || {}),
                          {responsive: true, displaylogo: false, topojsonURL: "/static/vendor/geo/"})
        .then(function () { el.dataset.drawn = String(Date.now()); });
    });
  }

  function cell(value) {
    if (value === null || value === undefined) { return ""; }
    if (Array.isArray(value)) { value = value.join("; "); }
    else if (typeof value === "object") { value = JSON.stringify(value); }
    value = String(value);
    return /[",\n\r]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }

  function csv(rows) {
    var columns = [];
    rows.forEach(function (row) {
      Object.keys(row).forEach(function (key) { if (columns.indexOf(key) < 0) { columns.push(key); } });
    });
    var lines = [columns.map(cell).join(",")];
    rows.forEach(function (row) { lines.push(columns.map(function (c) { return cell(row[c]); }).join(",")); });
    return lines.join("\r\n") + "\r\n";
  }

  function save(text, type, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], {type: type}));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  }

  function downloads(root) {
    root.querySelectorAll(".downloads[data-rows]").forEach(function (box) {
      if (box.dataset.ready) { return; }
      box.dataset.ready = "1";
      var name = box.dataset.name || "table", label = box.dataset.label || "these rows";
      [["CSV", "text/csv"], ["JSON", "application/json"]].forEach(function (format) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "secondary";
        button.textContent = "Download " + format[0];
        // the spoken name starts with the visible one (WCAG 2.5.3, label in name)
        button.setAttribute("aria-label", "Download " + format[0] + " of " + label);
        button.dataset.format = format[0].toLowerCase();
        button.addEventListener("click", function () {
          var rows = JSON.parse(document.getElementById(box.dataset.rows).textContent);
          var text = format[0] === "CSV" ? csv(rows) : JSON.stringify(rows, null, 2) + "\n";
          save(text, format[1], name + "." + format[0].toLowerCase());
        });
        box.appendChild(button);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) {
      // show the server's error fragments (4xx/5xx) in place instead of dropping them
      window.htmx.config.responseHandling = [{code: "204", swap: false}, {code: "...", swap: true}];
    }
    draw(document);
    downloads(document);
    document.body.addEventListener("htmx:afterSettle", function (event) {
      draw(event.target);
      downloads(event.target);
    });
  });
})();
