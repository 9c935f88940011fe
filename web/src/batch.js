// The spreadsheet lookup: a CSV of coordinates or of addresses, dropped on
// the page or chosen, looked up in chunks — coordinates through POST
// /lookup, addresses through the batch geocoder POST /geocode (both CSV in,
// CSV out, each row with its own status and error) — with progress, an
// error per row that cannot be answered, a table of the answers and a
// download as CSV with a UTF-8 byte order mark, so that Excel opens it
// with the Chinese names intact.
//
// A file with longitude and latitude columns is read as coordinates; one
// with an address column and no coordinates as addresses.

import Papa from 'papaparse';
import { state, esc, t, textHTML, currentDate } from './state.js';

// CHUNK is the number of rows per request: small enough for the progress
// to move, large enough to cost few round trips.
const CHUNK = 10;
// SHOWN is the number of rows the table shows; the download has them all.
const SHOWN = 200;
// The columns POST /lookup adds to each row (server/lookup.go csvColumns),
// and the page's own error column.
const ANSWER = ['district_code', 'district', 'district_en', 'township_code', 'township', 'township_en', 'zones', 'changes'];
// The columns of POST /geocode's answer (server/geocode.go
// geocodeCSVColumns) the download of an address file keeps; status is the
// service's own row status (ok, not_found, outside, invalid).
const GEOCODED = ['status', 'precision', 'district_code', 'district', 'district_en', 'township_code', 'township', 'township_en', 'lon', 'lat', 'matched', 'unmatched', 'notices'];

const LON = /^(lon|lng|long|longitude|x|经度|东经)$/i;
const LAT = /^(lat|latitude|y|纬度|北纬)$/i;
// The address column as people name it; server/geocode.go addressColumns
// is the service's list (folded: case, spaces, _ - . dropped).
const ADDRESS = /^(address|addr|fulladdress|streetaddress|adres|地址|详细地址|收货地址|通讯地址|联系地址|住址|地点|位置)$/i;
const fold = (h) => String(h).replace(/^\ufeff/, '').replace(/[(（[【].*$/, '').replace(/[\s_.\-]/g, '');

let job = 0;
// result is the file being looked up: {name, header, mode: 'points' or
// 'addresses', date, crs, rows: [{cells, answer?, status?, error?}]}, an
// answer being the service's cells under the columns of columns().
let result = null;

const el = (id) => document.getElementById(id);

// initBatch wires the file input, the drop zone (and dropping a file
// anywhere on the page) and the download button.
export function initBatch() {
  el('batch-file').addEventListener('change', (e) => {
    const f = e.target.files?.[0];
    if (f) run(f);
  });
  const zone = el('batch-drop');
  for (const target of [zone, document.body]) {
    target.addEventListener('dragover', (e) => {
      if (![...(e.dataTransfer?.types ?? [])].includes('Files')) return;
      e.preventDefault();
      zone.classList.add('over');
    });
    target.addEventListener('drop', (e) => {
      const f = e.dataTransfer?.files?.[0];
      if (!f) return;
      e.preventDefault();
      zone.classList.remove('over');
      el('batch').open = true;
      run(f);
    });
  }
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  el('batch-download').addEventListener('click', download);
}

// relocalizeBatch writes the table and messages again in the page's language.
export function relocalizeBatch() {
  if (result) render();
}

function setState(s, message = '', args = {}) {
  el('batch').dataset.state = s;
  el('batch-message').dataset.key = message;
  el('batch-message').innerHTML = message ? textHTML(t(message, args)) : '';
}

// parseNumber reads a coordinate written by a person: full-width digits,
// a comma as decimal separator when it is the only separator, a degree sign.
function parseNumber(s) {
  s = String(s ?? '')
    .trim()
    .replace(/[０-９．－]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/°$/, '');
  if (/^-?\d+,\d+$/.test(s)) s = s.replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(s)) return NaN;
  return Number(s);
}

async function run(file) {
  const id = ++job;
  setState('loading', 'batchReading');
  const text = (await file.text()).replace(/^\ufeff/, '');
  const parsed = Papa.parse(text, { skipEmptyLines: 'greedy' });
  const [header = [], ...data] = parsed.data;
  const col = (re) => header.findIndex((h) => re.test(String(h).trim()) || re.test(fold(h)));
  const lonCol = col(LON);
  const latCol = col(LAT);
  const addrCol = col(ADDRESS);
  result = null;
  el('batch-table').innerHTML = '';
  el('batch-download').hidden = true;
  const mode = lonCol >= 0 && latCol >= 0 ? 'points' : addrCol >= 0 ? 'addresses' : '';
  if (!mode) {
    setState('error', 'batchNoColumns', { header: header.join(', ') });
    return;
  }
  if (data.length === 0) {
    setState('error', 'batchEmpty');
    return;
  }
  const rows = data.map((cells) => ({ cells }));
  const todo = [];
  rows.forEach((r, i) => {
    if (mode === 'addresses') {
      const address = String(r.cells[addrCol] ?? '').trim();
      if (address) todo.push({ i, address });
      else (r.status = 'invalid'), (r.error = t('batchNoAddress'));
      return;
    }
    const lon = parseNumber(r.cells[lonCol]);
    const lat = parseNumber(r.cells[latCol]);
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) r.error = t('batchNotNumber', { lon: r.cells[lonCol] ?? '', lat: r.cells[latCol] ?? '' });
    else if (Math.abs(lon) > 180 || Math.abs(lat) > 90) r.error = t('batchOutOfRange', { lon, lat });
    else todo.push({ i, lon, lat });
  });
  result = { name: file.name.replace(/\.[^.]*$/, ''), header, mode, rows, date: currentDate(), crs: el('batch-crs').value };
  const progress = el('batch-progress');
  progress.max = rows.length;
  progress.value = rows.length - todo.length;
  setState('loading', 'batchProgress', { done: progress.value, n: rows.length });
  for (let k = 0; k < todo.length; k += CHUNK) {
    const chunk = todo.slice(k, k + CHUNK);
    await lookup(chunk, rows, result);
    if (id !== job) return;
    progress.value += chunk.length;
    setState('loading', 'batchProgress', { done: progress.value, n: rows.length });
  }
  render();
  const failed = rows.filter((r) => r.error).length;
  setState('done', 'batchDone', { n: rows.length, failed });
  el('batch-download').hidden = false;
}

// columns are the service's columns the download keeps for res's mode.
const columns = (res) => (res.mode === 'addresses' ? GEOCODED : ANSWER);

// lookup answers the points or addresses of chunk into rows. The service
// answers a CSV row by row: a row it cannot look up carries its own status
// and error. A chunk refused as a whole (a 400, which an older service
// gave for one bad point) is split until the bad rows are found, each with
// the reason.
async function lookup(chunk, rows, res) {
  const addresses = res.mode === 'addresses';
  const body = addresses
    ? Papa.unparse({ fields: ['row', 'address'], data: chunk.map((p) => [p.i, p.address]) })
    : Papa.unparse({ fields: ['row', 'lon', 'lat'], data: chunk.map((p) => [p.i, p.lon, p.lat]) });
  const url = addresses ? `../geocode?date=${res.date}` : `../lookup?date=${res.date}&crs=${encodeURIComponent(res.crs)}`;
  let r;
  try {
    r = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv; charset=utf-8', Accept: 'text/csv' },
      body,
    });
  } catch (e) {
    for (const p of chunk) (rows[p.i].status = 'error'), (rows[p.i].error = t('batchFailed', { detail: e.message }));
    return;
  }
  if (r.ok) {
    const out = Papa.parse((await r.text()).replace(/^\ufeff/, ''), { header: true, skipEmptyLines: 'greedy' });
    for (const a of out.data) {
      const row = rows[Number(a.row)];
      if (!row) continue;
      row.status = a.status || 'ok';
      if (a.status && a.status !== 'ok') row.error = t(a.status === 'outside' ? 'batchOutside' : 'batchFailed', { detail: (a.error || a.status).replace(/^line \d+: /, '') });
      else row.answer = Object.fromEntries(columns(res).map((k) => [k, a[k] ?? '']));
    }
    for (const p of chunk) if (!rows[p.i].answer && !rows[p.i].error) rows[p.i].error = t('batchNoAnswer');
    return;
  }
  let detail = String(r.status);
  try {
    detail = (await r.json()).detail ?? detail;
  } catch {
    // not a problem document: keep the status
  }
  if (r.status === 400 && chunk.length > 1) {
    const half = Math.ceil(chunk.length / 2);
    await lookup(chunk.slice(0, half), rows, res);
    await lookup(chunk.slice(half), rows, res);
    return;
  }
  // The service names the line of its own CSV; the row is the user's.
  for (const p of chunk) rows[p.i].status = 'error';
  for (const p of chunk) rows[p.i].error = t('batchFailed', { detail: detail.replace(/^body: line \d+: /, '') });
}

// render writes the table of answers (the first SHOWN rows).
function render() {
  const { header, rows } = result;
  const en = state.lang === 'en';
  // The third answer column: what changed at the point, or the part of the
  // address that was recognised.
  const addresses = result.mode === 'addresses';
  const head = ['#', ...header, t('district'), t('township'), t(addresses ? 'batchMatched' : 'change'), t('batchError')];
  const body = rows.slice(0, SHOWN).map((r, i) => {
    const a = r.answer ?? {};
    const d = en ? a.district_en || a.district : a.district;
    const tw = en ? a.township_en || a.township : a.township;
    const third = addresses ? a.matched : a.changes;
    return `<tr class="${r.error ? 'failed' : ''}"><th scope="row">${i + 1}</th>${header.map((_, j) => `<td>${textHTML(r.cells[j] ?? '')}</td>`).join('')}
      <td>${textHTML(d ?? '')}</td><td>${textHTML(tw ?? '')}</td><td>${textHTML(third ?? '')}</td><td class="error">${textHTML(r.error ?? '')}</td></tr>`;
  });
  el('batch-table').innerHTML = `<table><caption>${esc(t('batchCaption', { n: rows.length, shown: Math.min(rows.length, SHOWN), date: result.date }))}</caption>
    <thead><tr>${head.map((h) => `<th scope="col">${textHTML(h)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
  const key = el('batch-message').dataset.key;
  if (key === 'batchDone') setState('done', 'batchDone', { n: rows.length, failed: rows.filter((r) => r.error).length });
}

// download saves every row with the answer's columns and an error column,
// as CSV with a UTF-8 byte order mark. An address file's answer starts
// with the service's status of each row (GEOCODED).
function download() {
  if (!result) return;
  const cols = columns(result);
  const fields = [...result.header, ...cols, 'error'];
  const data = result.rows.map((r) => [
    ...result.header.map((_, j) => r.cells[j] ?? ''),
    ...cols.map((k) => (k === 'status' ? (r.status ?? '') : (r.answer?.[k] ?? ''))),
    r.error ?? '',
  ]);
  const csv = '\ufeff' + Papa.unparse({ fields, data }, { newline: '\r\n' });
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${result.name || result.mode}-${result.date}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
