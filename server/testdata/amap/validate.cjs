// validate.cjs WEBDIR SCHEMA ANSWER... validates each ANSWER (a JSON file)
// against SCHEMA with ajv from WEBDIR/node_modules, strict mode, all
// errors; it prints the errors and exits 1 when one fails.
const { createRequire } = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const [web, schemaFile, ...answers] = process.argv.slice(2);
const req = createRequire(path.join(path.resolve(web), 'package.json'));
const Ajv = req('ajv');
const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
let failed = 0;
for (const f of answers) {
  const doc = JSON.parse(fs.readFileSync(f, 'utf8'));
  if (!validate(doc)) {
    failed++;
    console.log(`${f}: ${ajv.errorsText(validate.errors, { separator: '\n  ' })}`);
  }
}
console.log(`${answers.length - failed}/${answers.length} valid`);
process.exit(failed ? 1 : 0);
