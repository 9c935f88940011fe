// The URL hash is the permalink of the page:
// #map=ZOOM/LAT/LON&when=before|after&layers=basemap,districts,…&lang=zh|en
// and, for a shared answer, &at=LAT,LON (a point looked up) or &q=TEXT (an
// address searched).

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
    at: parseAt(out.at),
    q: out.q ? out.q.slice(0, 200) : null,
  };
}

// parseAt reads "LAT,LON" in degrees, or null.
function parseAt(s) {
  const m = /^(-?\d{1,2}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?)$/.exec(s ?? '');
  if (!m) return null;
  const lat = +m[1];
  const lon = +m[2];
  return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { lat, lon } : null;
}

let written = '';

// writeHash replaces the URL's hash (without a history entry) by the
// permalink of view {zoom, lat, lon}, when, the layers shown, lang and the
// lookup shown: answer {at: {lat, lon}} or {q}, or null.
export function writeHash({ zoom, lat, lon }, when, layers, lang, answer = null) {
  let h = `#map=${zoom}/${lat.toFixed(5)}/${lon.toFixed(5)}&when=${when}&layers=${layers.join(',')}&lang=${lang}`;
  if (answer?.q) h += `&q=${encodeURIComponent(answer.q)}`;
  else if (answer?.at) h += `&at=${answer.at.lat.toFixed(6)},${answer.at.lon.toFixed(6)}`;
  if (h !== location.hash) history.replaceState(null, '', h);
  written = h;
}

// isOwnHash reports whether the current hash is the one writeHash wrote
// last (a hashchange event the page caused itself).
export const isOwnHash = () => location.hash === written;
