// Tests of the host functions (abi.mjs) against a real WebAssembly.Memory,
// called as a guest would call them: Envoy's header-map and body semantics,
// the status codes of the spec, and callout dispatch.

import assert from 'node:assert/strict';
import test from 'node:test';
import { makeEnv, serializeMap, status } from './abi.mjs';
import { Stream } from './exchange.mjs';
import { memoryView } from './wasi.mjs';

// fakeVM is the part of VM that makeEnv uses, over one page of memory with
// a bump allocator standing in for proxy_on_memory_allocate.
function fakeVM(stream) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  let next = 1024;
  const vm = {
    unknownClusters: [], callouts: [], logs: [], clusters: new Map(), calloutResponse: null,
    memory: () => memoryView(memory),
    effectiveContext: () => ({ id: 2, stream }),
    count() {},
    log(level, msg) { vm.logs.push([level, msg]); },
    give(ptrPtr, sizePtr, bytes) {
      const ptr = bytes.length ? next : 0;
      next += bytes.length;
      vm.memory().write(ptr, bytes);
      vm.memory().setU32(ptrPtr, ptr);
      vm.memory().setU32(sizePtr, bytes.length);
      return status.OK;
    },
    dispatch(req) {
      vm.callouts.push(req);
      return vm.clusters.has(req.cluster) ? vm.callouts.length : 0;
    },
  };
  // put writes bytes at a fresh address and returns [ptr, len].
  const put = (s) => {
    const b = Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1');
    const ptr = next;
    next += b.length;
    vm.memory().write(ptr, b);
    return [ptr, b.length];
  };
  // out reads what the host returned through the (ptr, size) pair at 0/4.
  const out = () => vm.memory().read(vm.memory().getU32(0), vm.memory().getU32(4)).toString('latin1');
  return { vm, env: makeEnv(vm), put, out };
}

const REQUEST_HEADERS = 0;

test('header maps: first value, setCopy replaces all, pseudo-headers first, names lowercased', () => {
  const s = new Stream([[':path', '/mcp'], ['X-A', '1'], ['x-a', '2']]);
  const { env, put, out } = fakeVM(s);
  assert.equal(env.proxy_get_header_map_value(REQUEST_HEADERS, ...put('X-A'), 0, 4), status.OK);
  assert.equal(out(), '1');
  assert.equal(env.proxy_replace_header_map_value(REQUEST_HEADERS, ...put('x-a'), ...put('3')), status.OK);
  assert.equal(env.proxy_add_header_map_value(REQUEST_HEADERS, ...put(':Authority'), ...put('h')), status.OK);
  assert.deepEqual(s.maps[0].pairs, [[':path', '/mcp'], [':authority', 'h'], ['x-a', '3']]);
  assert.equal(env.proxy_remove_header_map_value(REQUEST_HEADERS, ...put('absent')), status.OK);
  assert.equal(env.proxy_get_header_map_value(REQUEST_HEADERS, ...put('absent'), 0, 4), status.NOT_FOUND);
  assert.equal(env.proxy_set_header_map_pairs(REQUEST_HEADERS, ...put(serializeMap([['B', '2'], [':method', 'GET']]))), status.OK);
  assert.deepEqual(s.maps[0].pairs, [[':method', 'GET'], ['b', '2']]);
  assert.equal(env.proxy_set_header_map_pairs(REQUEST_HEADERS, ...put(Buffer.from([5, 0, 0, 0]))), status.BAD_ARGUMENT);
});

test('header maps a phase cannot reach, or cannot write, are BAD_ARGUMENT', () => {
  const s = new Stream([[':path', '/mcp']]);
  const { env, put } = fakeVM(s);
  assert.equal(env.proxy_get_header_map_pairs(2, 0, 4), status.BAD_ARGUMENT); // no response yet
  assert.equal(env.proxy_get_header_map_pairs(8, 0, 4), status.BAD_ARGUMENT); // no such map
  s.maps[0].writable = false;
  assert.equal(env.proxy_add_header_map_value(REQUEST_HEADERS, ...put('a'), ...put('b')), status.BAD_ARGUMENT);
});

test("bodies follow Envoy's copyFrom: replace from 0, append at the end, nothing in between", () => {
  const s = new Stream([]);
  s.buffers[0] = Buffer.from('hello world');
  const { env, put, out } = fakeVM(s);
  assert.equal(env.proxy_get_buffer_bytes(0, 6, 100, 0, 4), status.OK); // no overread
  assert.equal(out(), 'world');
  assert.equal(env.proxy_get_buffer_bytes(0, 12, 1, 0, 4), status.BAD_ARGUMENT);
  assert.equal(env.proxy_set_buffer_bytes(0, 0, 0x7fffffff, ...put('{"a":1}')), status.OK);
  assert.equal(s.buffers[0].toString(), '{"a":1}');
  assert.equal(env.proxy_set_buffer_bytes(0, 7, 0, ...put('!')), status.OK);
  assert.equal(env.proxy_set_buffer_bytes(0, 3, 0, ...put('x')), status.BAD_ARGUMENT);
  assert.equal(s.buffers[0].toString(), '{"a":1}!');
  assert.equal(env.proxy_get_buffer_bytes(1, 0, 10, 0, 4), status.NOT_FOUND); // no response body
});

test('callouts: an unknown cluster or missing pseudo-headers are BAD_ARGUMENT; a known one gets a token', () => {
  const { vm, env, put } = fakeVM(new Stream([]));
  const headers = serializeMap([[':method', 'POST'], [':path', '/token'], [':authority', 'auth']]);
  const call = (cluster, h) => env.proxy_http_call(...put(cluster), ...put(h), ...put('b=1'), ...put(''), 5000, 8);
  assert.equal(call('nowhere', headers), status.BAD_ARGUMENT);
  vm.clusters.set('auth', () => null);
  assert.equal(call('auth', serializeMap([[':method', 'POST']])), status.BAD_ARGUMENT);
  assert.equal(call('auth', headers), status.OK);
  assert.equal(vm.memory().getU32(8), 2);
  assert.deepEqual(vm.callouts.map((c) => [c.cluster, c.body.toString()]), [['nowhere', 'b=1'], ['auth', 'b=1']]);
});

test('pointers outside memory are INVALID_MEMORY_ACCESS, unknown log levels BAD_ARGUMENT', () => {
  const { vm, env } = fakeVM(new Stream([]));
  assert.equal(env.proxy_log(2, 65530, 100), status.INVALID_MEMORY_ACCESS);
  assert.equal(env.proxy_log(6, 0, 0), status.BAD_ARGUMENT);
  assert.equal(env.proxy_log(3, 0, 0), status.OK);
  assert.deepEqual(vm.logs, [['warn', '']]);
});
