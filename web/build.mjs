// build.mjs bundles the map page from src/ into dist/, the folder that
// web.go embeds: index.html, app.js, app.css and Leaflet's images (named
// with a content hash). dist/README.txt, the one committed file, is kept.
//
// Usage: node build.mjs   (run by `npm run build` and `make web`)

import { build } from 'esbuild';
import { copyFile, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const dist = join(here, 'dist');

for (const name of await readdir(dist)) {
  if (name !== 'README.txt') await rm(join(dist, name), { recursive: true, force: true });
}

const result = await build({
  entryPoints: { app: join(src, 'main.js') },
  outdir: dist,
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'iife',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  loader: { '.png': 'file' }, // Leaflet's CSS refers to PNG images only
  assetNames: '[name]-[hash]',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});
await copyFile(join(src, 'index.html'), join(dist, 'index.html'));

for (const [file, info] of Object.entries(result.metafile.outputs)) {
  console.log(`${file.replace(here + '/', '')}\t${info.bytes} bytes`);
}
