// The spreadsheet lookup: a CSV of coordinates, dropped on the page or
// chosen, looked up through POST /lookup (CSV in, CSV out) in chunks, with
// progress, an error per row that cannot be answered, a table of the
// answers and a download as CSV with a UTF-8 byte order mark, so that
// Excel opens it with the Chinese names intact.
//
// Addresses need the batch geocoder of issue 10: a file with an address
// column and no coordinates is refused with a message saying so.

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

const LON = /^(lon|lng|long|longitude|x|经度|东经)$/i;
const LAT = /^(lat|latitude|y|纬度|北纬)$/i;
const ADDRESS = /^(address|addr|地址|详细地址|位置)$/i;

let job = 0;
let result = null; // {name, header, rows: [{cells, answer?, error?}]}

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
  const col = (re) => header.findIndex((h) => re.test(String(h).trim()));
  const lonCol = col(LON);
  const latCol = col(LAT);
  result = null;
  el('batch-table').innerHTML = '';
  el('batch-download').hidden = true;
  if (lonCol < 0 || latCol < 0) {
    setState('error', col(ADDRESS) >= 0 ? 'batchAddresses' : 'batchNoColumns', { header: header.join(', ') });
    return;
  }
  if (data.length === 0) {
    setState('error', 'batchEmpty');
    return;
  }
  const rows = data.map((cells) => ({ cells }));
  const todo = [];
  rows.forEach((r, i) => {
    const lon = parseNumber(r.cells[lonCol]);
    const lat = parseNumber(r.cells[latCol]);
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) r.error = t('batchNotNumber', { lon: r.cells[lonCol] ?? '', lat: r.cells[latCol] ?? '' });
    else if (Math.abs(lon) > 180 || Math.abs(lat) > 90) r.error = t('batchOutOfRange', { lon, lat });
    else todo.push({ i, lon, lat });
  });
  result = { name: file.name.replace(/\.[^.]*$/, ''), header, rows, date: currentDate(), crs: el('batch-crs').value };
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

// lookup answers the points of chunk into rows. A chunk the service
// refuses as a whole (400: one bad point fails the request) is split until
// the bad rows are found, each with the service's reason.
async function lookup(chunk, rows, res) {
  const body = Papa.unparse({ fields: ['row', 'lon', 'lat'], data: chunk.map((p) => [p.i, p.lon, p.lat]) });
  let r;
  try {
    r = await fetch(`../lookup?date=${res.date}&crs=${encodeURIComponent(res.crs)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv; charset=utf-8', Accept: 'text/csv' },
      body,
    });
  } catch (e) {
    for (const p of chunk) rows[p.i].error = t('batchFailed', { detail: e.message });
    return;
  }
  if (r.ok) {
    const out = Papa.parse((await r.text()).replace(/^\ufeff/, ''), { header: true, skipEmptyLines: 'greedy' });
    for (const a of out.data) {
      const row = rows[Number(a.row)];
      if (row) row.answer = ANSWER.map((k) => a[k] ?? '');
    }
    for (const p of chunk) if (!rows[p.i].answer) rows[p.i].error = t('batchNoAnswer');
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
  for (const p of chunk) rows[p.i].error = t('batchFailed', { detail: detail.replace(/^body: line \d+: /, '') });
}

// render writes the table of answers (the first SHOWN rows).
function render() {
  const { header, rows } = result;
  const en = state.lang === 'en';
  const head = ['#', ...header, t('district'), t('township'), t('change'), t('batchError')];
  const body = rows.slice(0, SHOWN).map((r, i) => {
    const a = r.answer ?? [];
    const d = en ? a[2] || a[1] : a[1];
    const tw = en ? a[5] || a[4] : a[4];
    return `<tr class="${r.error ? 'failed' : ''}"><th scope="row">${i + 1}</th>${header.map((_, j) => `<td>${textHTML(r.cells[j] ?? '')}</td>`).join('')}
      <td>${textHTML(d ?? '')}</td><td>${textHTML(tw ?? '')}</td><td>${textHTML(a[7] ?? '')}</td><td class="error">${textHTML(r.error ?? '')}</td></tr>`;
  });
  el('batch-table').innerHTML = `<table><caption>${esc(t('batchCaption', { n: rows.length, shown: Math.min(rows.length, SHOWN), date: result.date }))}</caption>
    <thead><tr>${head.map((h) => `<th scope="col">${textHTML(h)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
  const key = el('batch-message').dataset.key;
  if (key === 'batchDone') setState('done', 'batchDone', { n: rows.length, failed: rows.filter((r) => r.error).length });
}

// download saves every row with the answer's columns and an error column,
// as CSV with a UTF-8 byte order mark.
function download() {
  if (!result) return;
  const fields = [...result.header, ...ANSWER, 'error'];
  const data = result.rows.map((r) => [...result.header.map((_, j) => r.cells[j] ?? ''), ...(r.answer ?? ANSWER.map(() => '')), r.error ?? '']);
  const csv = '\ufeff' + Papa.unparse({ fields, data }, { newline: '\r\n' });
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${result.name || 'points'}-${result.date}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
