// Keyboard use of every control and ARIA on the new ones (issue 13): Tab
// reaches every visible control, each shows where the focus is, and each
// works with Enter or Space.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, openPage, panelSeq, startServer, waitLookup } from './harness.mjs';

const TONGJING = { lon: 106.8448, lat: 29.85653 };

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
  browser.context.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// controls lists the visible interactive elements, each named by a
// selector-like description, and marks them with data-kb for the walk.
const controls = (page) =>
  page.evaluate(() => {
    const sel = 'a[href], button, input, select, summary, textarea, [tabindex]:not([tabindex="-1"])';
    return [...document.querySelectorAll(sel)]
      .filter((n) => n.checkVisibility({ visibilityProperty: true }) && !n.disabled && n.closest('[inert]') == null)
      .map((n, i) => {
        n.dataset.kb = String(i);
        return `${n.tagName.toLowerCase()}${n.id ? '#' + n.id : ''}${n.className && typeof n.className === 'string' ? '.' + n.className.split(' ')[0] : ''} "${(n.getAttribute('aria-label') || n.textContent).trim().slice(0, 30)}"`;
      });
  });

// tabWalk presses Tab until the focus comes back round, and returns the
// data-kb marks met and whether each focused element showed an outline.
async function tabWalk(page, max) {
  const seen = new Map();
  // Start before the first control: the focus point at the top of the page.
  await page.evaluate(() => {
    document.activeElement?.blur();
    const start = document.createElement('span');
    start.tabIndex = -1;
    document.body.prepend(start);
    start.focus();
    start.remove();
  });
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const n = document.activeElement;
      if (!n || n === document.body) return null;
      const s = getComputedStyle(n);
      return { kb: n.dataset.kb ?? null, outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, tag: n.outerHTML.slice(0, 80) };
    });
    if (!f) continue;
    if (f.kb != null && seen.has(f.kb)) break;
    seen.set(f.kb ?? f.tag, f);
  }
  return seen;
}

describe('keyboard', () => {
  for (const [name, viewport] of [['desktop', null], ['phone', { width: 390, height: 844 }]]) {
    test(`${name}: Tab reaches every visible control, with a visible focus`, async () => {
      const { page } = await openPage(browser, server, `#map=12/${TONGJING.lat}/${TONGJING.lon}&lang=zh`, viewport);
      // With an answer and the spreadsheet section open, so that their
      // controls are in the walk too.
      const seq = await panelSeq(page);
      await page.focus('#map');
      await page.keyboard.press('Enter');
      assert.equal(await waitLookup(page, seq), 'done');
      await page.evaluate(() => (document.getElementById('batch').open = true));
      const all = await controls(page);
      const seen = await tabWalk(page, all.length + 40);
      const missed = all.filter((_, i) => !seen.has(String(i)));
      if (missed.length) console.log([...seen.keys()].join(" "));
      assert.deepEqual(missed, [], 'controls Tab never reaches');
      const noOutline = [...seen.values()].filter((f) => !f.outline).map((f) => f.tag);
      assert.deepEqual(noOutline, [], 'focused without a visible outline');
      await page.close();
    });
  }

  test('every control works from the keyboard', async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const { page, w } = await openPage(browser, server, `#map=12/${TONGJING.lat}/${TONGJING.lon}&lang=zh`);
    const press = async (sel, key = 'Enter') => {
      await page.focus(sel);
      await page.keyboard.press(key);
    };
    // The map: arrows pan, Enter looks up the centre.
    const c0 = await page.evaluate(() => window.beibeimap.map.getCenter());
    await press('#map', 'ArrowRight');
    await page.waitForFunction((lng) => window.beibeimap.map.getCenter().lng > lng + 1e-4, c0.lng);
    let seq = await panelSeq(page);
    await page.keyboard.press('Enter');
    assert.equal(await waitLookup(page, seq), 'done');
    // A nearby item: Enter moves to it and opens its popup.
    await press('#panel .nearby button');
    await page.waitForSelector('.leaflet-popup');
    // The popup's details toggle and close button.
    await press('.leaflet-popup-content details summary');
    assert.equal(await page.$eval('.leaflet-popup-content details', (d) => d.open), true);
    await press('.leaflet-popup-close-button');
    assert.equal(await page.locator('.leaflet-popup').count(), 0);
    // Copy link.
    await press('#panel .share');
    await page.waitForFunction(() => document.querySelector('#panel .share-status').textContent !== '');
    // Close the answer: the focus goes back to the map.
    await press('#panel .close');
    assert.equal(await page.$eval('#panel', (p) => p.dataset.state), 'idle');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'map');
    // Before/after and the language, by Space and Enter.
    await press('#when-before', 'Space');
    await page.waitForSelector('html[data-ready="1"][data-when="before"]');
    await press('#lang');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    // A layer checkbox, by Space.
    await press('#layer-list input[data-layer="projects"]', 'Space');
    assert.equal(await page.isChecked('#layer-list input[data-layer="projects"]'), false);
    assert.equal(await page.locator('.leaflet-overlay-pane [data-layer="projects"] path').count(), 0);
    // The legend and the spreadsheet sections open by Enter.
    await press('details.layers summary');
    assert.equal(await page.$eval('details.layers', (d) => d.open), false);
    await press('#batch summary');
    assert.equal(await page.$eval('#batch', (d) => d.open), true);
    // The search field and its button.
    seq = await panelSeq(page);
    await page.focus('#search');
    await page.keyboard.type('统景');
    await page.keyboard.press('Enter');
    assert.equal(await waitLookup(page, seq), 'done');
    assert.deepEqual(w.errors, []);
    await page.close();
  });

  test('the new controls carry their ARIA', async () => {
    const { page } = await openPage(browser, server, '#lang=en', { width: 390, height: 844 });
    const attr = (sel, a) => page.getAttribute(sel, a);
    assert.equal(await attr('#sheet-toggle', 'aria-controls'), 'sheet-body');
    assert.match(await attr('#sheet-toggle', 'aria-expanded'), /^(true|false)$/);
    assert.match(await attr('#locate', 'aria-label'), /^My location/);
    assert.match(await attr('#print', 'aria-label'), /^Print/);
    assert.ok(await attr('#batch-progress', 'aria-label'));
    assert.equal(await attr('#batch-message', 'role'), 'status');
    assert.equal(await attr('#batch-table', 'role'), 'region');
    assert.ok(await attr('#batch-table', 'aria-label'));
    assert.equal(await page.$eval('#batch-file', (n) => n.labels.length), 1, 'the file input has a label');
    assert.equal(await page.$eval('#batch-crs', (n) => n.labels.length), 1, 'the CRS select has a label');
    await page.close();
  });
});
