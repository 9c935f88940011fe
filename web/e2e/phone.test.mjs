// The page on a phone (390×844, issue 13): the answer in a bottom sheet
// that leaves at least half the map visible, popups that are never cut off
// by the map's edge, and the nearby list's bullets on its items.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, mapPoint, openPage, panelSeq, startServer, waitLookup } from './harness.mjs';

const PHONE = { width: 390, height: 844 };
const TONGJING = { lon: 106.8448, lat: 29.85653 }; // seat of 统景镇 (GeoNames)
const ALL = 'layers=districts,townships,planning-zones,corridors,projects,seats';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch({ viewport: PHONE, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  browser.context.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// layout measures the visible map, the sheet and the bar.
const layout = (page) =>
  page.evaluate(() => {
    const r = (sel) => document.querySelector(sel).getBoundingClientRect();
    const m = r('#map');
    const visible = Math.max(0, Math.min(m.bottom, innerHeight) - Math.max(m.top, 0));
    return { mapVisible: visible, below: innerHeight - r('.bar').bottom, side: r('.side'), vh: innerHeight, scrollW: document.documentElement.scrollWidth };
  });

describe('phone', () => {
  test('the answer sits in a bottom sheet that leaves at least half the map visible, and folds away', async () => {
    const { page, w } = await openPage(browser, server, `#map=12/${TONGJING.lat}/${TONGJING.lon}&${ALL}&lang=zh`);
    const pt = await mapPoint(page, TONGJING);
    const seq = await panelSeq(page);
    await page.mouse.click(pt.x, pt.y);
    assert.equal(await waitLookup(page, seq), 'done');
    let l = await layout(page);
    assert.equal(await page.getAttribute('#sheet-toggle', 'aria-expanded'), 'true', 'the sheet opens with the answer');
    assert.ok(l.mapVisible >= 0.5 * l.below, `map visible ${l.mapVisible} of ${l.below} px under the bar`);
    assert.ok(l.side.bottom <= l.vh + 0.5, `sheet inside the screen: ${JSON.stringify(l.side)}`);
    assert.ok(l.scrollW <= PHONE.width, `horizontal overflow ${l.scrollW}`);
    assert.ok(await page.locator('#panel .district').isVisible(), 'the answer is on screen');

    // Folded, the map takes the screen; the handle works by keyboard.
    await page.focus('#sheet-toggle');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('#sheet-toggle', 'aria-expanded'), 'false');
    assert.equal(await page.locator('#panel').isVisible(), false);
    const folded = await layout(page);
    assert.ok(folded.mapVisible > l.mapVisible + 100, `folded: ${folded.mapVisible} vs ${l.mapVisible}`);
    await page.keyboard.press('Space');
    assert.equal(await page.getAttribute('#sheet-toggle', 'aria-expanded'), 'true');
    l = await layout(page);
    assert.ok(l.mapVisible >= 0.5 * l.below);
    assert.deepEqual(w.errors, []);
    await page.close();
  });

  test('the nearby list has one bullet per item, on its first line', async () => {
    const { page } = await openPage(browser, server, `#map=12/${TONGJING.lat}/${TONGJING.lon}&${ALL}&lang=en`);
    const pt = await mapPoint(page, TONGJING);
    const seq = await panelSeq(page);
    await page.mouse.click(pt.x, pt.y);
    assert.equal(await waitLookup(page, seq), 'done');
    const items = await page.$$eval('#panel .nearby li', (lis) =>
      lis.map((li) => {
        const b = li.querySelector('.bullet')?.getBoundingClientRect();
        const name = li.querySelector('button').getBoundingClientRect();
        const line = parseFloat(getComputedStyle(li.querySelector('button')).lineHeight) || 20;
        return { bullet: b ? (b.top + b.bottom) / 2 : null, first: name.top + line / 2, line, wraps: name.height > line * 1.5 };
      }),
    );
    assert.ok(items.length >= 3, `nearby items: ${items.length}`);
    assert.ok(items.some((i) => i.wraps), 'some name wraps on a phone (else this proves nothing)');
    for (const i of items) {
      assert.notEqual(i.bullet, null, 'a bullet');
      assert.ok(Math.abs(i.bullet - i.first) < i.line / 2, `bullet at ${i.bullet}, first line at ${i.first}`);
    }
    await page.close();
  });

  test('popups are never cut off by the map, with their details open', async () => {
    for (const lang of ['zh', 'en']) {
      const { page, w } = await openPage(browser, server, `#map=11/29.85/106.6&${ALL}&lang=${lang}`);
      // One feature of each collection, the one with the longest text.
      const picks = await page.evaluate(() => {
        const best = {};
        window.beibeimap.map.eachLayer((l) => {
          if (!l.feature || !l.getPopup?.()) return;
          const n = JSON.stringify(l.feature.properties).length;
          const pane = l.options.pane;
          if (!best[pane] || n > best[pane].n) best[pane] = { n, id: String(l.feature.id), pane };
        });
        return Object.values(best);
      });
      assert.equal(picks.length, 6, 'a feature of every layer');
      for (const f of picks) {
        await page.evaluate(({ pane, id }) => {
          window.beibeimap.map.eachLayer((l) => {
            if (l.feature && String(l.feature.id) === id && l.options.pane === pane) l.openPopup();
          });
        }, f);
        const summary = page.locator('.leaflet-popup-content details summary');
        if (await summary.count()) {
          await summary.click();
          assert.equal(await page.$eval('.leaflet-popup-content details', (d) => d.open), true, 'the details stay open');
        }
        // Leaflet pans the map to fit the popup; wait for that state.
        const inside = await page
          .waitForFunction(
            () => {
              const p = document.querySelector('.leaflet-popup').getBoundingClientRect();
              const m = document.getElementById('map').getBoundingClientRect();
              return p.top >= m.top - 0.5 && p.left >= m.left - 0.5 && p.right <= m.right + 0.5 && p.bottom <= m.bottom + 0.5;
            },
            null,
            { timeout: 10_000 },
          )
          .then(() => true, () => false);
        const rects = await page.evaluate(() => [document.querySelector('.leaflet-popup').getBoundingClientRect().toJSON(), document.getElementById('map').getBoundingClientRect().toJSON()]);
        assert.ok(inside, `${lang} popup of ${f.pane}/${f.id} cut off: popup ${JSON.stringify(rects[0])}, map ${JSON.stringify(rects[1])}`);
      }
      assert.deepEqual(w.errors, []);
      await page.close();
    }
  });
});
