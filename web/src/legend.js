// The layer list of the side panel: a checkbox per layer (and the basemap,
// when one is configured) with its legend and feature count.

import { state, esc, t, valueName } from './state.js';
import { LAYERS, applyBasemap, layerCount, legendItems, showLayer } from './layers.js';

const list = () => document.getElementById('layer-list');

// renderLayerList writes the whole list again (after a language switch or
// once the configuration is known).
export function renderLayerList() {
  list().querySelectorAll('.layer').forEach((n) => n.remove());
  const rows = [];
  if (state.config.basemap) rows.push({ id: 'basemap' });
  rows.push(...LAYERS);
  for (const { id } of rows) {
    const div = document.createElement('div');
    div.className = 'layer';
    div.dataset.layer = id;
    const checked = id === 'basemap' ? state.basemap : state.on.has(id);
    div.dataset.on = checked ? '1' : '0';
    // renderLegend adds the feature count.
    div.innerHTML = `<label><input type="checkbox" data-layer="${esc(id)}" ${checked ? 'checked' : ''}>
      <span>${esc(t(id === 'basemap' ? 'basemap' : `layer_${id}`))}</span></label>
      <ul class="legend"></ul>`;
    list().appendChild(div);
    if (id !== 'basemap') renderLegend(id);
  }
}

// renderLegend writes the legend and the count of layer id.
export function renderLegend(id) {
  const div = document.querySelector(`#layer-list .layer[data-layer="${id}"]`);
  if (!div) return;
  div.querySelector('.legend').innerHTML = legendItems(id, valueName)
    .map((i) => `<li><span class="swatch ${i.cls}" style="--c:${esc(i.colour)}" aria-hidden="true"></span>${esc(i.label)}</li>`)
    .join('');
  const count = layerCount(id);
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

// initLayerList handles the checkboxes; onChange runs after each switch.
export function initLayerList(onChange) {
  list().addEventListener('change', (e) => {
    const id = e.target.dataset?.layer;
    if (!id) return;
    e.target.closest('.layer').dataset.on = e.target.checked ? '1' : '0';
    if (id === 'basemap') {
      state.basemap = e.target.checked;
      applyBasemap();
    } else {
      showLayer(id, e.target.checked);
    }
    onChange();
  });
}
