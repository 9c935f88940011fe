// Validates a TileJSON document against the official TileJSON 3.0.0 schema
// (ajv) and a MapLibre style with @maplibre/maplibre-gl-style-spec
// (validateStyleMin), and prints one JSON object on stdout with the errors
// of each. It asserts nothing itself: the Go test in
// server/clients_tiles_test.go reads it.
//
// Usage: node web/e2e/tiles-json-check.mjs SCHEMA.json TILEJSON.json STYLE.json

import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';

const [schemaPath, tileJSONPath, stylePath] = process.argv.slice(2);
const read = (p) => JSON.parse(readFileSync(p, 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(read(schemaPath));
const tilejson = validate(read(tileJSONPath)) ? [] : validate.errors.map((e) => `${e.instancePath} ${e.message}`);
const style = validateStyleMin(read(stylePath)).map((e) => e.message);
console.log(JSON.stringify({ tilejson, style }));
