// The default view, the categories' colours and the legend (issue 13):
// the whole new Beibei and the five units that left are in view on a
// desktop and a phone; project categories come in at most 8 colour-blind-
// safe colours (Okabe–Ito); the legend says what the lines mean.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, openPage, startServer } from './harness.mjs';

const ALL = '#layers=districts,townships,planning-zones,corridors,projects,seats';
// Okabe & Ito (2008), "Color Universal Design", with the grey of "other".
const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#000000', '#7F7F7F'];

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

// bbox is [west, south, east, north] of a GeoJSON geometry.
function bbox(g) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]);
      b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]);
      b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  walk(g.coordinates);
  return b;
}

const rgbHex = (s) => {
  const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(s);
  return m ? '#' + m.slice(1).map((x) => Number(x).toString(16).padStart(2, '0')).join('').toUpperCase() : s.toUpperCase();
};

describe('default view, colours and legend', () => {
  for (const [name, viewport] of [['desktop', { width: 1366, height: 768 }], ['phone', { width: 390, height: 844 }]]) {
    test(`${name}: the default view holds the whole new Beibei and every township that moves`, async () => {
      const { page, w } = await openPage(browser, server, '', viewport);
      const date = await page.evaluate(() => window.beibeimap.currentDate());
      const get = async (id) => (await (await fetch(`${server.url}/collections/${id}/items?limit=10000&datetime=${date}`)).json()).features;
      const target = (await get('districts')).find((f) => f.id === region.target.id);
      assert.ok(target, 'the target district on the date shown');
      const moving = new Set(region.moves.map((m) => m.code));
      const towns = (await get('townships')).filter((f) => moving.has(f.properties.code) && f.geometry?.coordinates?.length);
      assert.ok(towns.length >= 10, `moving townships with a polygon: ${towns.length}`);
      const view = await page.evaluate(() => {
        const b = window.beibeimap.map.getBounds();
        return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
      });
      for (const f of [target, ...towns]) {
        const b = bbox(f.geometry);
        const inside = b[0] >= view[0] && b[1] >= view[1] && b[2] <= view[2] && b[3] <= view[3];
        assert.ok(inside, `${f.properties.name} [${b.map((x) => x.toFixed(3))}] outside the view [${view.map((x) => x.toFixed(3))}]`);
      }
      assert.deepEqual(w.errors, []);
      await page.close();
    });
  }

  test('project categories: at most 8 colours, all Okabe–Ito, each in the legend', async () => {
    const { page, w } = await openPage(browser, server, ALL);
    const fills = await page.$$eval('.leaflet-overlay-pane [data-layer="projects"] path', (ps) => ps.map((p) => p.getAttribute('fill')));
    assert.ok(fills.length >= 20, `projects drawn: ${fills.length}`);
    const used = new Set(fills.map((f) => f.toUpperCase()));
    assert.ok(used.size <= 8, `${used.size} colours: ${[...used]}`);
    for (const c of used) assert.ok(OKABE_ITO.includes(c), `${c} is not an Okabe–Ito colour`);
    const legend = await page.$$eval('#layer-list .layer[data-layer="projects"] .legend li', (lis) =>
      lis.map((li) => ({ colour: getComputedStyle(li.querySelector('.swatch')).backgroundColor, text: li.textContent.trim() })),
    );
    assert.ok(legend.length <= 9, `legend rows: ${legend.length}`);
    const legendColours = new Set(legend.map((l) => rgbHex(l.colour)));
    for (const c of used) assert.ok(legendColours.has(c), `colour ${c} has no legend entry: ${JSON.stringify(legend)}`);
    // Zones and corridors use the palette too.
    for (const id of ['corridors', 'planning-zones']) {
      const strokes = await page.$$eval(`.leaflet-overlay-pane [data-layer="${id}"] path`, (ps) => ps.map((p) => p.getAttribute('stroke').toUpperCase()));
      for (const c of new Set(strokes)) assert.ok(OKABE_ITO.includes(c), `${id}: ${c}`);
    }
    assert.deepEqual(w.errors, []);
    await page.close();
  });

  test('the legend says what the lines mean, in both languages', async () => {
    for (const [lang, words] of [
      ['zh', { districts: /粗红线.*北碚区边界/, townships: /虚线.*划入.*虚线.*划出.*细线.*街镇界/s, corridors: /示意走向/, 'planning-zones': /虚线范围.*示意/ }],
      ['en', { districts: /Thick red line: the boundary of Beibei/, townships: /dashes.*joining.*dashes.*leaving.*Thin white lines/s, corridors: /schematic course/, 'planning-zones': /Dashed outline.*schematic/ }],
    ]) {
      const { page } = await openPage(browser, server, `${ALL}&lang=${lang}`);
      for (const [id, re] of Object.entries(words)) {
        assert.match(await page.textContent(`#layer-list .layer[data-layer="${id}"] .legend`), re, `${lang} legend of ${id}`);
      }
      await page.close();
    }
  });
});
