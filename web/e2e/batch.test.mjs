// The spreadsheet lookup (issue 13): a CSV of 50 coordinates, chosen or
// dropped, comes back as a downloaded CSV with a UTF-8 byte order mark and
// 50 answers — each the same as GET /lookup gives for its point, or an
// error for the rows that cannot be looked up — through POST /lookup in
// chunks, with progress.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launch, openPage, outputDir, startServer } from './harness.mjs';

let server;
let browser;
let out;

before(async () => {
  out = await outputDir();
  server = await startServer();
  browser = await launch();
  browser.context.setDefaultTimeout(30_000);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// rows makes 50 rows: 46 points around Beibei from a fixed-seed generator,
// the seat of 统景镇, one point far outside Chongqing, and two bad rows.
function rows() {
  let seed = 20260125;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out = [];
  for (let i = 0; i < 46; i++) out.push([`p${i}`, `点${i}`, (106.2 + rand() * 0.8).toFixed(5), (29.6 + rand() * 0.6).toFixed(5)]);
  out.push(['tongjing', '统景镇驻地，"温泉"', '106.8448', '29.85653']);
  out.push(['shanghai', '上海', '121.47', '31.23']);
  out.push(['bad-number', '坏数据', 'abc', '29.8']);
  out.push(['bad-range', '超范围', '106.5', '95']);
  return out;
}

// csv writes rows with a header, quoting fields that need it.
const csv = (header, rs) => [header, ...rs].map((r) => r.map((f) => (/[",\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')).join('\r\n') + '\r\n';

// parseCSV reads RFC 4180 CSV (what the page writes) into arrays.
function parseCSV(s) {
  const rows = [];
  let row = [];
  let f = '';
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '"' && s[i + 1] === '"') (f += '"'), i++;
      else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') row.push(f), (f = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(f), rows.push(row), (row = []), (f = '');
    } else f += c;
  }
  if (f || row.length) row.push(f), rows.push(row);
  return rows;
}

describe('spreadsheet', () => {
  test('50 rows chosen as a file round-trip to a downloaded CSV with a BOM and 50 answers', async () => {
    const { page, w } = await openPage(browser, server, '#lang=zh');
    const date = await page.evaluate(() => window.beibeimap.currentDate());
    const input = rows();
    const header = ['id', '名称', '经度', '纬度'];
    const posts = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().includes('/lookup') && posts.push(r.url()));
    await page.click('#batch summary');
    await page.setInputFiles('#batch-file', { name: 'points.csv', mimeType: 'text/csv', buffer: Buffer.from('\ufeff' + csv(header, input)) });
    await page.waitForSelector('#batch[data-state="done"]');
    assert.ok(posts.length >= 5, `in chunks: ${posts.length} POSTs`);
    for (const u of posts) assert.match(u, new RegExp(`date=${date}&crs=wgs84`));
    const [value, max] = await page.$eval('#batch-progress', (p) => [p.value, p.max]);
    assert.equal(value, 50);
    assert.equal(max, 50);
    assert.match(await page.textContent('#batch-message'), /50 行，其中 2 行无法查询/);
    assert.equal(await page.locator('#batch-table tbody tr').count(), 50);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#batch-download')]);
    const file = join(out, 'batch-answers.csv');
    await download.saveAs(file);
    const bytes = await readFile(file);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
    const got = parseCSV(bytes.subarray(3).toString('utf8'));
    const head = got[0];
    assert.deepEqual(head.slice(0, 4), header, 'the input columns first');
    const col = (name) => head.indexOf(name);
    for (const c of ['district_code', 'district', 'township_code', 'township', 'error']) assert.ok(col(c) >= 0, `column ${c}: ${head}`);
    const data = got.slice(1);
    assert.equal(data.length, 50, 'one answer per row');
    for (let i = 0; i < 50; i++) {
      const [id, name, lon, lat] = input[i];
      const r = data[i];
      assert.deepEqual(r.slice(0, 4), [id, name, lon, lat], `row ${i} kept as it was`);
      if (id.startsWith('bad')) {
        assert.ok(r[col('error')] !== '', `row ${id} has an error`);
        assert.equal(r[col('district_code')], '');
        continue;
      }
      assert.equal(r[col('error')], '', `row ${id}: ${r[col('error')]}`);
      const want = await (await fetch(`${server.url}/lookup?lon=${lon}&lat=${lat}&date=${date}`)).json();
      assert.equal(r[col('district_code')], want.district?.code ?? '', `district of ${id}`);
      assert.equal(r[col('township_code')], want.township?.code ?? '', `township of ${id}`);
    }
    const tj = data[46];
    assert.equal(tj[col('township')], '统景镇');
    assert.equal(tj[col('district')], '北碚区');
    assert.equal(data[47][col('district_code')], '', 'Shanghai is outside every district');
    assert.ok(data.filter((r) => r[col('district_code')] === '500109').length >= 5, 'several rows in Beibei');
    assert.deepEqual(w.errors, []);
    await page.close();
  });

  test('a file dropped on the page is looked up, GCJ-02 on request; a file of addresses is refused with a reason', async () => {
    const { page, w } = await openPage(browser, server, '#lang=en');
    const posts = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().includes('/lookup') && posts.push(r.url()));
    await page.click('#batch summary');
    await page.selectOption('#batch-crs', 'gcj02');
    const drop = (name, text) =>
      page.evaluate(
        ([name, text]) => {
          const dt = new DataTransfer();
          dt.items.add(new File([text], name, { type: 'text/csv' }));
          const zone = document.getElementById('batch-drop');
          zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
          zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        },
        [name, text],
      );
    await drop('gcj.csv', 'lng,lat\n106.8505,29.8540\n');
    await page.waitForSelector('#batch[data-state="done"]');
    assert.match(posts[0], /crs=gcj02/);
    const want = await (await fetch(`${server.url}/lookup?lon=106.8505&lat=29.8540&crs=gcj02`)).json();
    assert.match(await page.textContent('#batch-table tbody'), new RegExp(want.township.name_en));
    assert.match(await page.textContent('#batch-message'), /Done: 1 rows, 0 of them/);

    await drop('addresses.csv', '地址\n重庆市北碚区天生街道\n');
    await page.waitForSelector('#batch[data-state="error"]');
    assert.match(await page.textContent('#batch-message'), /addresses only/);
    assert.deepEqual(w.errors, []);
    await page.close();
  });
});
