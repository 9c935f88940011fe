// The layers of the service on the map: one pane per collection, the
// features of the date shown drawn as SVG, labels, the outline of the
// target district on top and an optional basemap.

import L from 'leaflet';
import { items } from './api.js';
import { state, region, t, names, districtKind, movement, currentDate, langOf } from './state.js';

// DRAWING says how the page draws each collection it knows, bottom to top:
// the pane of layer i is stacked at z-index 410 + i inside Leaflet's
// overlay pane; category names the property that picks the colour. A
// collection of config.json missing here is drawn after them as GENERIC.
const DRAWING = [
  { id: 'districts', kind: 'polygon' },
  { id: 'townships', kind: 'polygon' },
  { id: 'planning-zones', kind: 'polygon', category: 'kind', defaultOff: true }, // schematic, overlapping
  { id: 'corridors', kind: 'line', category: 'kind' },
  { id: 'projects', kind: 'point', category: 'category' },
  { id: 'seats', kind: 'point' },
];
const GENERIC = { kind: 'any' };

// OKABE_ITO is the colour-blind-safe palette of Okabe and Ito (2008),
// without its yellow (too light on the map): categories get these colours
// in order, so a layer shows at most eight of them.
export const OKABE_ITO = ['#0072B2', '#009E73', '#CC79A7', '#D55E00', '#E69F00', '#56B4E9', '#000000'];

// GROUPS puts the values of a category property into at most seven groups
// of OKABE_ITO, in this order; a value missing here goes to "other".
const GROUPS = {
  projects: [
    ['industry', ['industry', 'development area']],
    ['tourism', ['tourism', 'culture', 'nature', 'nature and tourism', 'agriculture and tourism']],
    ['education', ['education', 'education and research']],
    ['care', ['health', 'elderly care']],
    ['services', ['public services', 'programme']],
    ['transport', ['transport']],
  ],
};
const OTHER_COLOUR = '#7f7f7f';

// COLOURS of the district kinds of state.districtKind and of the moves.
export const COLOURS = {
  target: '#c62828',
  created: '#1565c0',
  'abolished-0': '#00838f',
  'abolished-1': '#6a1b9a',
  other: '#8d8d8d',
  incoming: '#2e7d32',
  outgoing: '#ef6c00',
  stay: '#c62828',
  seat: '#424242',
};
export const districtColour = (k) => COLOURS[k] ?? COLOURS.other;

// LAYERS are the layers drawn, set by initLayers from config.json's
// collections.
export let LAYERS = [];
export const layerIds = () => LAYERS.map((l) => l.id);

let map = null;
let onFeatureClick = () => {};
const panes = {};
const drawn = {}; // id → L.LayerGroup currently on the map (or built while hidden)
const index = {}; // id → Map(featureId → Leaflet layer) of the current date
const categories = {}; // id → distinct category values, in order of first sight
let basemapLayer = null;
let outline = null; // the outline of the target district of the current layout, above every layer

// initLayers makes the panes of the collections of config.json on m;
// onClick(lat, lon) is called when a feature is clicked.
export function initLayers(m, collections, onClick) {
  map = m;
  onFeatureClick = onClick;
  const known = DRAWING.filter((d) => collections.includes(d.id));
  const extra = collections.filter((id) => !DRAWING.some((d) => d.id === id)).map((id) => ({ ...GENERIC, id }));
  LAYERS = [...known, ...extra];
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
  return LAYERS.filter((l) => !l.defaultOff).map((l) => l.id);
}

export const layerCount = (id) => panes[id]?.dataset.count;
export const featureLayer = (collection, id) => index[collection]?.get(id);
export const isShown = (id) => !!drawn[id] && map.hasLayer(drawn[id]);
export const features = (id) => [...(index[id]?.values() ?? [])].map((l) => l.feature);

// showLayer shows or hides layer id, once drawn, and records the choice in
// state.on; the outline of the target district goes with the districts.
export function showLayer(id, on) {
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
export function applyHashLayers(ls) {
  state.basemap = ls.includes('basemap');
  for (const id of layerIds()) showLayer(id, ls.includes(id));
  applyBasemap();
}

// applyBasemap adds or removes the configured basemap as state.basemap says.
export function applyBasemap() {
  if (!state.config.basemap) return;
  if (!basemapLayer) basemapLayer = L.tileLayer(state.config.basemap, { maxZoom: 19 });
  if (state.basemap) basemapLayer.addTo(map);
  else basemapLayer.remove();
}

// groupOf is the group of a category value of a layer: the value itself
// for a layer without groups, 'other' for a value no group names.
export function groupOf(layerId, value) {
  const groups = GROUPS[layerId];
  if (!groups) return value;
  return groups.find(([, vs]) => vs.includes(value))?.[0] ?? 'other';
}

// colourOf is the colour of a category value of a layer: its group's.
export function colourOf(layerId, value) {
  const g = groupOf(layerId, value);
  const list = categoryValues(layerId);
  const i = list.indexOf(g);
  if (g === 'other' || i < 0 || i >= OKABE_ITO.length) return OTHER_COLOUR;
  return OKABE_ITO[i];
}

// categoryValues are the groups of layer id's category values seen so far,
// in the order of GROUPS (else of first sight), 'other' last.
export function categoryValues(id) {
  const seen = new Set((categories[id] ?? []).map((v) => groupOf(id, v)));
  const order = GROUPS[id]?.map(([g]) => g) ?? [...seen];
  const out = order.filter((g) => seen.has(g) && g !== 'other');
  if (seen.has('other')) out.push('other');
  return out;
}

function featureStyle(layer, f) {
  const p = f.properties ?? {};
  switch (layer.id) {
    case 'districts': {
      const k = districtKind(p.code, f.id);
      const strong = k !== 'other';
      return {
        color: districtColour(k),
        weight: k === 'target' ? 3.5 : strong ? 2.5 : 1,
        opacity: strong ? 0.95 : 0.6,
        fillColor: districtColour(k),
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
        fillColor: districtColour(k),
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
      return { radius: m ? 6 : 4, color: '#ffffff', weight: 1.5, fillColor: m ? COLOURS[m] : COLOURS.seat, fillOpacity: 1 };
    }
  }
  return { radius: 5, color: '#455a64', weight: 2, fillColor: '#455a64', fillOpacity: 0.3 };
}

function labelText(f) {
  const [a] = names(f.properties ?? {});
  return a;
}

function labelClass(layer, f) {
  const m = layer.id === 'townships' ? movement(f.properties?.code) : '';
  return `lbl lbl-${layer.id}${m ? ` lbl-${m}` : ''}`;
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
      d.lang = langOf(it.text);
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
      if (this._nodes) {
        this._nodes[i].textContent = it.text;
        this._nodes[i].lang = langOf(it.text);
      }
    });
  },
  _place() {
    this._items.forEach((it, i) => {
      const p = this._map.latLngToLayerPoint(it.latlng);
      this._nodes[i].style.transform = `translate(${p.x}px,${p.y}px) translate(-50%,-50%)`;
    });
  },
});

// relabel writes the labels again in the page's language.
export function relabel() {
  for (const layer of LAYERS) drawn[layer.id]?.labels?.setTexts((it) => labelText(it.feature));
}

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

// clicked looks up the point clicked (a marker's own position). The map's
// click handler does not also run: features have bubblingMouseEvents: false.
function clicked(e) {
  const ll = e.target.getLatLng ? e.target.getLatLng() : e.latlng;
  onFeatureClick(ll.lat, ll.lng);
}

function build(layer, data, popup) {
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
      // Chromium puts every interactive SVG path in the Tab order: 160-odd
      // unnamed stops inside the map. Keyboard users look up the centre
      // with Enter and reach features through the answer's nearby list.
      l.on('add', () => l.getElement?.()?.setAttribute('tabindex', '-1'));
      l.bindPopup(() => popup(layer, f), { maxWidth: 340, maxHeight: 300, autoPanPadding: [20, 20] });
      l.on('click', clicked);
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
// the map, layer by layer as answers arrive. popup(layer, feature) makes a
// feature's popup; onDrawn(id) runs after each layer is drawn. It resolves
// to null when a newer drawAll took over, else {total, failed}.
export async function drawAll(popup, onDrawn) {
  const gen = ++generation;
  const date = currentDate();
  const results = await Promise.allSettled(
    LAYERS.map(async (layer) => {
      const pane = panes[layer.id];
      pane.dataset.state = 'loading';
      const data = await items(layer.id, date);
      if (gen !== generation) return 0;
      const g = build(layer, data, popup);
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
      if (layer.id === 'districts') drawOutline();
      onDrawn(layer.id);
      return n;
    }),
  );
  if (gen !== generation) return null;
  const failed = results.map((r, i) => (r.status === 'rejected' ? LAYERS[i].id : null)).filter(Boolean);
  failed.forEach((id) => (panes[id].dataset.state = 'error'));
  const total = results.reduce((s, r) => s + (r.status === 'fulfilled' ? r.value : 0), 0);
  return { total, failed, date };
}

// drawOutline draws the border of the target district of the shown layout
// on top of the townships and zones, so that its change is the first thing
// one sees.
function drawOutline() {
  outline?.remove();
  const fs = features('districts').filter((f) => districtKind(f.properties?.code, f.id) === 'target');
  outline = L.geoJSON(fs, {
    pane: 'outline',
    interactive: false,
    style: { color: COLOURS.target, weight: 4, opacity: 0.9, fill: false },
  });
  showLayer('districts', state.on.has('districts'));
}

// storyBounds are the bounds of the target district of the layout shown
// and of every township that moves (those that left lie outside it after
// the change, those that joined before it), once both layers are drawn.
export function storyBounds() {
  const b = outline?.getBounds();
  if (!b?.isValid()) return null;
  for (const [code, l] of index.townships ?? []) {
    if (movement(code) && l.getBounds?.().isValid()) b.extend(l.getBounds());
  }
  return b;
}

// legendItems lists the swatches of layer id's legend: {colour, label, cls}.
export function legendItems(id, valueName) {
  const sw = (colour, label, cls = '') => ({ colour, label, cls });
  switch (id) {
    case 'districts':
      return state.when === 'before'
        ? [
            sw(COLOURS.target, t('legendOutline', { date: currentDate() }), 'outline'),
            sw(COLOURS.target, unitLabel(region.target)),
            ...region.abolished.map((u, i) => sw(districtColour(`abolished-${i}`), t('legendAbolished', { name: unitLabel(u) }))),
            sw(COLOURS.other, t('legendOther')),
          ]
        : [sw(COLOURS.target, t('legendOutline', { date: currentDate() }), 'outline'), sw(COLOURS.target, unitLabel(region.target)), ...region.created.map((u) => sw(COLOURS.created, unitLabel(u))), sw(COLOURS.other, t('legendOther'))];
    case 'townships':
      return [
        sw(COLOURS.incoming, t('legendIncomingLine'), 'dashed'),
        sw(COLOURS.outgoing, t('legendOutgoingLine'), 'dashed'),
        sw(COLOURS.stay, t('legendTownshipFill'), 'fill'),
        sw('#90a4ae', t('legendTownshipLine'), 'thin'),
      ];
    case 'seats':
      return [sw(COLOURS.incoming, t('legendIncoming'), 'dot'), sw(COLOURS.outgoing, t('legendOutgoing'), 'dot'), sw(COLOURS.seat, t('layer_seats'), 'dot')];
    default: {
      const layer = LAYERS.find((l) => l.id === id);
      const cls = layer.kind === 'point' ? 'dot' : layer.kind === 'line' ? 'line' : 'dashed';
      const items = categoryValues(id).map((v) => sw(colourOf(id, GROUPS[id] ? groupMember(id, v) : v), GROUPS[id] ? t(`group_${v}`) : valueName(v), cls));
      if (layer.kind === 'line') items.push(sw('#455a64', t('legendSchematicLine'), 'line note'));
      if (id === 'planning-zones') items.push(sw('#455a64', t('legendSchematicArea'), 'dashed note'));
      if (id === 'projects') items.push(sw('#455a64', t('legendSchematicPoint'), 'dot note'));
      return items;
    }
  }
}

// groupMember is a value of group g of layer id (to colour its swatch).
function groupMember(id, g) {
  return GROUPS[id].find(([x]) => x === g)?.[1][0] ?? g;
}

// unitLabel is the short name of a district in the legend: 北碚区 in
// Chinese, "Beibei" in English (without "District").
function unitLabel(u) {
  if (state.lang !== 'en') return u.name;
  return (u.name_en || u.name).replace(/ District$/, '');
}
