// Popups and the panel in plain language, in the page's language (issue
// 13): no raw booleans, ids or property dumps, no text of the other
// language except names marked with their lang, every string of the page
// translated.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CJK, foreign, launch, mapPoint, openPage, panelSeq, startServer, visibleText, waitLookup } from './harness.mjs';

const ALL = '#layers=districts,townships,planning-zones,corridors,projects,seats';
const TONGJING = { lon: 106.8448, lat: 29.85653 }; // seat of 统景镇 (GeoNames)

let server;
let browser;
let region;

before(async () => {
  server = await startServer();
  browser = await launch();
  browser.context.setDefaultTimeout(15_000);
  region = (await (await fetch(`${server.url}/map/config.json`)).json()).region;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Raw values and ids a person should not have to read: codes and GeoNames
// ids have six digits or more; the feature's own id and the ids it refers
// to are checked one by one.
const RAW = /\b(true|false|null|undefined|NaN)\b/;
const CODES = /\b\d{6,}\b/;
const REFS = ['code', 'district_before', 'district_after', 'township', 'geonames_id', 'seat_geonames_id', 'placed_at_geonames_id'];

// popups opens the popup of every feature drawn and returns, per feature,
// its collection, id, properties and the popup's visible text.
async function popups(page) {
  const list = await page.evaluate(() => {
    const out = [];
    window.beibeimap.map.eachLayer((l) => {
      if (l.feature && l.getPopup?.()) out.push({ pane: l.options.pane, id: String(l.feature.id), p: l.feature.properties });
    });
    return out;
  });
  const res = [];
  for (const f of list) {
    await page.evaluate(({ pane, id }) => {
      window.beibeimap.map.eachLayer((l) => {
        if (l.feature && String(l.feature.id) === id && l.options.pane === pane) l.openPopup();
      });
    }, f);
    const text = await visibleText(page, '.leaflet-popup-content');
    const links = await page.$$eval('.leaflet-popup-content a', (as) => as.map((a) => a.getAttribute('href')));
    let details = '';
    if ((await page.locator('.leaflet-popup-content details summary').count()) > 0) {
      await page.click('.leaflet-popup-content details summary');
      details = (await visibleText(page, '.leaflet-popup-content details')).all;
    }
    res.push({ collection: f.pane.replace(/^layer-/, ''), id: f.id, p: f.p, text, links, details });
  }
  return res;
}

function checkPopups(all, lang) {
  assert.ok(all.length > 100, `popups of every feature: ${all.length}`);
  const moving = new Set(region.moves.map((m) => m.code));
  for (const { collection, id, p, text, links, details } of all) {
    const where = `${lang} popup of ${collection}/${id}:\n${text.all}`;
    assert.doesNotMatch(text.all, RAW, where);
    assert.doesNotMatch(text.all, CODES, where);
    for (const ref of [id, ...REFS.map((k) => p[k])]) {
      if (ref != null && ref !== '' && ref !== p.name && ref !== p.name_en) assert.ok(!text.all.includes(String(ref)), `id ${ref} shown: ${where}`);
    }
    if (lang === 'zh') assert.doesNotMatch(text.zh, /[A-Za-z]{2,}/, `Latin text outside lang=en: ${where}`);
    else assert.doesNotMatch(text.en, CJK, `CJK text outside lang=zh: ${where}`);
    if (p.name) assert.ok(text.all.includes(p.name), `Chinese name: ${where}`);
    if (p.name_en) assert.ok(text.all.includes(p.name_en), `English name: ${where}`);
    assert.ok(links.some((h) => h.endsWith(`/items/${encodeURIComponent(id)}?f=html`)), `link to the record: ${links}`);
    assert.doesNotMatch(details, /\b(true|false|null)\b/, `details of ${collection}/${id}: ${details}`);
    const code = collection === 'seats' ? p.township : p.code;
    if ((collection === 'townships' || collection === 'seats') && moving.has(code)) {
      assert.ok(text.all.includes(region.change_date), `the date of the move: ${where}`);
    }
  }
}

describe('plain language', () => {
  test('every popup, in Chinese: names in both languages, the change in words, no raw values or ids', async () => {
    const { page, w } = await openPage(browser, server, `${ALL}&lang=zh`);
    const all = await popups(page);
    checkPopups(all, 'zh');
    // One in full: 统景镇 says it moved from 渝北区 to 北碚区, and how exact it is.
    const tj = all.find((x) => x.collection === 'townships' && x.p.name === '统景镇');
    assert.match(tj.text.all, /渝北区/);
    assert.match(tj.text.all, /北碚区/);
    assert.match(tj.text.all, /近似/);
    // The link opens the record.
    const r = await fetch(new URL(tj.links[0], `${server.url}/map/`));
    assert.equal(r.status, 200);
    assert.deepEqual(w.errors, []);
    assert.deepEqual(foreign(w.requests, server.url), []);
    await page.close();
  });

  test('every popup, in English: no CJK outside place names', async () => {
    const { page, w } = await openPage(browser, server, `${ALL}&lang=en`);
    const all = await popups(page);
    checkPopups(all, 'en');
    const tj = all.find((x) => x.collection === 'townships' && x.p.name === '统景镇');
    assert.match(tj.text.en, /Moved from Yubei District to Beibei District/);
    assert.deepEqual(w.errors, []);
    await page.close();
  });

  test('English mode: no CJK on the whole page outside names, English status and errors, title by layout', async () => {
    const { page, w } = await openPage(browser, server, `#map=12/${TONGJING.lat}/${TONGJING.lon}&when=after&lang=en`);
    await page.click('.sources summary');
    let text = await visibleText(page, 'body');
    assert.doesNotMatch(text.en, CJK, `CJK outside lang=zh:\n${text.en.split('\n').filter((l) => CJK.test(l)).join('\n')}`);
    assert.match(await page.textContent('#status'), /^Layout after/);
    assert.match(await page.title(), /after/);

    // A click: the answer in English.
    const pt = await mapPoint(page, TONGJING);
    let seq = await panelSeq(page);
    await page.mouse.click(pt.x, pt.y);
    assert.equal(await waitLookup(page, seq), 'done');
    const panel = await visibleText(page, '#panel');
    assert.doesNotMatch(panel.en, CJK, `panel:\n${panel.en}`);
    assert.match(panel.en, /moved from Yubei District to Beibei District/i);
    assert.doesNotMatch(panel.all, RAW);

    // Before: the title says so, and the status line.
    await page.click('#when-before');
    await page.waitForSelector('html[data-ready="1"][data-when="before"]');
    const title = await page.textContent('h1');
    assert.match(title, /before/);
    assert.doesNotMatch(title, /after/);
    assert.match(await page.title(), /before/);
    assert.match(await page.textContent('#status'), /^Layout before/);
    text = await visibleText(page, 'body');
    assert.doesNotMatch(text.en, CJK, `before, CJK outside lang=zh:\n${text.en.split('\n').filter((l) => CJK.test(l)).join('\n')}`);

    // A failed search, in English; switching the language says it again.
    seq = await panelSeq(page);
    await page.fill('#search', '不存在的地方zz');
    await page.press('#search', 'Enter');
    assert.equal(await waitLookup(page, seq), 'error');
    const err = await visibleText(page, '#panel');
    assert.match(err.en, /Nothing found/);
    assert.doesNotMatch(err.en, CJK);
    await page.click('#lang');
    assert.match(await page.textContent('#panel .error'), /未找到/);
    assert.match(await page.textContent('#status'), /调整前/);
    await page.click('#lang');
    assert.match(await page.textContent('#panel .error'), /Nothing found/);
    assert.deepEqual(w.errors.filter((e) => !(/status of 404/.test(e) && e.includes('/lookup?address='))), []);
    await page.close();
  });

  test('Chinese mode: the panel has no English outside names marked as English', async () => {
    const { page, w } = await openPage(browser, server, `#map=12/${TONGJING.lat}/${TONGJING.lon}&when=after&lang=zh`);
    const seq = await panelSeq(page);
    await page.fill('#search', '水土');
    await page.press('#search', 'Enter');
    assert.equal(await waitLookup(page, seq), 'done');
    const panel = await visibleText(page, '#panel');
    const latin = panel.zh.split('\n').filter((l) => /[A-Za-z]{2,}/.test(l) && !/^(WGS84|GCJ-02)$/.test(l));
    assert.deepEqual(latin, [], `English outside lang=en:\n${panel.zh}`);
    assert.match(panel.zh, /由\s*北碚区\s*划归\s*两江新区/);
    assert.deepEqual(w.errors, []);
    await page.close();
  });
});
