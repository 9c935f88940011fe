// Browser tests of the map page against the real `beibeimap serve`, in
// Debian's Chromium. Run from web/: node --test e2e/
//
// Nothing here waits a fixed time: every wait is for a state the page
// announces (html[data-ready], #panel[data-seq]) or an event.

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { foreign, launch, outputDir, startServer, watch } from './harness.mjs';

const LAYERS = ['districts', 'townships', 'planning-zones', 'corridors', 'projects', 'seats'];
const TONGJING = { lon: 106.8448, lat: 29.85653 }; // seat of 统景镇 (GeoNames)

let server;
let browser;
let out;

before(async () => {
  out = await outputDir();
  server = await startServer();
  browser = await launch();
  browser.context.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// open loads the map page at hash and waits until every layer is drawn.
async function open(hash = '', base = `${server.url}/map/`) {
  const page = await browser.context.newPage();
  const w = watch(page);
  await page.goto(base + hash);
  await page.waitForSelector('html[data-ready="1"]');
  return { page, w };
}

// done asserts that the page logged no error and asked only its own host.
function done({ page, w }, origin = server.url) {
  assert.deepEqual(w.errors, [], 'console errors');
  assert.deepEqual(foreign(w.requests, origin), [], 'requests to other hosts');
  return page.close();
}

// lookupDone waits for the panel to show an answer newer than seq.
async function lookupDone(page, seq) {
  await page.waitForFunction((n) => {
    const p = document.getElementById('panel');
    return Number(p.dataset.seq ?? 0) > n && (p.dataset.state === 'done' || p.dataset.state === 'error');
  }, seq);
  const state = await page.$eval('#panel', (p) => p.dataset.state);
  assert.equal(state, 'done', `lookup failed: ${await page.textContent('#panel')}`);
}

const panelSeq = (page) => page.$eval('#panel', (p) => Number(p.dataset.seq ?? 0));

// clickAt clicks the map at lon/lat.
async function clickAt(page, { lon, lat }) {
  const pt = await page.evaluate(([lat, lon]) => {
    const m = window.beibeimap.map;
    const p = m.latLngToContainerPoint([lat, lon]);
    const r = m.getContainer().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, [lat, lon]);
  const seq = await panelSeq(page);
  await page.mouse.click(pt.x, pt.y);
  await lookupDone(page, seq);
}

// drawable counts the features of a collection on date that have a
// geometry to draw (townships without a known seat have an empty one).
async function drawable(id, date) {
  const r = await fetch(`${server.url}/collections/${id}/items?limit=10000&datetime=${date}`);
  assert.equal(r.status, 200, `${id} items`);
  const nonEmpty = (c) => Array.isArray(c) && (typeof c[0] === 'number' || c.some(nonEmpty));
  return (await r.json()).features.filter((f) => f.geometry && nonEmpty(f.geometry.coordinates)).length;
}

describe('map page', () => {
  test('/map redirects to map/ and the page links its assets relatively', async () => {
    const r = await fetch(`${server.url}/map`, { redirect: 'manual' });
    assert.equal(r.status, 301);
    assert.equal(r.headers.get('location'), 'map/');
    const page = await fetch(`${server.url}/map/`);
    assert.equal(page.status, 200, 'front end built into the binary (else 503: run make web)');
    assert.match(page.headers.get('content-type'), /^text\/html/);
    const html = await page.text();
    assert.doesNotMatch(html, /(src|href)="(\/|https?:)/, 'only relative URLs');
  });

  test('all layers: no console error, no foreign request, every layer drawn, screenshot not blank', async () => {
    const o = await open(`#layers=${LAYERS.join(',')}`);
    const { page } = o;
    const date = await page.evaluate(() => window.beibeimap.currentDate());
    const counts = {};
    for (const id of LAYERS) {
      const paths = await page.locator(`.leaflet-overlay-pane [data-layer="${id}"] path`).count();
      const want = await drawable(id, date);
      assert.ok(want > 0, `${id}: the API has features on ${date}`);
      assert.equal(paths, want, `${id}: one SVG path per feature`);
      counts[id] = paths;
    }
    // Labels and the legend are there too.
    assert.ok((await page.locator('.lbl-districts').count()) >= 30, 'district labels');
    assert.equal(await page.locator('.lbl-incoming').count(), 5, 'five incoming towns labelled');
    assert.equal(await page.locator('.lbl-outgoing').count(), 5, 'five outgoing units labelled');
    // The ECharts credit is added only when config.json's attribution names
    // ECharts, in the same step that fills the list of sources.
    await page.waitForSelector('#sources-list li', { state: 'attached' });
    assert.match(await page.textContent('.leaflet-control-attribution'), /ECharts/);

    await page.screenshot({ path: join(out, 'all-layers.png') });
    await done(o);
  });

  test('measure bytes and time to first draw per layer (reported, not asserted)', async () => {
    // Three loads with the HTTP cache off, each in a new page; the first
    // load of the browser is also its warm-up, so the median is reported.
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const page = await browser.context.newPage();
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await page.goto(`${server.url}/map/#layers=${LAYERS.join(',')}`);
      await page.waitForSelector('html[data-ready="1"]');
      runs.push(
        await page.evaluate(() => {
          const marks = Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)]));
          const layers = performance
            .getEntriesByType('resource')
            .filter((r) => r.name.includes('/collections/'))
            .map((r) => ({
              layer: new URL(r.name).pathname.split('/')[2],
              wireBytes: r.encodedBodySize,
              jsonBytes: r.decodedBodySize,
              fetchStartMs: Math.round(r.startTime),
              fetchMs: Math.round(r.responseEnd - r.startTime),
              drawnAtMs: marks[`draw:${new URL(r.name).pathname.split('/')[2]}`],
            }));
          return { scriptStartMs: marks['app:start'], firstDrawMs: marks['draw:first'], allDrawnMs: marks['draw:all'], layers };
        }),
      );
      await page.close();
    }
    for (const r of runs) assert.equal(r.layers.length, LAYERS.length, 'one items request per layer');
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const summary = {
      runs: runs.length,
      scriptStartMs: median(runs.map((r) => r.scriptStartMs)),
      firstDrawMs: median(runs.map((r) => r.firstDrawMs)),
      allDrawnMs: median(runs.map((r) => r.allDrawnMs)),
      layers: LAYERS.map((id) => {
        const rs = runs.map((r) => r.layers.find((l) => l.layer === id));
        return {
          layer: id,
          wireBytes: rs[0].wireBytes,
          jsonBytes: rs[0].jsonBytes,
          fetchStartMs: median(rs.map((l) => l.fetchStartMs)),
          fetchMs: median(rs.map((l) => l.fetchMs)),
          drawnAtMs: median(rs.map((l) => l.drawnAtMs)),
        };
      }),
    };
    await writeFile(join(out, 'perf.json'), JSON.stringify({ summary, runs }, null, 2));
    console.log(`script started ${summary.scriptStartMs} ms, first features drawn ${summary.firstDrawMs} ms after navigation start, all layers ${summary.allDrawnMs} ms (median of ${runs.length}; runs: ${runs.map((r) => r.firstDrawMs).join(', ')} ms)`);
    for (const l of summary.layers) {
      console.log(`${l.layer}: ${l.wireBytes} B gzip on the wire, ${l.jsonBytes} B GeoJSON, fetched from ${l.fetchStartMs} ms in ${l.fetchMs} ms, drawn at ${l.drawnAtMs} ms`);
    }
  });

  test('default view: Beibei outlined on top, screenshot saved and not blank', async () => {
    const o = await open();
    const { page } = o;
    assert.equal(await page.locator('.leaflet-overlay-pane .leaflet-outline-pane path').count(), 1, 'one outline of 北碚区');
    assert.equal(await page.isChecked('#layer-list input[data-layer="planning-zones"]'), false, 'zones off by default');
    assert.ok((await page.locator('.leaflet-overlay-pane [data-layer="townships"] path').count()) > 0);
    const shot = await page.screenshot({ path: join(out, 'default-view.png') });
    const colours = await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const img = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      for (let i = 0; i < d.length; i += 4 * 7) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return seen.size;
    }, shot.toString('base64'));
    assert.ok(colours > 50, `screenshot has ${colours} colours: blank?`);
    await done(o);
  });

  test('GCJ-02 forward conversion matches the reference pair', async () => {
    const o = await open();
    const [lon, lat] = await o.page.evaluate(() => window.beibeimap.wgs84ToGcj02(116.404, 39.915));
    assert.ok(Math.abs(lon - 116.41024449916938) < 1e-9, `lon ${lon}`);
    assert.ok(Math.abs(lat - 39.91640428150164) < 1e-9, `lat ${lat}`);
    await done(o);
  });

  test('clicking the seat of 统景镇 shows 北碚区 and the change; before 2026-01-25 it shows 渝北区', async () => {
    const o = await open(`#map=13/${TONGJING.lat}/${TONGJING.lon}&when=after&layers=districts,townships,seats&lang=zh`);
    const { page } = o;
    // The permalink was honoured.
    assert.equal(await page.evaluate(() => window.beibeimap.map.getZoom()), 13);
    assert.equal(await page.locator('.leaflet-overlay-pane [data-layer="projects"] path').count(), 0, 'projects hidden by the permalink');
    assert.equal(await page.getAttribute('#when-after', 'aria-pressed'), 'true');

    await clickAt(page, TONGJING);
    // The seat's click handler looks up; the map's does not run as well.
    assert.equal(o.w.requests.filter((u) => u.includes('/lookup?')).length, 1, 'one lookup per click');
    assert.match(await page.textContent('#panel .district'), /北碚区/);
    assert.match(await page.textContent('#panel .township'), /统景镇/);
    // The seat's popup gives its properties in Chinese and English.
    const popup = await page.textContent('.leaflet-popup-content');
    assert.match(popup, /统景镇/);
    assert.match(popup, /Tongjing/);
    const notice = page.locator('#panel .notice');
    assert.equal(await notice.count(), 1, 'change notice shown');
    assert.match(await notice.textContent(), /2026-01-25/);
    assert.match(await notice.textContent(), /渝北区/);
    // Coordinates in both datums; the GCJ-02 one is the forward formula's.
    const wgs = (await page.textContent('#panel .wgs84')).split(',').map(Number);
    const gcj = (await page.textContent('#panel .gcj02')).split(',').map(Number);
    assert.ok(Math.abs(wgs[0] - TONGJING.lon) < 1e-3 && Math.abs(wgs[1] - TONGJING.lat) < 1e-3, `WGS84 ${wgs}`);
    const want = await page.evaluate(([lon, lat]) => window.beibeimap.wgs84ToGcj02(lon, lat), wgs);
    assert.ok(Math.abs(gcj[0] - want[0]) < 2e-6 && Math.abs(gcj[1] - want[1]) < 2e-6, `GCJ-02 ${gcj}, want ${want}`);
    const outlineAfter = await page.getAttribute('.leaflet-outline-pane path', 'd');
    const afterLabels = await page.locator('.lbl-districts').allTextContents();
    assert.ok(afterLabels.includes('两江新区'), 'after: 两江新区 drawn');

    await page.click('#when-before');
    await page.waitForSelector('html[data-ready="1"][data-when="before"]');
    assert.match(page.url(), /when=before/, 'the URL says which layout');
    const beforeLabels = await page.locator('.lbl-districts').allTextContents();
    assert.ok(beforeLabels.includes('渝北区') && !beforeLabels.includes('两江新区'), `before: ${beforeLabels}`);
    const outlineBefore = await page.getAttribute('.leaflet-outline-pane path', 'd');
    assert.ok(outlineBefore && outlineBefore !== outlineAfter, 'the outline of 北碚区 changes with the layout');
    await clickAt(page, TONGJING);
    assert.match(await page.textContent('#panel .district'), /渝北区/);
    assert.match(await page.textContent('#panel .date'), /2026-01-24/);

    // Reloading restores "before".
    await page.reload();
    await page.waitForSelector('html[data-ready="1"][data-when="before"]');
    assert.equal(await page.getAttribute('#when-before', 'aria-pressed'), 'true');
    await done(o);
  });

  test('searching 水土 zooms there and shows 两江新区 with the notice', async () => {
    const o = await open();
    const { page } = o;
    const seq = await panelSeq(page);
    await page.fill('#search', '水土');
    await page.press('#search', 'Enter');
    await lookupDone(page, seq);
    assert.match(await page.textContent('#panel .district'), /两江新区/);
    assert.equal(await page.locator('#panel .notice').count(), 1, 'change notice shown');
    assert.match(await page.textContent('#panel .notice'), /北碚区/);
    const api = await (await fetch(`${server.url}/lookup?address=${encodeURIComponent('水土')}`)).json();
    const c = await page.evaluate(() => window.beibeimap.map.getCenter());
    assert.ok(Math.abs(c.lng - api.query.lon) < 1e-3 && Math.abs(c.lat - api.query.lat) < 1e-3, `map centred on the match: ${JSON.stringify(c)}`);

    // A failed search replaces the answer: switching the language must not
    // bring the previous answer back over the error.
    const before = await panelSeq(page);
    await page.fill('#search', 'zzzqqq');
    await page.press('#search', 'Enter');
    await page.waitForFunction((n) => Number(document.getElementById('panel').dataset.seq ?? 0) > n, before);
    assert.equal(await page.$eval('#panel', (p) => p.dataset.state), 'error');
    await page.click('#lang');
    assert.equal(await page.$eval('#panel', (p) => p.dataset.state), 'error', 'still the error after the language switch');
    assert.equal(await page.locator('#panel .error').count(), 1, 'error shown');
    assert.equal(await page.locator('#panel .answer').count(), 0, 'no old answer');
    // Chromium logs the expected 404 of the failed search as a console error.
    o.w.errors = o.w.errors.filter((e) => !/status of 404/.test(e) || !e.includes('/lookup?address='));
    await done(o);
  });

  test('the language toggle changes the labels of the panel and is kept on reload', async () => {
    const o = await open(`#map=12/${TONGJING.lat}/${TONGJING.lon}&when=after&layers=districts,townships&lang=zh`);
    const { page } = o;
    // Look up the centre of the map by keyboard.
    const seq = await panelSeq(page);
    await page.focus('#map');
    await page.keyboard.press('Enter');
    await lookupDone(page, seq);
    const zh = await page.locator('#panel dt').allTextContents();
    assert.ok(zh.includes('区县'), `zh labels: ${zh}`);
    await page.click('#lang');
    const en = await page.locator('#panel dt').allTextContents();
    assert.ok(en.includes('District') && !en.includes('区县'), `en labels: ${en}`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('#when-before'), 'Before');
    assert.match(await page.textContent('#panel .district'), /Beibei/);
    assert.match(page.url(), /lang=en/);
    await page.reload();
    await page.waitForSelector('html[data-ready="1"]');
    assert.equal(await page.textContent('#when-after'), 'After');
    await done(o);
  });

  test('the permalink restores zoom, centre and layers', async () => {
    const o = await open();
    const { page } = o;
    await page.uncheck('#layer-list input[data-layer="projects"]');
    assert.equal(await page.locator('.leaflet-overlay-pane [data-layer="projects"] path').count(), 0);
    await page.evaluate(() => window.beibeimap.map.setView([29.9, 106.7], 11, { animate: false }));
    await page.waitForFunction(() => location.hash.startsWith('#map=11/'));
    await page.reload();
    await page.waitForSelector('html[data-ready="1"]');
    assert.equal(await page.isChecked('#layer-list input[data-layer="projects"]'), false);
    assert.equal(await page.locator('.leaflet-overlay-pane [data-layer="projects"] path').count(), 0);
    assert.ok((await page.locator('.leaflet-overlay-pane [data-layer="seats"] path').count()) > 0);
    const v = await page.evaluate(() => ({ z: window.beibeimap.map.getZoom(), c: window.beibeimap.map.getCenter() }));
    assert.equal(v.z, 11);
    // Leaflet snaps the centre to whole pixels (about 0.0007° at zoom 11).
    assert.ok(Math.abs(v.c.lat - 29.9) < 1e-3 && Math.abs(v.c.lng - 106.7) < 1e-3, JSON.stringify(v));
    await done(o);
  });

  test('works under a path prefix behind a reverse proxy', async () => {
    // A plain forwarding proxy that mounts the service under /beibei/.
    const upstream = new URL(server.url);
    const misses = [];
    const proxy = http.createServer((req, res) => {
      if (!req.url.startsWith('/beibei/')) {
        misses.push(req.url);
        res.writeHead(404).end();
        return;
      }
      const up = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url.slice('/beibei'.length), headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode, r.headers);
          r.pipe(res);
        },
      );
      req.pipe(up);
    });
    await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${proxy.address().port}`;
    try {
      const page = await browser.context.newPage();
      const w = watch(page);
      // The redirect from /beibei/map keeps the prefix (and the fragment).
      await page.goto(`${origin}/beibei/map#map=12/${TONGJING.lat}/${TONGJING.lon}&when=after&layers=districts,seats&lang=zh`);
      await page.waitForSelector('html[data-ready="1"]');
      assert.equal(new URL(page.url()).pathname, '/beibei/map/');
      assert.ok((await page.locator('.leaflet-overlay-pane [data-layer="districts"] path').count()) > 0);
      await clickAt(page, TONGJING);
      assert.match(await page.textContent('#panel .district'), /北碚区/);
      assert.deepEqual(misses, [], 'requests that escaped the prefix');
      await done({ page, w }, origin);
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });

  test('a basemap given by serve --basemap is offered, drawn and can be switched off', async () => {
    // A tile template on the server itself (the favicon), since nothing
    // else may be reached: what matters is that the page asks for tiles.
    const tiles = await startServer(['--basemap', '../favicon.ico?z={z}&x={x}&y={y}']);
    try {
      const page = await browser.context.newPage();
      const w = watch(page);
      await page.goto(`${tiles.url}/map/`);
      await page.waitForSelector('html[data-ready="1"]');
      await page.waitForSelector('#layer-list input[data-layer="basemap"]');
      assert.equal(await page.isChecked('#layer-list input[data-layer="basemap"]'), true, 'a configured basemap starts on');
      await page.waitForFunction(() => document.querySelectorAll('.leaflet-tile-pane img.leaflet-tile-loaded').length > 0);
      assert.ok(w.requests.some((u) => /\/favicon\.ico\?z=\d+&x=\d+&y=\d+$/.test(u)), 'tiles requested');
      assert.match(page.url(), /layers=basemap,/);
      await page.uncheck('#layer-list input[data-layer="basemap"]');
      assert.equal(await page.locator('.leaflet-tile-pane img').count(), 0, 'basemap switched off');
      await done({ page, w }, tiles.url);
    } finally {
      await tiles.stop();
    }
  });

  test('on a phone the panel sits under the map and nothing overflows', async () => {
    const page = await browser.context.newPage();
    const w = watch(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/map/`);
    await page.waitForSelector('html[data-ready="1"]');
    const box = await page.evaluate(() => {
      const m = document.getElementById('map').getBoundingClientRect();
      const s = document.querySelector('.side').getBoundingClientRect();
      return { mapBottom: m.bottom, mapHeight: m.height, sideTop: s.top, scrollW: document.documentElement.scrollWidth };
    });
    assert.ok(box.mapHeight > 300, `map height ${box.mapHeight}`);
    assert.ok(box.sideTop >= box.mapBottom - 1, `panel under the map: ${JSON.stringify(box)}`);
    assert.ok(box.scrollW <= 390, `horizontal overflow: ${box.scrollW}`);
    await page.screenshot({ path: join(out, 'phone-view.png') });
    // Every control has an accessible name.
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll('button, input, [role="application"]')]
        .filter((n) => !(n.getAttribute('aria-label') || n.textContent.trim() || n.labels?.length))
        .map((n) => n.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unnamed, []);
    await done({ page, w });
  });
});
