'use strict';
// The traces paxsilica draws (report and dashboard); scatter is in the core.
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/sankey'),
    require('plotly.js/lib/scattergeo'),
    require('plotly.js/lib/choropleth'),
]);
module.exports = Plotly;
