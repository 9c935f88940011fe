// The state of the page that several modules read: the user's choices
// (language, layout, layers), the configuration and the facts of the
// region from /map/config.json, and the text helpers that depend on them.
// Modules change state only through the functions of the module that owns
// each part (layers.js the layers, panel.js the lookup).

import { messages, valueNames, format } from './i18n.js';

export const state = {
  lang: 'zh',
  when: 'after',
  on: new Set(), // ids of the layers switched on
  basemap: false,
  config: { basemap: null, attribution: [] },
  last: null, // the last lookup: {lat, lon, answer?} for a point, {q, lat?, lon?, answer?} for a search
};

// region holds the facts of the redrawing as config.json gives them
// (geo.Redrawing2026 on the server); setRegion fills it before anything is
// drawn. The page spells none of them itself.
export const region = {
  changeDate: '',
  lastOldDate: '',
  basis: '',
  target: { code: '', name: '', name_en: '', id: '' },
  abolished: [],
  created: [],
  moves: [],
  collections: [],
  incoming: new Set(), // codes of the townships that join target
  outgoing: new Set(), // codes of the townships that leave it
};

// setRegion takes the region object of config.json.
export function setRegion(r) {
  region.changeDate = r.change_date;
  region.lastOldDate = r.last_old_date;
  region.basis = r.basis ?? '';
  region.target = r.target;
  region.abolished = r.abolished ?? [];
  region.created = r.created ?? [];
  region.moves = r.moves ?? [];
  region.collections = r.collections ?? [];
  const same = (a, b) => a && b && a.code === b.code && a.name === b.name;
  region.incoming = new Set(region.moves.filter((m) => same(m.to, r.target)).map((m) => m.code));
  region.outgoing = new Set(region.moves.filter((m) => same(m.from, r.target)).map((m) => m.code));
}

// esc escapes s for HTML text and attribute values.
export const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// unitName is the name of a unit of the region in the page's language.
export function unitName(u) {
  if (!u) return '';
  return state.lang === 'en' ? u.name_en || u.name : u.name || u.name_en;
}

// regionArgs are the placeholders every message may use: {changeDate},
// {lastOldDate}, {year}, {target}, {created}, {basis}, {nIn}, {nOut}.
function regionArgs() {
  return {
    changeDate: region.changeDate,
    lastOldDate: region.lastOldDate,
    year: region.changeDate.slice(0, 4),
    target: unitName(region.target),
    created: region.created.map(unitName).join(', '),
    basis: region.basis,
    nIn: region.incoming.size,
    nOut: region.outgoing.size,
  };
}

// t is the message key in the page's language, its placeholders filled
// from args and the region's facts.
export function t(key, args) {
  const s = (messages[state.lang] && messages[state.lang][key]) ?? messages.zh[key] ?? key;
  return format(s, { ...regionArgs(), ...args });
}

// valueName is a category or kind value in the page's language.
export const valueName = (v) => valueNames[v]?.[state.lang === 'en' ? 1 : 0] ?? v;

// todayInChina is today's calendar date in China Standard Time (UTC+8).
export function todayInChina() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

// currentDate is the date whose layout the page shows: the last day of the
// old layout, or today in China but never before the change.
export function currentDate() {
  if (state.when === 'before') return region.lastOldDate;
  const today = todayInChina();
  return today > region.changeDate ? today : region.changeDate;
}

// names returns [primary, secondary] names of an object with name/name_en
// in the page's language.
export function names(x) {
  if (x == null) return ['', ''];
  const zh = x.name ?? '';
  const en = x.name_en ?? '';
  if (state.lang === 'en') return en ? [en, zh !== en ? zh : ''] : [zh, ''];
  return zh ? [zh, en !== zh ? en : ''] : [en, ''];
}

export function nameHTML(x) {
  const [a, b] = names(x);
  return `<span class="name">${esc(a)}</span>${b ? ` <span class="alt" lang="${state.lang === 'en' ? 'zh' : 'en'}">${esc(b)}</span>` : ''}`;
}

// districtKind classifies a district given by its code or feature id (or
// several of them): 'target', 'created', 'abolished-N' (N its index in
// region.abolished) or 'other'.
export function districtKind(...refs) {
  const is = (u) => refs.some((r) => r != null && r !== '' && (String(r) === u.code || String(r) === u.id));
  if (is(region.target)) return 'target';
  if (region.created.some(is)) return 'created';
  const i = region.abolished.findIndex(is);
  return i >= 0 ? `abolished-${i}` : 'other';
}

// movement tells whether a township code is one of those that change.
export function movement(code) {
  code = String(code ?? '');
  if (region.incoming.has(code)) return 'incoming';
  if (region.outgoing.has(code)) return 'outgoing';
  return '';
}

const CJK = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;

// langOf is the language of a text: zh-CN if it has a CJK character, else en.
export const langOf = (s) => (CJK.test(String(s ?? '')) ? 'zh-CN' : 'en');

// tOr is the message key if there is one, else fallback.
export function tOr(key, fallback) {
  const has = (messages[state.lang] && key in messages[state.lang]) || key in messages.zh;
  return has ? t(key) : fallback;
}

// textHTML is data text s as HTML with its language marked: on an English
// page each run of CJK characters (names, titles) is a <span lang="zh-CN">;
// on a Chinese page text with Latin words is a <span lang="en">.
export function textHTML(s) {
  s = String(s ?? '');
  if (state.lang === 'en') {
    return s
      .split(/([\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+)/)
      .map((part, i) => (i % 2 ? `<span lang="zh-CN">${esc(part)}</span>` : esc(part)))
      .join('');
  }
  return /[A-Za-z]{2,}/.test(s) ? `<span lang="en">${esc(s)}</span>` : esc(s);
}

// regionUnitByName finds a district of the region by its Chinese name.
export function regionUnitByName(name) {
  return [region.target, ...region.created, ...region.abolished, ...region.moves.flatMap((m) => [m.from, m.to])].find((u) => u?.name === name) ?? null;
}
