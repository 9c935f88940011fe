// Accessibility checked by axe-core (npm, the reference engine) injected
// into the map page in several states and into the OGC API's HTML pages:
// no serious or critical violation (issue 13).

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { launch, mapPoint, panelSeq, startServer, waitLookup, watch } from './harness.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TONGJING = { lon: 106.8448, lat: 29.85653 };

let server;
let browser;

before(async () => {
  server = await startServer();
  // The map page's Content-Security-Policy forbids the injected script;
  // the check is of the page, not of its policy.
  browser = await launch({ bypassCSP: true });
  browser.context.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// axe runs axe-core on page and returns its serious and critical violations.
async function axe(page) {
  await page.addScriptTag({ path: axePath });
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`) }));
  });
  return res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

const report = (vs) => vs.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.join('\n  ')}`).join('\n');

describe('axe-core', () => {
  for (const [name, hash, viewport] of [
    ['map page, default', '', null],
    ['map page, English, before', '#when=before&lang=en', null],
    ['map page, phone', '', { width: 390, height: 844 }],
  ]) {
    test(`${name}: no serious or critical violation, with an answer and a popup open`, async () => {
      const page = await browser.context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      const w = watch(page);
      await page.goto(`${server.url}/map/${hash}`);
      await page.waitForSelector('html[data-ready="1"]');
      let vs = await axe(page);
      assert.deepEqual(vs, [], report(vs));
      await page.evaluate(([lat, lon]) => window.beibeimap.map.setView([lat, lon], 12, { animate: false }), [TONGJING.lat, TONGJING.lon]);
      const pt = await mapPoint(page, TONGJING);
      const seq = await panelSeq(page);
      await page.mouse.click(pt.x, pt.y);
      assert.equal(await waitLookup(page, seq), 'done');
      assert.equal(await page.locator('.leaflet-popup').count(), 1, "the seat's popup is open");
      await page.click('.leaflet-popup-content details summary');
      await page.click('#batch summary');
      vs = await axe(page);
      assert.deepEqual(vs, [], report(vs));
      assert.deepEqual(w.errors, []);
      await page.close();
    });
  }

  for (const path of ['/', '/collections', '/collections/districts', '/collections/districts/items?f=html', '/collections/townships/items/500112133?f=html']) {
    test(`OGC HTML ${path}: no serious or critical violation`, async () => {
      const page = await browser.context.newPage();
      const r = await page.goto(`${server.url}${path}${path.includes('?') ? '' : '?f=html'}`);
      assert.equal(r.status(), 200);
      assert.match(r.headers()['content-type'], /^text\/html/);
      const vs = await axe(page);
      assert.deepEqual(vs, [], report(vs));
      await page.close();
    });
  }
});
