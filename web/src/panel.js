// The lookup panel: what lies at a clicked point or a searched address on
// the date shown, the change there, what is nearby, and the coordinates;
// and the popups of features.

import L from 'leaflet';
import * as api from './api.js';
import { state, region, esc, t, valueName, nameHTML, unitName, textHTML, regionUnitByName, currentDate } from './state.js';
import { featureLayer, isShown } from './layers.js';
import { wgs84ToGcj02 } from './gcj02.js';

let map = null;
let panel = null;
let changed = () => {};
let lookupSeq = 0;
let pick = null;

// openSheet opens or closes the bottom sheet of a phone (the side panel
// on a wide screen is always open).
export function openSheet(open) {
  document.getElementById('sheet-toggle').setAttribute('aria-expanded', String(open));
  document.querySelector('.side').dataset.sheet = open ? 'open' : 'closed';
}

// initPanel binds the panel to map m; onChange runs when the answer shown
// changes (to write the permalink).
export function initPanel(m, onChange) {
  map = m;
  changed = onChange;
  panel = document.getElementById('panel');
  panel.addEventListener('click', onClick);
  document.getElementById('sheet-toggle').addEventListener('click', (e) => openSheet(e.currentTarget.getAttribute('aria-expanded') !== 'true'));
}

function panelState(s) {
  panel.dataset.state = s;
  panel.setAttribute('aria-busy', s === 'loading' ? 'true' : 'false');
}

function hidePick() {
  if (pick) {
    pick.remove();
    pick = null;
  }
}

// showPanel shows html in the panel as the answer to the latest lookup.
function showPanel(html, s) {
  panel.innerHTML = html;
  panelState(s);
  panel.dataset.seq = String(lookupSeq);
  document.querySelector('.side').scrollTop = 0;
  document.getElementById('sheet-body').scrollTop = 0;
  openSheet(true);
}

function showPick(lat, lon) {
  if (pick) pick.setLatLng([lat, lon]);
  else pick = L.circleMarker([lat, lon], { pane: 'pick', radius: 9, color: '#000', weight: 2, fill: false, interactive: false }).addTo(map);
}

// lookupPoint asks the service what lies at lat/lon on the current date
// and shows the answer.
export async function lookupPoint(lat, lon) {
  const seq = ++lookupSeq;
  state.last = { lat, lon };
  showPick(lat, lon);
  panelState('loading');
  const r = await api.lookupPoint(lat, lon, currentDate());
  if (seq !== lookupSeq) return;
  if (!r.ok) {
    renderError('lookupFailed', { detail: r.body?.detail ?? r.status });
    return;
  }
  state.last.answer = r.body;
  renderAnswer();
}

// search asks the address lookup for q on the date shown, zooms to the
// match and shows the answer.
export async function search(q) {
  q = q.trim();
  if (!q) return;
  const seq = ++lookupSeq;
  // A failed search leaves no answer behind for a language or layout
  // switch to repaint; the layout switch searches q again.
  state.last = { q };
  panelState('loading');
  const r = await api.lookupAddress(q, currentDate());
  if (seq !== lookupSeq) return;
  if (!r.ok) {
    if (r.status === 404) renderError('notFound', { q });
    else renderError('lookupFailed', { detail: r.body?.detail ?? r.status });
    return;
  }
  const a = r.body ?? {};
  // A match without a district (a unit whose position is unknown) has no
  // point to show, whatever the coordinates say.
  const located = a.district != null && Number.isFinite(+a.query?.lon) && Number.isFinite(+a.query?.lat);
  if (!located) {
    state.last = { q, lat: NaN, lon: NaN, answer: a };
    hidePick();
    renderAnswer();
    return;
  }
  const lat = +a.query.lat;
  const lon = +a.query.lon;
  map.setView([lat, lon], Math.max(map.getZoom(), a.township ? 13 : 11));
  state.last = { q, lat, lon, answer: a };
  showPick(lat, lon);
  renderAnswer();
}

// repeat runs the last lookup again (for another layout).
export function repeat() {
  if (state.last?.q) search(state.last.q);
  else if (state.last && Number.isFinite(state.last.lat)) lookupPoint(state.last.lat, state.last.lon);
}

// relocalize writes the panel again in the page's language.
export function relocalize() {
  if (state.last?.answer) renderAnswer();
  else if (state.last?.error) renderError(state.last.error.key, state.last.error.args);
  else if (panel.querySelector('.hint')) panel.querySelector('.hint').textContent = t('hint');
}

// renderError shows the message key with args, and keeps them so that a
// language switch can say it again.
function renderError(key, args) {
  state.last = { ...(state.last ?? {}), error: { key, args } };
  showPanel(`<p class="error" role="alert">${textHTML(t(key, args))}</p>`, 'error');
  changed();
}

// showMessage shows the message key in the panel as the latest answer
// (state 'error' unless given): the geolocation's progress and failures.
export function showMessage(key, args, s = 'error') {
  ++lookupSeq;
  if (s === 'loading') {
    panel.innerHTML = `<p class="hint">${esc(t(key, args))}</p>`;
    panelState('loading');
    return;
  }
  state.last = { error: { key, args } };
  hidePick();
  renderError(key, args);
}

function distance(m) {
  if (!Number.isFinite(+m)) return '';
  return m >= 1000 ? t('km', { n: (m / 1000).toFixed(1) }) : t('metres', { n: Math.round(m) });
}

// districtName is a district of the region named in Chinese by the
// service, in the page's language.
function districtName(name) {
  const u = regionUnitByName(name);
  return u ? unitName(u) : name ?? '';
}

// noticeLines says, in the page's language, what an address lookup's
// matched names should know: a district set up or abolished by the
// redrawing, a township with no boundary in the data.
function noticeLines(a) {
  const out = [];
  for (const m of a.matched ?? []) {
    const created = region.created.find((u) => u.name === m);
    const abolished = region.abolished.find((u) => u.name === m);
    if (created) out.push(t('noticeCreated', { name: unitName(created) }));
    else if (abolished) out.push(t('noticeAbolished', { name: unitName(abolished) }));
    else if (!a.township && a.district && m !== a.district.name && !regionUnitByName(m)) {
      out.push(t('noticeNoBoundary', { name: m, district: unitName(a.district) }));
    }
  }
  return out;
}

function renderAnswer() {
  const { lat, lon, answer: a } = state.last ?? {};
  if (!a) return;
  const rows = [];
  const row = (key, html, cls) => rows.push(`<dt>${esc(t(key))}</dt><dd class="${cls}">${html}</dd>`);
  row('date', esc(a.query.date), 'date');
  row('district', a.district ? nameHTML(a.district) : esc(t('outside')), 'district');
  row('township', a.township ? `${nameHTML(a.township)}${a.township.accuracy === 'approximate' ? ` <small>${esc(t('approximate'))}</small>` : ''}` : esc(t('none')), 'township');
  const zones = a.zones ?? [];
  row('zones', zones.length ? `<ul>${zones.map((z) => `<li>${nameHTML(z)}${z.kind ? ` <small>${esc(valueName(z.kind))}</small>` : ''}</li>`).join('')}</ul>` : esc(t('none')), 'zones');

  const changes = a.changes ?? [];
  const notices = noticeLines(a);
  // The service's own notes are English sentences that say again what the
  // lines above say: under a toggle, marked as English.
  const serverNotes = a.notices ?? [];
  const notesHTML = serverNotes.length
    ? `<details class="server-notes"><summary>${esc(t('serverNotes'))}</summary><ul lang="en">${serverNotes
        .map((n) => `<li>${state.lang === 'en' ? textHTML(n) : esc(n)}</li>`)
        .join('')}</ul></details>`
    : '';
  let notice = '';
  if (changes.length || notices.length || serverNotes.length) {
    notice = `<div class="notice" role="note"><h3>${esc(t('change'))}</h3>
      ${changes
        .map(
          (c) => `<p>${esc(t('changeLine', { date: c.date, from: districtName(c.from), to: districtName(c.to) }))}</p>
            ${c.basis ? `<p class="basis"><span>${esc(t('basis'))}:</span> <span lang="zh-CN">${esc(c.basis)}</span></p>` : ''}`,
        )
        .join('')}
      ${notices.length ? `<ul class="notices">${notices.map((n) => `<li>${textHTML(n)}</li>`).join('')}</ul>` : ''}
      ${notesHTML}
    </div>`;
  }

  const matched = a.matched ?? [];
  const matchedHTML = matched.length
    ? `<h3>${esc(t('matched'))}</h3><ul class="matched">${matched.map((m) => `<li>${textHTML(m)}</li>`).join('')}</ul>`
    : '';

  const nearby = a.nearby ?? [];
  const nearbyHTML = nearby.length
    ? `<h3>${esc(t('nearby'))}</h3><ul class="nearby">${nearby
        .slice(0, 8)
        .map(
          (n) => `<li><span class="bullet" aria-hidden="true"></span><span class="item"><button type="button" class="link" data-collection="${esc(n.collection)}" data-id="${esc(n.id)}">${nameHTML(n)}</button>
            <small>${esc(t(`layer_${n.collection}`))} · ${esc(distance(n.distance_m))}</small></span></li>`,
        )
        .join('')}</ul>`
    : '';

  let coords = '';
  if (Number.isFinite(lat) && Number.isFinite(lon)) {
    const [glon, glat] = wgs84ToGcj02(lon, lat);
    coords = `<h3>${esc(t('coords'))}</h3><dl class="coords">
      <dt>${esc(t('wgs84'))}</dt><dd class="wgs84">${lon.toFixed(6)}, ${lat.toFixed(6)}</dd>
      <dt>${esc(t('gcj02'))}</dt><dd class="gcj02">${glon.toFixed(6)}, ${glat.toFixed(6)}</dd></dl>`;
  }

  showPanel(
    `<h2>${esc(t('resultTitle'))}</h2>
    <button type="button" class="close" aria-label="${esc(t('close'))}">×</button>
    <dl class="answer">${rows.join('')}</dl>${notice}${matchedHTML}${nearbyHTML}${coords}
    <p class="share-row"><button type="button" class="share">${esc(t('copyLink'))}</button> <span class="share-status" role="status"></span></p>`,
    'done',
  );
  changed();
}

// copyLink puts the permalink of the answer on the clipboard, or, where
// the browser does not allow it, shows it selected for the user to copy.
async function copyLink(b) {
  const status = panel.querySelector('.share-status');
  try {
    await navigator.clipboard.writeText(location.href);
    status.textContent = t('copied');
  } catch {
    status.textContent = t('copyFallback');
    let input = panel.querySelector('.share-url');
    if (!input) {
      input = document.createElement('input');
      input.className = 'share-url';
      input.readOnly = true;
      input.setAttribute('aria-label', t('copyLink'));
      b.parentElement.after(input);
    }
    input.value = location.href;
    input.select();
  }
}

function onClick(e) {
  const b = e.target.closest('button');
  if (!b) return;
  if (b.classList.contains('close')) {
    state.last = null;
    lookupSeq++;
    panel.innerHTML = `<p class="hint">${esc(t('hint'))}</p>`;
    panelState('idle');
    hidePick();
    changed();
    map.getContainer().focus();
    return;
  }
  if (b.classList.contains('share')) {
    copyLink(b);
    return;
  }
  const l = featureLayer(b.dataset.collection, b.dataset.id);
  if (l) {
    if (l.getBounds) {
      if (l.getBounds().isValid()) map.fitBounds(l.getBounds(), { maxZoom: 14 });
    } else map.setView(l.getLatLng(), Math.max(map.getZoom(), 13));
    if (isShown(b.dataset.collection)) l.openPopup();
  }
}
