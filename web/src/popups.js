// The popups of features in plain language, in the page's language: the
// kind of feature, its name in both languages, what changed and when, how
// accurate it is in words and a link to its record (with its sources) in
// the service's own HTML; every other property under "details".

import { propertyNames } from './i18n.js';
import { state, region, esc, t, tOr, valueName, names, unitName, districtKind, movement, langOf, textHTML } from './state.js';

// regionUnit finds a district of the region by code or id.
function regionUnit(ref) {
  if (ref == null || ref === '') return null;
  const s = String(ref);
  return [region.target, ...region.created, ...region.abolished, ...region.moves.flatMap((m) => [m.from, m.to])].find((u) => u && (u.code === s || u.id === s)) ?? null;
}

// nameSpan is a name, marked with its language.
const nameSpan = (s) => `<span lang="${langOf(s)}">${esc(s)}</span>`;

// districtLabel is the name of the district ref (a code or id) in the
// page's language, or the name given by the feature (fallback).
function districtLabel(ref, fallback) {
  const u = regionUnit(ref);
  if (u) return nameSpan(unitName(u));
  return fallback ? nameSpan(fallback) : '';
}

// changeLines says in words what the redrawing changed for feature f.
function changeLines(layer, f) {
  const p = f.properties ?? {};
  const out = [];
  if (layer.id === 'districts') {
    const k = districtKind(p.code, f.id);
    if (k === 'created') out.push(t('popCreated'));
    else if (k.startsWith('abolished')) out.push(t('popAbolished'));
    else if (k === 'target') out.push(t('popTargetChanged'));
  }
  const code = layer.id === 'seats' ? p.township : p.code;
  const m = movement(code) ? region.moves.find((x) => x.code === String(code)) : null;
  if (m) out.push(t('popMoved', { from: unitName(m.from), to: unitName(m.to) }));
  return out;
}

// validity says from when and until when the feature is valid.
function validity(p) {
  if (p.valid_from && p.valid_to) return t('popValidRange', { from: p.valid_from, to: p.valid_to });
  if (p.valid_from) return t('popValidFrom', { from: p.valid_from });
  if (p.valid_to) return t('popValidTo', { to: p.valid_to });
  return '';
}

// facts are the few lines a person needs, per kind of feature: [label, html].
function facts(layer, f) {
  const p = f.properties ?? {};
  const rows = [];
  const row = (key, html) => html && rows.push([t(key), html]);
  const word = (prefix, v) => (v == null || v === '' ? '' : esc(tOr(`${prefix}_${v}`, valueName(v))));
  switch (layer.id) {
    case 'townships':
      row('popKind', esc(valueName(p.kind)));
      row('popDistrict', districtLabel(state.when === 'before' ? p.district_before : p.district_after, state.when === 'before' ? p.district_before_name : p.district_after_name));
      break;
    case 'seats':
      row('popSeatOf', p.township_name ? nameSpan(p.township_name) : '');
      row('popDistrict', districtLabel(state.when === 'before' ? p.district_before : p.district_after));
      if (Number.isFinite(p.population) && p.population > 0) row('popPopulation', esc(p.population.toLocaleString(state.lang === 'en' ? 'en' : 'zh-CN')));
      break;
    case 'projects':
      row('popCategory', esc(valueName(p.category)));
      row('popStatus', word('status', p.status));
      row('popPlaced', word('precision', p.location_precision));
      break;
    case 'corridors':
    case 'planning-zones':
      row('popKind', esc(valueName(p.kind)));
      row('popStatus', word('status', p.status));
      break;
  }
  if (Number.isFinite(p.area_km2) && p.area_km2 > 0) row('popArea', esc(t('km2', { n: p.area_km2.toLocaleString(state.lang === 'en' ? 'en' : 'zh-CN', { maximumFractionDigits: 1 }) })));
  row('popValid', esc(validity(p)));
  if (p.accuracy) row('popAccuracy', esc(tOr(`accuracy_${p.accuracy}`, p.accuracy)));
  return rows;
}

// The properties that facts() and the heading already say in words.
const SAID = new Set(['name', 'name_en', 'accuracy', 'valid_from', 'valid_to', 'kind', 'category', 'status', 'location_precision', 'area_km2', 'population', 'township_name', 'moves']);

// detailValue is a property value in words: booleans as yes/no, arrays
// joined, text marked with its language; '' for nothing to show.
function detailValue(v) {
  if (v == null || v === '') return '';
  if (typeof v === 'boolean') return esc(t(v ? 'yes' : 'no'));
  if (Array.isArray(v)) {
    const xs = v.filter((x) => x != null && typeof x !== 'object');
    return xs.length ? textHTML(xs.join(', ')) : '';
  }
  if (typeof v === 'object') return '';
  return textHTML(String(v));
}

// popupHTML is the popup of feature f of layer.
export function popupHTML(layer, f) {
  const p = f.properties ?? {};
  const [primary, secondary] = names(p);
  const m = layer.id === 'townships' || layer.id === 'seats' ? movement(layer.id === 'seats' ? p.township : p.code) : '';
  const changes = changeLines(layer, f);
  const rows = facts(layer, f)
    .map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${v}</td></tr>`)
    .join('');
  const details = Object.keys(p)
    .filter((k) => !SAID.has(k))
    .map((k) => [k, detailValue(p[k])])
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `<tr><th scope="row">${esc(propertyNames[k]?.[state.lang === 'en' ? 1 : 0] ?? k)}</th><td>${v}</td></tr>`)
    .join('');
  const record = `../collections/${encodeURIComponent(layer.id)}/items/${encodeURIComponent(f.id)}?f=html`;
  return `<div class="popup" lang="${state.lang === 'en' ? 'en' : 'zh-CN'}">
    <p class="popup-kind">${esc(t(`layer_${layer.id}`))}</p>
    <h3>${primary ? nameSpan(primary) : ''}${secondary ? ` <span class="alt" lang="${langOf(secondary)}">${esc(secondary)}</span>` : ''}</h3>
    ${m ? `<p class="tag tag-${m}">${esc(t(m))}</p>` : ''}
    ${changes.map((c) => `<p class="popup-change">${esc(c)}</p>`).join('')}
    <table class="facts">${rows}</table>
    <p class="popup-source"><a href="${esc(record)}" target="_blank" rel="noopener">${esc(t('popRecord'))}</a></p>
    ${details ? `<details class="popup-details"><summary>${esc(t('details'))}</summary><table>${details}</table></details>` : ''}
  </div>`;
}
