// The client of the service's own API. Every URL is relative to /map/
// ("../lookup", "config.json"), so that the page works under any prefix a
// proxy mounts the service at.

// fetchJSON gets url as JSON and never throws on an HTTP error: it returns
// the status, ok and the parsed body (null if there is none).
export async function fetchJSON(url, init = {}) {
  const r = await fetch(url, { ...init, headers: { Accept: 'application/json', ...(init.headers ?? {}) } });
  let body = null;
  try {
    body = await r.json();
  } catch {
    body = null;
  }
  return { status: r.status, ok: r.ok, body };
}

// fetchConfig gets /map/config.json: the basemap, the attributions and the
// region's facts.
export const fetchConfig = () => fetchJSON('config.json');

const cache = new Map();

// items resolves to the GeoJSON of every feature of collection id valid on
// date; answers are kept, failures are not.
export function items(id, date) {
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

// lookupPoint asks /lookup what lies at lat/lon (WGS84) on date.
export const lookupPoint = (lat, lon, date) => fetchJSON(`../lookup?lon=${lon.toFixed(6)}&lat=${lat.toFixed(6)}&date=${date}`);

// lookupAddress asks /lookup for the address or place name q on date.
export const lookupAddress = (q, date) => fetchJSON(`../lookup?address=${encodeURIComponent(q)}&date=${date}`);

// suggest asks /geocode/suggest for up to limit names that q reads as or
// begins: [{name, code?, precision, path, score}], best first.
export const suggest = (q, limit, signal) => fetchJSON(`../geocode/suggest?q=${encodeURIComponent(q)}&limit=${limit}`, { signal });
