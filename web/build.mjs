// build.mjs - bundles web/src into OUTDIR/{index.html,app.js,app.css} and a gzip copy of each.
// Run by the CMake build (node build.mjs OUTDIR); no network, only the packages in node_modules.
import { build } from 'esbuild';
import { gzipSync, constants } from 'node:zlib';
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error('usage: node build.mjs OUTDIR');
  process.exit(2);
}
mkdirSync(out, { recursive: true });

await build({
  entryPoints: { app: join(here, 'src/main.jsx'), 'app-style': join(here, 'src/app.css') },
  outdir: out,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
});
// esbuild names the CSS entry app-style.css; the page asks for app.css.
copyFileSync(join(out, 'app-style.css'), join(out, 'app.css'));
copyFileSync(join(here, 'index.html'), join(out, 'index.html'));

// Gzip copies at the highest level: the server sends them to browsers that accept gzip.
let total = 0;
for (const f of ['index.html', 'app.js', 'app.css']) {
  const gz = gzipSync(readFileSync(join(out, f)), { level: constants.Z_BEST_COMPRESSION });
  writeFileSync(join(out, f + '.gz'), gz);
  total += gz.length;
}
console.log(`web: built ${out} (${(total / 1024).toFixed(1)} kB gzipped)`);
