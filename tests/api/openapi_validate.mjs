// openapi_validate.mjs - validates an OpenAPI document with @apidevtools/swagger-parser
// (web/package.json devDependencies): the OpenAPI 3.1 schema, and every $ref resolves.
// With RESPONSES (JSON Lines of {method, path, status, ctype, body} recorded from the real
// server, path as the document writes it), each JSON answer is also checked against the
// schema the document gives for its operation and status (and a 2xx one's JSON request against
// its requestBody schema), with Ajv's JSON Schema 2020-12
// (the dialect of OpenAPI 3.1; Ajv comes with swagger-parser, pinned by the lockfile).
//   node openapi_validate.mjs WEB_DIR DOC.json [RESPONSES.jsonl]
// Exit 0 valid, 1 invalid (the messages on stdout), 77 the package is missing.
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [webDir, file, responses] = process.argv.slice(2);
const sp = join(webDir, "node_modules/@apidevtools/swagger-parser/package.json");
if (!existsSync(sp)) {
  console.log(`no ${webDir}/node_modules/@apidevtools/swagger-parser (scripts/install.sh runs npm ci)`);
  process.exit(77);
}
const require = createRequire(sp);
const SwaggerParser = require("@apidevtools/swagger-parser");
try {
  const api = await SwaggerParser.validate(file);
  console.log(`valid: OpenAPI ${api.openapi}, ${Object.keys(api.paths).length} paths`);
} catch (e) {
  console.log(`invalid: ${e.message}`);
  process.exit(1);
}
if (!responses) process.exit(0);

const Ajv2020 = require("ajv/dist/2020").default;
const doc = JSON.parse(readFileSync(file, "utf8"));
// The document is one schema resource; formats are not asserted (no ajv-formats here).
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ ...doc, $id: "openapi.json" });
let bad = 0, checked = 0, requests = 0;
const ptrOf = (r) => `openapi.json#/paths/${r.path.replaceAll("~", "~0").replaceAll("/", "~1")}/${r.method.toLowerCase()}`;
for (const line of readFileSync(responses, "utf8").split("\n").filter(Boolean)) {
  const r = JSON.parse(line);
  const where = `${r.method} ${r.path} ${r.status}`;
  const op = doc.paths?.[r.path]?.[r.method.toLowerCase()];
  const resp = op?.responses?.[String(r.status)];
  if (!resp) {
    console.log(`FAIL - ${where}: the document has no such response`);
    bad++;
    continue;
  }
  // A request the server took must be one the document allows.
  const reqSchema = op.requestBody?.content?.["application/json"];
  if (r.request && reqSchema && r.status < 300) {
    const v = ajv.getSchema(`${ptrOf(r)}/requestBody/content/application~1json/schema`) ||
              ajv.compile({ $ref: `${ptrOf(r)}/requestBody/content/application~1json/schema` });
    if (!v(JSON.parse(r.request))) {
      console.log(`FAIL - ${where}: the request ${r.request.slice(0, 160)} breaks its schema: ${ajv.errorsText(v.errors)}`);
      bad++;
    } else requests++;
  }
  const res = resp.$ref ? doc.components.responses[resp.$ref.split("/").pop()] : resp;
  const ctype = (r.ctype || "").split(";")[0].trim();
  const content = res.content || {};
  if (!Object.keys(content).length) {
    if (r.body !== "") { console.log(`FAIL - ${where}: documented without a body, got one`); bad++; }
    checked++;
    continue;
  }
  if (!content[ctype]) {
    console.log(`FAIL - ${where}: answered ${ctype}, documented ${Object.keys(content).join(", ")}`);
    bad++;
    continue;
  }
  if (ctype !== "application/json") { checked++; continue; }
  const i = Object.keys(doc.paths).indexOf(r.path);
  const ptr = `openapi.json#/paths/${r.path.replaceAll("~", "~0").replaceAll("/", "~1")}`;
  const sref = resp.$ref ? `openapi.json${resp.$ref}/content/application~1json/schema`
                         : `${ptr}/${r.method.toLowerCase()}/responses/${r.status}/content/application~1json/schema`;
  const validate = ajv.getSchema(sref) || ajv.compile({ $ref: sref });
  if (i < 0 || !validate(JSON.parse(r.body))) {
    console.log(`FAIL - ${where}: ${ajv.errorsText(validate.errors)} in ${r.body.slice(0, 200)}`);
    bad++;
  } else checked++;
}
console.log(`${checked} answers and ${requests} requests match their documented schemas, ${bad} do not`);
process.exit(bad ? 1 : 0);
