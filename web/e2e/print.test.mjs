// Printing (issue 13): the print stylesheet gives one A4 page with the
// title, the layout and its date, the map with its scale and attribution,
// and the legend. The PDF Chromium prints is read back with pdftotext and
// pdfinfo (poppler-utils, installed by .ci/deps).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launch, openPage, outputDir, startServer } from './harness.mjs';

let server;
let browser;
let out;

before(async () => {
  out = await outputDir();
  server = await startServer();
  browser = await launch({ viewport: { width: 1366, height: 768 } });
  browser.context.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// printPDF prints page as the browser does (print media, beforeprint) into
// file and returns its text and page information.
async function printPDF(page, file) {
  // A browser fires beforeprint, then lays the page out for print.
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  await page.emulateMedia({ media: 'print' });
  // The map takes its printed width (277 mm) and Leaflet redraws for it.
  await page.waitForFunction(() => {
    const m = document.getElementById('map').getBoundingClientRect();
    const svg = document.querySelector('.leaflet-overlay-pane svg');
    return m.width > 1000 && svg && svg.getBoundingClientRect().width >= m.width;
  });
  await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
  const text = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' });
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return { text, info };
}

// bounds is the map's view [west, south, east, north].
const bounds = (page) =>
  page.evaluate(() => {
    const b = window.beibeimap.map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  });

describe('print', () => {
  for (const [lang, when, want] of [
    ['en', 'after', { title: 'Beibei District after the 2026 redrawing', line: /Layout after 2026-01-25, as on \d{4}-\d\d-\d\d/, legend: [/Thick red line/, /Green dashes/, /Township seats/] }],
    ['en', 'before', { title: 'Beibei District before the 2026 redrawing', line: /Layout before 2026-01-25, as on 2026-01-24/, legend: [/Yubei \(abolished\)/, /Thick red line/] }],
    ['zh', 'after', { title: '北碚区 2026 区划调整地图', line: /2026-01-25 调整后的区划/, legend: [/粗红线/, /绿色虚线/] }],
  ]) {
    test(`${lang}, ${when}: one A4 page with title, layout date, legend, scale and attribution`, async () => {
      const { page, w } = await openPage(browser, server, `#when=${when}&lang=${lang}`);
      const screen = await bounds(page);
      const { text, info } = await printPDF(page, join(out, `print-${lang}-${when}.pdf`));
      const paper = await bounds(page);
      assert.ok(paper[0] <= screen[0] && paper[1] <= screen[1] && paper[2] >= screen[2] && paper[3] >= screen[3], `the paper shows what the screen showed: ${paper} vs ${screen}`);
      assert.match(info, /^Pages:\s+1$/m, info);
      assert.match(info, /^Page size:\s+84[12]\.\d+ x 59[45]\.\d+ pts \(A4\)/m, info);
      const flat = text.replace(/\s+/g, ' ');
      assert.ok(flat.includes(want.title), `title ${want.title} in:\n${text}`);
      assert.match(flat, want.line);
      for (const re of want.legend) assert.match(flat, re);
      assert.match(flat, /\b\d+ (km|m)\b/, 'scale bar');
      assert.match(flat, /GeoNames \(geonames\.org\), CC BY 4\.0/, 'attribution');
      assert.match(flat, /ECharts/, 'attribution of the outlines');
      // None of the screen's controls.
      for (const s of lang === 'en' ? ['Search', 'My location', 'Print', 'Answer and layers'] : ['搜索', '我的位置', '打印']) {
        assert.ok(!flat.includes(s), `control "${s}" printed`);
      }
      assert.deepEqual(w.errors, []);
      await page.close();
    });
  }
});
