// Screenshots kept as test artifacts (issue 13): the default view, a
// click, Before mode and English mode, on a desktop (1366×768) and a phone
// (390×844), in TEST_OUTPUT_DIR (default web/e2e/output/, ignored by git).
// Each must show the map: many colours, and the red of the target
// district's outline.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launch, mapPoint, openPage, outputDir, panelSeq, startServer, waitLookup } from './harness.mjs';

const TONGJING = { lon: 106.8448, lat: 29.85653 };

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

// pixels counts the distinct colours of a PNG and its pixels of the
// target's outline colour (#c62828, within a small tolerance).
function pixels(page, png) {
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const img = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = new OffscreenCanvas(img.width, img.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, img.width, img.height).data;
    const seen = new Set();
    let red = 0;
    for (let i = 0; i < d.length; i += 4) {
      seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      if (Math.abs(d[i] - 0xc6) < 24 && Math.abs(d[i + 1] - 0x28) < 24 && Math.abs(d[i + 2] - 0x28) < 24) red++;
    }
    return { colours: seen.size, red };
  }, png.toString('base64'));
}

describe('screenshots', () => {
  for (const [device, viewport] of [['desktop', { width: 1366, height: 768 }], ['phone', { width: 390, height: 844 }]]) {
    test(`${device}: default, click, before, English`, async () => {
      const shots = {};
      const { page, w } = await openPage(browser, server, '', viewport);
      shots.default = await page.screenshot({ path: join(out, `${device}-default.png`) });
      const pt = await mapPoint(page, TONGJING);
      const seq = await panelSeq(page);
      await page.mouse.click(pt.x, pt.y);
      assert.equal(await waitLookup(page, seq), 'done');
      shots.click = await page.screenshot({ path: join(out, `${device}-click.png`) });
      await page.click('#when-before');
      await page.waitForSelector('html[data-ready="1"][data-when="before"]');
      await waitLookup(page, seq + 1);
      shots.before = await page.screenshot({ path: join(out, `${device}-before.png`) });
      await page.click('#lang');
      await page.waitForSelector('html[data-lang="en"]');
      shots.english = await page.screenshot({ path: join(out, `${device}-english.png`) });
      for (const [name, png] of Object.entries(shots)) {
        const p = await pixels(page, png);
        assert.ok(p.colours > 200, `${device}-${name}: ${p.colours} colours, blank?`);
        assert.ok(p.red > 300, `${device}-${name}: ${p.red} pixels of the outline's red`);
      }
      assert.deepEqual(w.errors, []);
      await page.close();
    });
  }
});
