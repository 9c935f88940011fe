// The map page itself (web/dist) drawing the whole public map from a
// PMTiles archive given as ?tiles=URL, with no beibeimap process at all:
// `beibeimap tiles export` writes the archive and exits, a plain static
// file server (e2e/static-server.mjs, byte ranges) serves web/dist and the
// archive, and Debian's Chromium opens index.html?tiles=beibei.pmtiles.
// Each polygon layer must paint its own colours (layers.js: the target
// district, the created one, others; townships by their district) over a
// good share of its pane's canvas pixels, the credit of GeoNames (CC BY) must show, and the
// page must ask nothing of the API (config.json, /lookup, /collections),
// log no error and ask no other host.
// Run from web/: node --test e2e/

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { foreign, launch, outputDir, repoRoot, webDir } from './harness.mjs';
import { staticServer } from './static-server.mjs';
import { COLOURS, checkTilesPage } from './tiles-page-check.mjs';

let dir;
let archive;
let server;
let browser;

before(async () => {
  if (!existsSync(join(webDir, 'dist', 'index.html'))) throw new Error('front end not built: run `make web` first');
  dir = await mkdtemp(join(tmpdir(), 'beibeimap-tilesmode-'));
  let bin = process.env.BEIBEIMAP_BIN;
  if (!bin) {
    bin = join(dir, 'beibeimap');
    execFileSync('go', ['build', '-o', bin, './cmd/beibeimap'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  archive = join(dir, 'beibei.pmtiles');
  // The export runs to completion: no beibeimap is left running.
  execFileSync(bin, ['tiles', 'export', '--format', 'pmtiles', '-o', archive, '--maxzoom', '12', '--datetime', '2026-11-29'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  server = await staticServer(join(webDir, 'dist'), { '/beibei.pmtiles': archive });
  browser = await launch();
  browser.context.setDefaultTimeout(60_000);
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the map page draws every polygon layer from ?tiles= on a static server, with no service', async () => {
  const origin = `http://127.0.0.1:${server.address().port}`;
  const r = await checkTilesPage(browser, `${origin}/index.html?tiles=beibei.pmtiles`, join(await outputDir(), 'tiles-mode.png'));
  assert.equal(r.mode, 'tiles', 'the page is not in tiles mode');
  for (const [layer, c] of Object.entries(r.counts)) {
    assert.ok(c.total > 0, `${layer}: no canvas in its pane`);
    // Well above zero: each colour over 0.5% of the pane's pixels, and
    // together most of what the layer painted (the rest its outlines).
    let sum = 0;
    for (const [kind, n] of Object.entries(c.own)) {
      sum += n;
      assert.ok(n > 0.005 * c.total, `${layer}: ${n} of ${c.total} pixels of the ${kind} colour ${COLOURS[layer][kind]}, want > 0.5%; all: ${JSON.stringify(c)}`);
    }
    assert.ok(sum > 0.6 * c.painted, `${layer}: ${sum} of the ${c.painted} painted pixels of its colours, want > 60%`);
  }
  for (const id of ['districts', 'townships', 'planning-zones', 'corridors', 'projects', 'seats']) {
    assert.ok(r.layers.includes(`${id}:drawn`), `layer ${id} not drawn: ${r.layers}`);
  }
  assert.match(r.credit, /GeoNames.*CC BY/, 'the attribution control');
  assert.match(r.sources, /GeoNames \(geonames\.org\), CC BY 4\.0/, 'the data sources list');
  assert.deepEqual(r.hidden, { search: true, batch: true, when: true }, 'what needs the service is hidden');
  assert.match(r.panel, /需要 beibeimap 服务/, 'the panel says what needs the service');

  assert.ok(server.ranges.some((x) => x.startsWith('beibei.pmtiles bytes=')), 'the archive was read with range requests');
  const api = r.requests.filter((u) => /config\.json|\/lookup|\/collections|\/tiles\//.test(new URL(u).pathname));
  assert.deepEqual(api, [], 'requests to the API');
  assert.deepEqual(r.errors, [], 'console errors');
  assert.deepEqual(foreign(r.requests, origin), [], 'requests to other hosts');
  console.log(`pixels per layer: ${JSON.stringify(r.counts)}; ${server.ranges.length} range requests`);
});

test('a ?tiles= archive that is missing says so in the status line', async () => {
  const origin = `http://127.0.0.1:${server.address().port}`;
  const page = await browser.context.newPage();
  await page.goto(`${origin}/index.html?tiles=missing.pmtiles`);
  await page.waitForSelector('html[data-ready="1"]');
  assert.match(await page.textContent('#status'), /无法读取瓦片包 .*missing\.pmtiles/);
  await page.close();
});
