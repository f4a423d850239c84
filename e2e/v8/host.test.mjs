// Tests of the V8 host itself (node --test e2e/v8/): the ABI's map
// serialization, chunking, and that a trap, a stack overflow and an import
// the host lacks are reported, not swallowed. The modules are built here,
// byte by byte, so each test controls exactly what the guest does.

import assert from 'node:assert/strict';
import test from 'node:test';
import { deserializeMap, serializeMap } from './abi.mjs';
import { runExchange, split } from './exchange.mjs';
import { VM } from './vm.mjs';

test('serializeMap encodes the spec example', () => {
  const want = Buffer.from([
    2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0,
    0x61, 0, 0x31, 0, 0x62, 0, 0x32, 0x32, 0,
  ]);
  assert.deepEqual(serializeMap([['a', '1'], ['b', '22']]), want);
  assert.deepEqual(deserializeMap(want), [['a', '1'], ['b', '22']]);
});

test('deserializeMap accepts both empty forms and refuses truncated maps', () => {
  assert.deepEqual(deserializeMap(Buffer.alloc(0)), []);
  assert.deepEqual(deserializeMap(Buffer.from([0])), []);
  const ok = serializeMap([['key', 'value']]);
  assert.throws(() => deserializeMap(ok.subarray(0, ok.length - 3)), /runs past its end/);
  assert.throws(() => deserializeMap(Buffer.from([9, 0, 0, 0])), /sizes run past/);
});

test('split keeps every byte, in order, in n chunks', () => {
  const body = Buffer.from('0123456789abcdefghij');
  const parts = split(body, 7);
  assert.equal(parts.length, 7);
  assert.deepEqual(Buffer.concat(parts), body);
  assert.deepEqual(split(Buffer.alloc(0), 7), [Buffer.alloc(0)]);
  assert.deepEqual(split(body, 1), [body]);
});

// A minimal module builder: enough sections for the tests below.
const uleb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const vec = (items) => [...uleb(items.length), ...items.flat()];
const name = (s) => vec([...Buffer.from(s)]);
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
const I32 = 0x7f;
const types = [[0x60, ...vec([]), ...vec([])], [0x60, ...vec([I32, I32]), ...vec([])],
  [0x60, ...vec([I32, I32, I32]), ...vec([I32])], [0x60, ...vec([I32]), ...vec([I32])]];
const [T_VOID, T_CREATE, T_HEADERS, T_ALLOC] = [0, 1, 2, 3];

// guestModule builds a module importing `imports` ([module, name] of type
// void) and exporting the proxy-wasm entry points; proxy_on_request_headers
// runs `headersBody` (instructions after its locals).
function guestModule(imports, headersBody) {
  const n = imports.length;
  const funcs = [
    ['_initialize', T_VOID, [0x0b]],
    ['proxy_abi_version_0_2_1', T_VOID, [0x0b]],
    ['proxy_on_context_create', T_CREATE, [0x0b]],
    ['proxy_on_memory_allocate', T_ALLOC, [0x41, 0, 0x0b]],
    ['proxy_on_request_headers', T_HEADERS, headersBody(n + 4)],
  ];
  const code = funcs.map(([, , body]) => { const b = [0, ...body]; return [...uleb(b.length), ...b]; });
  return new Uint8Array([
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec(types)),
    ...section(2, vec(imports.map(([m, f]) => [...name(m), ...name(f), 0, T_VOID]))),
    ...section(3, vec(funcs.map(([, t]) => [t]))),
    ...section(5, vec([[0, 1]])),
    ...section(7, vec([...funcs.map(([f], i) => [...name(f), 0, ...uleb(n + i)]), [...name('memory'), 2, 0]])),
    ...section(10, vec(code)),
  ]);
}

const recurse = (self) => [0x20, 0, 0x20, 1, 0x20, 2, 0x10, ...uleb(self), 0x0b];
const unreachable = () => [0x00, 0x0b];
const request = { headers: [[':method', 'POST'], [':path', '/mcp']], body: Buffer.alloc(0) };
const noBackend = () => assert.fail('nothing may go upstream');

test('a V8 stack overflow is a trap, and the VM stays failed', () => {
  const vm = new VM(guestModule([], recurse), { pluginConfig: Buffer.alloc(0) });
  vm.start();
  const first = runExchange(vm, request, noBackend);
  assert.equal(first.trap?.kind, 'stack-overflow');
  assert.equal(first.trap?.func, 'proxy_on_request_headers');
  assert.equal(runExchange(vm, request, noBackend).trap?.kind, 'vm-failed');
});

test('a wasm trap (unreachable) is reported', () => {
  const vm = new VM(guestModule([], unreachable), { pluginConfig: Buffer.alloc(0) });
  vm.start();
  const res = runExchange(vm, request, noBackend);
  assert.equal(res.trap?.kind, 'trap');
  assert.match(res.trap.message, /unreachable/);
});

test('an import the host does not implement fails the load and is named', () => {
  const mod = guestModule([['env', 'proxy_log'], ['env', 'proxy_future_call'], ['wasi_snapshot_preview1', 'fd_pwrite']], unreachable);
  assert.throws(() => new VM(mod, { pluginConfig: Buffer.alloc(0) }),
    /does not implement: env\.proxy_future_call, wasi_snapshot_preview1\.fd_pwrite$/);
});

test("Higress's Redis calls load only in the higress profile, and fail as unknown clusters", () => {
  const mod = guestModule([['env', 'proxy_redis_init']], unreachable);
  assert.throws(() => new VM(mod, { pluginConfig: Buffer.alloc(0) }),
    /host \(envoy\): .*does not implement: env\.proxy_redis_init$/);
  const vm = new VM(mod, { pluginConfig: Buffer.alloc(0), profile: 'higress' });
  assert.ok(vm.start());
});
