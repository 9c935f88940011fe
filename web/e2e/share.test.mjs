// Sharing and "my location" (issue 13): the answer of a click or a search
// is in the URL and comes back when the URL is opened; the copy-link button
// puts that URL on the clipboard; the locate button asks the Geolocation
// API and looks up the place it gives.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, mapPoint, openPage, panelSeq, startServer, waitLookup } from './harness.mjs';

const TONGJING = { lon: 106.8448, lat: 29.85653 }; // seat of 统景镇 (GeoNames)
const SHUITU = '水土';

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

// answer is what the panel says: district, township and the WGS84 point.
const answer = (page) =>
  page.evaluate(() => ({
    district: document.querySelector('#panel .district')?.textContent.trim(),
    township: document.querySelector('#panel .township')?.textContent.trim(),
    wgs84: document.querySelector('#panel .wgs84')?.textContent.trim(),
  }));

// openShared opens url in a new page and waits for its answer.
async function openShared(url) {
  const page = await browser.context.newPage();
  await page.goto(url);
  await page.waitForSelector('html[data-ready="1"]');
  assert.equal(await waitLookup(page, 0), 'done', `shared URL ${url}`);
  return page;
}

describe('share and locate', () => {
  test('a clicked point is in the URL, the copy-link button copies it, and the link restores the answer', async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const { page, w } = await openPage(browser, server, `#map=12/${TONGJING.lat}/${TONGJING.lon}&when=before&layers=districts,townships,seats&lang=zh`);
    const pt = await mapPoint(page, { lon: TONGJING.lon + 0.01, lat: TONGJING.lat - 0.01 });
    const seq = await panelSeq(page);
    await page.mouse.click(pt.x, pt.y);
    assert.equal(await waitLookup(page, seq), 'done');
    const want = await answer(page);
    assert.match(want.district, /渝北区/, 'before the change');
    assert.match(page.url(), /&at=-?\d+\.\d+,-?\d+\.\d+/, 'the point in the URL');

    await page.click('#panel .share');
    await page.waitForFunction(() => document.querySelector('#panel .share-status')?.textContent !== '');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, page.url(), 'the copied link is the permalink');

    const shared = await openShared(copied);
    assert.deepEqual(await answer(shared), want, 'the shared link shows the same answer');
    assert.equal(await shared.getAttribute('#when-before', 'aria-pressed'), 'true');
    const pick = await shared.evaluate(() => document.querySelectorAll('.leaflet-pick-pane path').length);
    assert.equal(pick, 1, 'the point marked');
    await shared.close();

    // Closing the answer takes it out of the URL.
    await page.click('#panel .close');
    assert.doesNotMatch(page.url(), /&at=/);
    assert.deepEqual(w.errors, []);
    await page.close();
  });

  test('a searched address is in the URL and the link searches it again', async () => {
    const { page } = await openPage(browser, server, '#lang=en');
    const seq = await panelSeq(page);
    await page.fill('#search', SHUITU);
    await page.press('#search', 'Enter');
    assert.equal(await waitLookup(page, seq), 'done');
    const want = await answer(page);
    assert.match(want.district, /Liangjiang/);
    assert.ok(new URL(page.url()).hash.includes(`q=${encodeURIComponent(SHUITU)}`), page.url());
    const shared = await openShared(page.url());
    assert.deepEqual(await answer(shared), want);
    await shared.close();
    await page.close();
  });

  test('my location: with a granted permission the fake position is looked up', async () => {
    await browser.context.grantPermissions(['geolocation'], { origin: server.url });
    await browser.context.setGeolocation({ latitude: TONGJING.lat, longitude: TONGJING.lon, accuracy: 20 });
    const { page, w } = await openPage(browser, server, '#lang=zh');
    const seq = await panelSeq(page);
    await page.click('#locate');
    assert.equal(await waitLookup(page, seq), 'done');
    assert.match(await page.textContent('#panel .township'), /统景镇/);
    const wgs = (await page.textContent('#panel .wgs84')).split(',').map(Number);
    assert.ok(Math.abs(wgs[0] - TONGJING.lon) < 1e-6 && Math.abs(wgs[1] - TONGJING.lat) < 1e-6, `looked up ${wgs}`);
    const c = await page.evaluate(() => window.beibeimap.map.getCenter());
    assert.ok(Math.abs(c.lat - TONGJING.lat) < 1e-3 && Math.abs(c.lng - TONGJING.lon) < 1e-3, 'the map goes there');
    assert.deepEqual(w.errors, []);
    await page.close();
    await browser.context.clearPermissions();
  });

  test('my location: a refused permission says so', async () => {
    await browser.context.clearPermissions();
    const { page } = await openPage(browser, server, '#lang=en');
    const seq = await panelSeq(page);
    await page.click('#locate');
    assert.equal(await waitLookup(page, seq), 'error');
    assert.match(await page.textContent('#panel .error'), /did not allow/);
    await page.close();
  });
});
