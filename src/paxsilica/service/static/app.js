// paxsilica dashboard: draw the plotly figures the server embeds as JSON, also after htmx swaps.
(function () {
  "use strict";
  function draw(root) {
    if (!window.Plotly) { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      // maps read the vendored world outline from the service, never from a CDN
      window.Plotly.react(el, figure.data, figure.layout, {responsive: true, displaylogo: false,
                                                           topojsonURL: "/static/vendor/geo/"})
        .then(function () { el.dataset.drawn = String(Date.now()); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) {
      // show the server's error fragments (4xx/5xx) in place instead of dropping them
      window.htmx.config.responseHandling = [{code: "204", swap: false}, {code: "...", swap: true}];
    }
    draw(document);
    document.body.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
  });
})();
