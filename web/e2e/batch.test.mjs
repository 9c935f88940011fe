// The spreadsheet lookup (issue 13): a CSV of 50 coordinates, chosen or
// dropped, comes back as a downloaded CSV with a UTF-8 byte order mark and
// 50 answers — each the same as GET /lookup gives for its point, or an
// error for the rows that cannot be looked up — through POST /lookup in
// chunks, with progress. A CSV of 50 addresses goes the same way through
// the batch geocoder, POST /geocode (issue 10), each row with its status.

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

  test('a row the service refuses gets the service reason, and only that row', async () => {
    // The page checks coordinates itself, so the service refuses none of
    // the rows it sends; to see the per-row path, row 7's longitude is
    // spoilt on its way to the real server, which answers that row with
    // its own status and error.
    const { page, w } = await openPage(browser, server, '#lang=en');
    await page.route(`${server.url}/lookup?*`, (route) => {
      const req = route.request();
      if (req.method() !== 'POST') return route.continue();
      return route.continue({ postData: req.postData().replace(/^7,[^,\r\n]*,/m, '7,east,') });
    });
    const input = rows().slice(0, 20);
    await page.click('#batch summary');
    await page.setInputFiles('#batch-file', { name: 'p.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(['id', 'name', 'lon', 'lat'], input)) });
    await page.waitForSelector('#batch[data-state="done"]');
    const cells = await page.$$eval('#batch-table tbody tr', (trs) => trs.map((tr) => tr.querySelector('td.error').textContent));
    assert.equal(cells.length, 20);
    cells.forEach((e, i) => {
      if (i === 7) assert.match(e, /^Lookup failed: (lon: )?"east" is not a number/, `row 7: ${e}`);
      else assert.equal(e, '', `row ${i}: ${e}`);
    });
    assert.match(await page.textContent('#batch-message'), /Done: 20 rows, 1 of them/);
    // Chromium logs the refused request.
    assert.deepEqual(w.errors.filter((e) => !/status of 400/.test(e)), []);
    await page.close();
  });

  test('a file dropped on the page is looked up, GCJ-02 on request; a file with neither coordinates nor addresses is refused with a reason', async () => {
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

    await drop('nothing.csv', 'name,remark\n统景,x\n');
    await page.waitForSelector('#batch[data-state="error"]');
    assert.match(await page.textContent('#batch-message'), /No longitude and latitude columns nor an address column \(header: name, remark\)/);
    assert.deepEqual(w.errors, []);
    await page.close();
  });

  test('50 addresses round-trip through POST /geocode to a downloaded CSV with a BOM and the status of each row', async () => {
    // Addresses as people write them: full forms with a house number,
    // bare town names, old districts (渝北区) for the five towns that
    // moved, units that left Beibei, a village, a feature, spaces; then
    // addresses of other provinces, nonsense and an empty cell.
    const good = [
      '重庆市北碚区天生街道天生路2号', '统景镇', '重庆市北碚区统景镇', '重庆市渝北区统景镇统景村', '北碚区蔡家岗街道',
      '重庆市渝北区大湾镇', '茨竹镇', '北碚区歇马街道', '天生桥社区', '重庆市北碚区静观镇', '北碚区澄江镇', '大盛镇',
      '兴隆镇', '重庆市北碚区北温泉街道', '水土镇', '复兴街道', '北碚区东阳街道', '重庆市北碚区龙凤桥街道', '柳荫镇',
      '三圣镇', '天府镇', '施家梁镇', '童家溪镇', '重庆市北碚区金刀峡镇', '统景温泉', '北部新区', '重庆市 北碚区 朝阳街道',
    ];
    const input = [];
    for (let i = 0; input.length < 45; i++) {
      const a = good[i % good.length];
      input.push([`a${i}`, i < good.length ? a : `重庆${a.replace(/^重庆市?/, '')}${(i % 9) + 1}号`]);
    }
    input.push(['sichuan', '四川省成都市武侯区人民南路四段1号']);
    input.push(['beijing', '北京市朝阳区建国路1号']);
    input.push(['nonsense', 'qwzx 无此地方 zzz']);
    input.push(['nonsense2', '！！！']);
    input.push(['empty', '']);
    assert.equal(input.length, 50);
    const header = ['编号', '地址'];
    // What the service answers for each address, row by row, asked
    // directly: the page must give the same status.
    const direct = await fetch(`${server.url}/geocode`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: csv(header, input) });
    assert.equal(direct.status, 200);
    const want = parseCSV((await direct.text()).replace(/\r\n$/, ''));
    const wcol = (name) => want[0].indexOf(name);
    assert.equal(want.length, 51);

    const { page, w } = await openPage(browser, server, '#lang=zh');
    const date = await page.evaluate(() => window.beibeimap.currentDate());
    const posts = [];
    page.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
    await page.click('#batch summary');
    await page.setInputFiles('#batch-file', { name: '地址表.csv', mimeType: 'text/csv', buffer: Buffer.from('\ufeff' + csv(header, input)) });
    await page.waitForSelector('#batch[data-state="done"]');
    assert.ok(posts.length >= 4, `in chunks: ${posts.length} POSTs`);
    for (const u of posts) assert.match(u, new RegExp(`/geocode\\?date=${date}$`), 'addresses go to the batch geocoder');
    const [value, max] = await page.$eval('#batch-progress', (p) => [p.value, p.max]);
    assert.deepEqual([value, max], [50, 50]);
    // The empty row is not sent; the service, asked directly, refuses it too.
    assert.equal(want[50][wcol('status')], 'invalid');
    const failedWant = want.slice(1).filter((r) => r[wcol('status')] !== 'ok').length;
    assert.ok(failedWant >= 5);
    assert.match(await page.textContent('#batch-message'), new RegExp(`50 行，其中 ${failedWant} 行无法查询`));
    assert.equal(await page.locator('#batch-table tbody tr').count(), 50);
    assert.match(await page.textContent('#batch-table tbody tr:nth-child(2)'), /统景镇.*北碚区.*统景镇/s);
    assert.match(await page.textContent('#batch-table tbody tr:nth-child(46) td.error'), /不在服务范围（重庆市）内：.*四川省/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#batch-download')]);
    assert.equal(download.suggestedFilename(), `地址表-${date}.csv`);
    const file = join(out, 'batch-addresses.csv');
    await download.saveAs(file);
    const bytes = await readFile(file);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
    const got = parseCSV(bytes.subarray(3).toString('utf8'));
    const head = got[0];
    assert.deepEqual(head.slice(0, 2), header, 'the input columns first');
    const col = (name) => head.indexOf(name);
    for (const c of ['status', 'precision', 'district_code', 'district', 'township_code', 'township', 'lon', 'lat', 'error']) assert.ok(col(c) >= 0, `column ${c}: ${head}`);
    const data = got.slice(1);
    assert.equal(data.length, 50, 'one answer per row');
    for (let i = 0; i < 50; i++) {
      const r = data[i];
      assert.deepEqual(r.slice(0, 2), input[i], `row ${i} kept as it was`);
      if (input[i][0] === 'empty') {
        assert.equal(r[col('status')], 'invalid');
        assert.match(r[col('error')], /地址为空/);
        continue;
      }
      const wr = want[i + 1];
      assert.equal(r[col('status')], wr[wcol('status')], `status of row ${i} (${input[i][1]})`);
      for (const c of ['district_code', 'district', 'township_code', 'township', 'precision', 'lon', 'lat']) assert.equal(r[col(c)], wr[wcol(c)], `${c} of row ${i} (${input[i][1]})`);
      assert.equal(r[col('error')] === '', wr[wcol('status')] === 'ok', `row ${i} has an error exactly when it failed: ${r[col('error')]}`);
    }
    const byId = Object.fromEntries(data.map((r) => [r[0], r]));
    assert.equal(byId.a1[col('status')], 'ok');
    assert.equal(byId.a1[col('township')], '统景镇');
    assert.equal(byId.a1[col('district')], '北碚区', '统景镇 joined Beibei');
    assert.equal(byId.a4[col('district')], '两江新区', '蔡家岗 left Beibei for 两江新区');
    assert.equal(byId.a0[col('township')], '天生街道');
    assert.equal(byId.sichuan[col('status')], 'outside');
    assert.match(byId.sichuan[col('error')], /四川省/);
    assert.equal(byId.beijing[col('status')], 'outside');
    assert.equal(byId.nonsense[col('status')], 'not_found');
    assert.notEqual(byId.nonsense2[col('status')], 'ok');
    assert.equal(byId.nonsense[col('district_code')], '');
    assert.deepEqual(w.errors, []);
    await page.close();
  });
});
