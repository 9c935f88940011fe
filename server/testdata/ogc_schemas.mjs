// Validates OGC API – Features documents against the official 1.0.1
// schemas (testdata/schemas) with ajv + ajv-formats, the packages pinned in
// web/package.json.
//
// Usage: node ogc_schemas.mjs MANIFEST.json
//   MANIFEST.json: [{"name": "...", "schema": "core/landingPage.yaml", "file": "doc.json"}, ...]
// Prints one JSON array on stdout: [{"name": ..., "errors": [...]}] (empty
// errors: valid). It asserts nothing itself; the Go test reads the result.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', '..', 'web', 'package.json'));
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const YAML = require('yaml');

// The crs schemas refer to Part 1 by its published URL: give every schema
// the $id it has on schemas.opengis.net so that references resolve.
const ids = {
  core: 'http://schemas.opengis.net/ogcapi/features/part1/1.0/openapi/schemas/',
  crs: 'http://schemas.opengis.net/ogcapi/features/part2/1.0/openapi/schemas/',
};
// OpenAPI 3.0 schema objects: nullable is understood by ajv, example is not
// a JSON Schema keyword (strict: false lets it pass).
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const root = join(here, 'schemas', 'ogcapi-features-1.0.1');
for (const dir of Object.keys(ids)) {
  for (const f of readdirSync(join(root, dir)).filter((f) => f.endsWith('.yaml'))) {
    const schema = YAML.parse(readFileSync(join(root, dir, f), 'utf8'));
    schema.$id = ids[dir] + f;
    ajv.addSchema(schema);
  }
}

const manifest = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = [];
for (const m of manifest) {
  const [dir, f] = m.schema.split('/');
  const validate = ajv.getSchema(ids[dir] + f);
  if (!validate) {
    out.push({ name: m.name, errors: [`no schema ${m.schema}`] });
    continue;
  }
  const doc = JSON.parse(readFileSync(m.file, 'utf8'));
  const ok = validate(doc);
  out.push({
    name: m.name,
    errors: ok ? [] : validate.errors.slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`),
  });
}
process.stdout.write(JSON.stringify(out) + '\n');
