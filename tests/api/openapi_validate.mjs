// openapi_validate.mjs - validates an OpenAPI document with @apidevtools/swagger-parser
// (web/package.json devDependencies): the OpenAPI 3.1 schema, and every $ref resolves.
//   node openapi_validate.mjs WEB_DIR DOC.json
// Exit 0 valid, 1 invalid (the validator's message on stdout), 77 the package is missing.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { join } from "node:path";

const [webDir, file] = process.argv.slice(2);
if (!existsSync(join(webDir, "node_modules/@apidevtools/swagger-parser/package.json"))) {
  console.log(`no ${webDir}/node_modules/@apidevtools/swagger-parser (scripts/install.sh runs npm ci)`);
  process.exit(77);
}
const SwaggerParser = createRequire(join(webDir, "package.json"))("@apidevtools/swagger-parser");
try {
  const api = await SwaggerParser.validate(file);
  console.log(`valid: OpenAPI ${api.openapi}, ${Object.keys(api.paths).length} paths`);
} catch (e) {
  console.log(`invalid: ${e.message}`);
  process.exit(1);
}
