// The URL hash is the permalink of the page:
// #map=ZOOM/LAT/LON&when=before|after&layers=basemap,districts,…&lang=zh|en

// parseHash reads the permalink of location.hash; a part that is missing
// or malformed is null.
export function parseHash(hash = location.hash) {
  const out = {};
  for (const part of hash.replace(/^#/, '').split('&')) {
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

let written = '';

// writeHash replaces the URL's hash (without a history entry) by the
// permalink of view {zoom, lat, lon}, when, the layers shown and lang.
export function writeHash({ zoom, lat, lon }, when, layers, lang) {
  const h = `#map=${zoom}/${lat.toFixed(5)}/${lon.toFixed(5)}&when=${when}&layers=${layers.join(',')}&lang=${lang}`;
  if (h !== location.hash) history.replaceState(null, '', h);
  written = h;
}

// isOwnHash reports whether the current hash is the one writeHash wrote
// last (a hashchange event the page caused itself).
export const isOwnHash = () => location.hash === written;
