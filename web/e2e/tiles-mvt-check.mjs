// Decodes every tile under a directory (DIR/z/x/y.mvt) with the reference
// decoder, @mapbox/vector-tile + pbf, and checks it against MVT 2.1: layer
// version 2, a feature id on every feature and unique in its layer, no
// empty geometry, polygon rings of at least four points (closing point
// included), non-zero area, the first ring of each polygon an exterior
// ring of positive area by the spec's formula (§4.3.4.4, tile
// coordinates, y down). It prints one JSON object on stdout — the counts
// and the list of problems — and asserts nothing itself: the Go test
// tiles/spec_test.go reads it.
//
// Usage: node web/e2e/tiles-mvt-check.mjs DIR

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader as Pbf } from 'pbf';

// area is the spec's signed area of a ring (§4.3.4.4 uses the surveyor's
// formula over the ring's points); positive is clockwise on screen.
function area(ring) {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    s += ring[j].x * ring[i].y - ring[i].x * ring[j].y;
  }
  return s / 2;
}

function walk(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.name.endsWith('.mvt')) out.push(p);
  }
  return out.sort();
}

const dir = process.argv[2];
const res = { tiles: 0, layers: 0, features: 0, polygons: 0, problems: [] };
for (const file of walk(dir)) {
  const name = relative(dir, file);
  res.tiles++;
  const tile = new VectorTile(new Pbf(readFileSync(file)));
  for (const [lname, layer] of Object.entries(tile.layers)) {
    res.layers++;
    const where = `${name} ${lname}`;
    if (layer.version !== 2) res.problems.push(`${where}: version ${layer.version}, want 2`);
    const ids = new Set();
    for (let i = 0; i < layer.length; i++) {
      res.features++;
      const f = layer.feature(i);
      const at = `${where} feature ${i} (id ${f.id}, ${f.properties.id})`;
      if (f.id === undefined) res.problems.push(`${at}: no feature id`);
      else if (ids.has(f.id)) res.problems.push(`${at}: feature id repeated in the layer`);
      else ids.add(f.id);
      const geom = f.loadGeometry();
      if (geom.length === 0 || geom.every((g) => g.length === 0)) {
        res.problems.push(`${at}: empty geometry`);
        continue;
      }
      if (f.type !== 3) continue;
      res.polygons++;
      geom.forEach((ring, k) => {
        const a = area(ring);
        if (ring.length < 4) res.problems.push(`${at}: ring ${k} has ${ring.length} points`);
        if (a === 0) res.problems.push(`${at}: ring ${k} has zero area`);
        if (k === 0 && a < 0) res.problems.push(`${at}: first ring has negative area ${a} (must be an exterior ring, positive)`);
      });
    }
  }
}
console.log(JSON.stringify(res));
