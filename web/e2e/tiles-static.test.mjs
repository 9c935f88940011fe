// The map from a PMTiles export on static hosting: `beibeimap tiles export`
// writes the archive and exits, a plain static file server (Node's http,
// with the byte ranges PMTiles readers ask for) serves it with the harness
// page e2e/tiles-static/index.html, and Debian's Chromium draws it with
// protomaps-leaflet. Every polygon layer must fill well over 1% of the
// map's canvas pixels, the page must log no error and ask no other host.
// Run from web/: node --test e2e/

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { foreign, launch, repoRoot, watch, webDir } from './harness.mjs';
import { staticServer } from './static-server.mjs';

let dir;
let server;
let browser;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beibeimap-static-'));
  let bin = process.env.BEIBEIMAP_BIN;
  if (!bin) {
    bin = join(dir, 'beibeimap');
    execFileSync('go', ['build', '-o', bin, './cmd/beibeimap'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  // The export runs to completion: no beibeimap is left running.
  execFileSync(bin, ['tiles', 'export', '-o', join(dir, 'beibei.pmtiles'), '--maxzoom', '11', '--datetime', '2026-11-29'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const nm = join(webDir, 'node_modules');
  await copyFile(join(webDir, 'e2e', 'tiles-static', 'index.html'), join(dir, 'index.html'));
  await copyFile(join(nm, 'leaflet', 'dist', 'leaflet.js'), join(dir, 'leaflet.js'));
  await copyFile(join(nm, 'leaflet', 'dist', 'leaflet.css'), join(dir, 'leaflet.css'));
  await copyFile(join(nm, 'protomaps-leaflet', 'dist', 'protomaps-leaflet.js'), join(dir, 'protomaps-leaflet.js'));
  server = await staticServer(dir);
  browser = await launch();
  browser.context.setDefaultTimeout(30_000);
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('Chromium draws every polygon layer from the PMTiles file on a static server', async () => {
  const origin = `http://127.0.0.1:${server.address().port}`;
  const page = await browser.context.newPage();
  const w = watch(page);
  await page.goto(`${origin}/index.html`);
  const min = Math.round(768 * 768 * 0.01);
  // Wait until every layer shows (tiles arrive in their own time), then check.
  await page.waitForFunction((m) => Object.values(window.counts()).every((n) => n > m), min).catch(() => {});
  const counts = await page.evaluate(() => window.counts());
  for (const [layer, n] of Object.entries(counts)) {
    assert.ok(n > min, `${layer}: ${n} pixels of its colour, want > ${min} (1% of the map); all: ${JSON.stringify(counts)}`);
  }
  assert.ok(w.requests.some((u) => u.endsWith('/beibei.pmtiles')), 'the page did not read the PMTiles file');
  assert.deepEqual(w.errors, [], 'console errors');
  assert.deepEqual(foreign(w.requests, origin), [], 'requests to other hosts');
  console.log(`pixels per layer: ${JSON.stringify(counts)}`);
  await page.close();
});
