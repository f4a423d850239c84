// The bad-input suite on V8: runs testdata/cases.mjs through the real
// plugin .wasm in this directory's proxy-wasm host and prints one line per
// failure and a summary. Exit status 1 on any failure.
//
//   node --no-liftoff run.mjs <plugin.wasm> <config dir> [cases.mjs]
//
// The config dir holds petstore.json (testdata/configs/petstore.yaml) and
// oauth2.json (testdata/oauth2.yaml) as JSON (make v8 writes them).
//
// --no-liftoff compiles with TurboFan only, as Envoy's V8 (proxy-wasm-cpp-host)
// does; the runner refuses to start without it so that stack depths match.

import fs from 'node:fs';
import { VM } from './vm.mjs';
import { runExchange } from './exchange.mjs';
import { ENV, SECRETS, expectation, followUps, invariants } from './check.mjs';

const DELIVERIES = [1, 7]; // the body whole, and in 7 chunks (end_of_stream on the last)
const LARGE_LIMIT = 8 << 20;
const verbose = process.env.V8_VERBOSE === '1'; // every problem, not only each case's first
// The host functions offered: 'envoy' (upstream Envoy's: the default build
// must load there) or 'higress' (plus Higress's Redis calls, for a build
// with -tags redis).
const profile = process.env.V8_HOST_PROFILE ?? 'envoy';

// The token endpoints of oauth2.json: the cases answer the first one, the
// second one always issues SECRETS.reportsToken.
const CASE_TOKEN_CLUSTER = 'outbound|443||auth.example.com';
const GOOD_TOKEN_CLUSTER = 'outbound|443||auth2.example.com';

async function main([wasmPath, configDir, casesPath]) {
  if (!wasmPath || !configDir) usage('missing arguments');
  if (!process.execArgv.includes('--no-liftoff')) usage('run node with --no-liftoff (Envoy compiles with TurboFan only)');
  const module = new WebAssembly.Module(fs.readFileSync(wasmPath));
  const readConfig = (name) => JSON.parse(fs.readFileSync(`${configDir}/${name}.json`, 'utf8'));
  const petstore = readConfig('petstore');
  const large = structuredClone(petstore);
  large.bridge.maxRequestBodyBytes = LARGE_LIMIT;
  large.bridge.maxResponseBodyBytes = LARGE_LIMIT;
  const configs = { petstore, large, oauth2: readConfig('oauth2') };
  const casesURL = casesPath ? new URL(casesPath, `file://${process.cwd()}/`) : new URL('./testdata/cases.mjs', import.meta.url);
  const cases = (await import(casesURL)).default;
  checkNames(cases);

  const startCases = (await import(new URL('./testdata/start-cases.mjs', import.meta.url))).default;
  let failed = checkStarts(module, JSON.stringify(petstore), startCases);
  const vms = {};
  const vmFor = (name) => {
    if (!vms[name] || vms[name].failed) vms[name] = startVM(module, configs[name]); // Envoy FAIL_RELOAD
    return vms[name];
  };
  let exchanges = 0;
  const t0 = Date.now();
  for (const c of cases) {
    const problems = [];
    for (const chunks of DELIVERIES) {
      const vm = vmFor(c.config ?? 'petstore');
      const tag = chunks === 1 ? 'whole body' : `${chunks} chunks`;
      for (let i = 1; i <= (c.repeat ?? 1); i++) {
        const bad = exchange(vm, c, chunks, (res) => expectation(res, c.expect));
        exchanges++;
        problems.push(...bad.map((b) => `[${tag}${c.repeat ? ` #${i}` : ''}] ${b}`));
      }
      for (const f of followUps[c.config ?? 'petstore']) {
        const bad = exchange(vm, f, chunks, f.check);
        exchanges++;
        problems.push(...bad.map((b) => `[${tag}, then ${f.name}] ${b}`));
      }
    }
    if (problems.length > 0) {
      failed++;
      const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : '';
      console.log(`FAIL ${c.name}: ${verbose ? problems.join(' | ') : problems[0] + more}`);
    }
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  const engine = `node ${process.version} (V8 ${process.versions.v8}, ${profile} host)`;
  if (failed > 0) {
    console.log(`v8: ${engine}: ${failed} of ${startCases.length + cases.length} bad configs and inputs failed (${exchanges} exchanges, ${secs}s)`);
    process.exit(1);
  }
  console.log(`v8: ${engine}: ok, ${startCases.length} bad configs refused, ${cases.length} bad inputs x ${DELIVERIES.length} deliveries, ${exchanges} exchanges, no trap (${secs}s)`);
}

// checkStarts starts a VM with each hostile config and returns how many did
// not fail to start cleanly (refused, no trap, a reason logged, no secret).
function checkStarts(module, petstoreJSON, list) {
  let failed = 0;
  for (const c of list) {
    const vm = new VM(module, { pluginConfig: Buffer.from(c.config(petstoreJSON)), env: ENV, profile });
    const bad = [];
    try {
      if (vm.start()) bad.push('the plugin started');
    } catch (e) {
      bad.push(e.message.split('\n')[0]);
    }
    const logs = vm.logs.map((l) => l.msg).join('\n');
    if (!vm.failed && !logs.includes(c.logMentions)) bad.push(`no log line mentions ${JSON.stringify(c.logMentions)}`);
    for (const v of [...Object.values(SECRETS), ...(c.secrets ?? [])]) {
      if (logs.includes(v)) bad.push('a planted secret appears in a log line');
    }
    if (bad.length > 0) {
      failed++;
      console.log(`FAIL ${c.name}: ${bad.join('; ')}`);
    }
  }
  return failed;
}

function startVM(module, config) {
  const vm = new VM(module, {
    pluginConfig: Buffer.from(JSON.stringify(config)),
    env: ENV,
    profile,
    properties: { route_name: 'mcp', cluster_name: 'outbound|443||petstore.example.com' },
  });
  vm.clusters.set(CASE_TOKEN_CLUSTER, () => vm.tokenAnswer);
  vm.clusters.set(GOOD_TOKEN_CLUSTER, () => ({
    status: 200, headers: [['content-type', 'application/json']],
    body: `{"access_token":"${SECRETS.reportsToken}","token_type":"Bearer","expires_in":3600}`,
  }));
  if (!vm.start()) {
    throw new Error(`plugin start failed:\n${vm.logs.map((l) => `${l.level}: ${l.msg}`).join('\n')}`);
  }
  return vm;
}

// exchange runs one request of case c and returns its problems.
function exchange(vm, c, chunks, check) {
  const body = Buffer.isBuffer(c.body) ? c.body : Buffer.from(c.body, 'utf8');
  const logsFrom = vm.logs.length;
  const unknownFrom = vm.unknownClusters.length;
  vm.tokenAnswer = c.tokenEndpoint ?? null; // null: the endpoint does not answer
  const backend = () => {
    const b = c.backend ?? { status: 500, headers: [], body: '' };
    return { ...b, body: Buffer.from(b.body), chunks };
  };
  const res = runExchange(vm, { headers: requestHeaders(c.headers ?? {}, body), body, chunks }, backend);
  const bad = invariants(vm, res, logsFrom, unknownFrom, c.secrets);
  return res.trap ? bad : [...bad, ...check(res)]; // after a trap the rest is noise
}

// requestHeaders builds the client's headers: a 2025-11-25 Streamable HTTP
// POST, or a 2026-07-28 one with Mcp-Method/Mcp-Name, adjusted by set/drop.
function requestHeaders(spec, body) {
  let h = [
    [':method', 'POST'], [':path', '/mcp'], [':authority', 'gateway.example.com'], [':scheme', 'https'],
    ['content-type', 'application/json'], ['accept', 'application/json, text/event-stream'],
    ['x-request-id', 'v8-run'],
  ];
  if (spec.modern) {
    h.push(['mcp-protocol-version', '2026-07-28'], ['mcp-method', spec.modern.method]);
    if (spec.modern.tool) h.push(['mcp-name', spec.modern.tool]);
  } else {
    h.push(['mcp-protocol-version', '2025-11-25']);
  }
  if (spec.contentLength !== false) h.push(['content-length', String(body.length)]);
  const drop = new Set([...(spec.drop ?? []), ...(spec.set ?? []).map(([k]) => k)]);
  h = h.filter(([k]) => !drop.has(k));
  return [...h, ...(spec.set ?? [])];
}

function checkNames(list) {
  const seen = new Set();
  for (const c of list) {
    if (!c.name || seen.has(c.name)) throw new Error(`cases: missing or duplicate name ${JSON.stringify(c.name)}`);
    if (!c.expect || typeof c.expect.status !== 'number') throw new Error(`cases: ${c.name}: expect.status is required`);
    seen.add(c.name);
  }
}

function usage(why) {
  console.error(`v8: ${why}\nusage: node --no-liftoff run.mjs <plugin.wasm> <config dir> [cases.mjs]`);
  process.exit(2);
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  console.log(`v8: ${e.message}`); // a module the host cannot load, a config that does not start
  process.exit(1);
}
