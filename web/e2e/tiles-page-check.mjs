// Opens the map page in tiles mode (index.html?tiles=URL, no service
// behind it) in Debian's Chromium, waits until every layer is drawn and
// reports what a test checks: for each polygon layer the pixels of its own
// colour in its pane's canvases, the layers drawn, the attribution
// control's and the sources list's text, console errors and every URL the
// page asked for. It asserts nothing itself: e2e/tiles-mode.test.mjs and
// deploy/tilesmode_test.go (the archive served by nginx) read it.
//
// Usage: node web/e2e/tiles-page-check.mjs PAGE_URL   (prints one JSON line)

import { fileURLToPath } from 'node:url';
import { launch, watch } from './harness.mjs';

// COLOURS are the fill colours of the polygon layers as layers.js draws
// them with the region's facts (which the archive's metadata carries):
// a district by its kind (the target, the created district, any other),
// a township by the kind of the district it belongs to from the change.
export const COLOURS = {
  districts: { target: '#c62828', created: '#1565c0', other: '#8d8d8d' },
  townships: { target: '#c62828', created: '#1565c0' },
};

// paneColours counts, in the canvases of the pane of each layer, the
// painted pixels (alpha > 0), and those of each of its colours within the
// error that translucent canvas pixels carry (their RGB is stored
// premultiplied by alpha, so a faint fill comes back rounded by about
// 255/alpha).
function paneColours(colours) {
  const out = {};
  for (const [layer, named] of Object.entries(colours)) {
    const want = Object.entries(named).map(([k, hex]) => [k, [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))]);
    const own = Object.fromEntries(want.map(([k]) => [k, 0]));
    let painted = 0;
    let total = 0;
    for (const cv of document.querySelectorAll(`.leaflet-pane[data-layer="${layer}"] canvas`)) {
      if (!cv.width) continue;
      const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
      total += d.length / 4;
      for (let i = 0; i < d.length; i += 4) {
        const a = d[i + 3];
        if (!a) continue;
        painted++;
        const tol = 255 / a + 3;
        for (const [k, c] of want) {
          if (Math.abs(d[i] - c[0]) <= tol && Math.abs(d[i + 1] - c[1]) <= tol && Math.abs(d[i + 2] - c[2]) <= tol) {
            own[k]++;
            break;
          }
        }
      }
    }
    out[layer] = { own, painted, total };
  }
  return out;
}

// checkTilesPage opens url in a new page of browser (see harness.mjs's
// launch) and reports; screenshot, if given, is where a PNG of it goes.
export async function checkTilesPage(browser, url, screenshot) {
  const page = await browser.context.newPage();
  const w = watch(page);
  try {
    await page.goto(url);
    await page.waitForSelector('html[data-ready="1"]', { timeout: 60_000 });
    const r = {
      mode: await page.evaluate(() => document.documentElement.dataset.mode ?? ''),
      counts: await page.evaluate(paneColours, COLOURS),
      layers: await page.evaluate(() => [...document.querySelectorAll('.leaflet-pane[data-layer]')].map((p) => `${p.dataset.layer}:${p.dataset.state}`)),
      credit: await page.textContent('.leaflet-control-attribution'),
      sources: await page.textContent('#sources-list'),
      status: await page.textContent('#status'),
      panel: await page.textContent('#panel'),
      hidden: {
        search: !(await page.isVisible('#search-form')),
        batch: !(await page.isVisible('#batch')),
        when: !(await page.isVisible('.when')),
      },
    };
    if (screenshot) await page.screenshot({ path: screenshot });
    return { ...r, errors: w.errors, requests: w.requests };
  } finally {
    await page.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const browser = await launch();
  try {
    console.log(JSON.stringify(await checkTilesPage(browser, process.argv[2], process.argv[3])));
  } finally {
    await browser.close();
  }
}
