// Build plotly.js with only the traces paxsilica draws (see entry.js), as plotly.js builds its
// own partial bundles (esbuild-config.js of plotly.js 4.1.1), minified.
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');
const fs = require('fs');
const version = require('plotly.js/package.json').version;
const out = process.argv[2] || `plotly-paxsilica-${version}.min.js`;
esbuild.build({
    entryPoints: [__dirname + '/entry.js'], outfile: out,
    format: 'iife', globalName: 'Plotly', bundle: true, minify: true, sourcemap: false,
    plugins: [InlineCSSPlugin(), environmentPlugin({ NODE_DEBUG: false })],
    alias: { stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' }, target: 'es2016', logLevel: 'warning',
    legalComments: 'none',
    banner: { js: `/* plotly.js v${version} (traces: scatter, bar, heatmap, sankey, scattergeo, choropleth) | MIT licence, Copyright 2012-2026 Plotly, Inc. | built for paxsilica */` },
}).then(() => console.log(out, fs.statSync(out).size)).catch(() => process.exit(1));
