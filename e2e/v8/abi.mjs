// The proxy-wasm ABI 0.2.1 host functions (the "env" imports), with Envoy's
// semantics where the spec leaves room (noted inline). They act on the
// effective context: the context of the callback being run, unless the guest
// switched it with proxy_set_effective_context. Stream state (header maps,
// body buffers, local reply, properties) lives in the Stream objects that
// exchange.mjs drives; the VM-wide state (shared data, queues, metrics,
// tick period, logs) lives in the VM (vm.mjs).

import { MemoryFault, unsigned } from './wasi.mjs';

export const status = {
  OK: 0, NOT_FOUND: 1, BAD_ARGUMENT: 2, SERIALIZATION_FAILURE: 3, PARSE_FAILURE: 4,
  INVALID_MEMORY_ACCESS: 6, EMPTY: 7, CAS_MISMATCH: 8, INTERNAL_FAILURE: 10, UNIMPLEMENTED: 12,
};
export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'critical'];
const REQUEST_BODY = 0;
const RESPONSE_BODY = 1;
const CALL_RESPONSE_BODY = 4;
const VM_CONFIGURATION = 6;
const CALL_RESPONSE_HEADERS = 6;
const CALL_RESPONSE_TRAILERS = 7;
const PLUGIN_CONFIGURATION = 7;
const MAX_MAP_TYPE = 7;
const MAX_BUFFER_TYPE = 8;

// serializeMap encodes header pairs as the ABI's serialized map.
export function serializeMap(pairs) {
  const parts = [];
  const sizes = Buffer.alloc(4 + 8 * pairs.length);
  sizes.writeUInt32LE(pairs.length, 0);
  pairs.forEach(([k, v], i) => {
    const kb = Buffer.from(k, 'latin1');
    const vb = Buffer.from(v, 'latin1');
    sizes.writeUInt32LE(kb.length, 4 + 8 * i);
    sizes.writeUInt32LE(vb.length, 8 + 8 * i);
    parts.push(kb, Buffer.alloc(1), vb, Buffer.alloc(1));
  });
  return Buffer.concat([sizes, ...parts]);
}

// deserializeMap decodes a serialized map; it throws on a malformed one
// (the caller answers BAD_ARGUMENT).
export function deserializeMap(buf) {
  if (buf.length === 0 || (buf.length === 1 && buf[0] === 0)) return [];
  if (buf.length < 4) throw new Error('serialized map shorter than its count');
  const n = buf.readUInt32LE(0);
  let data = 4 + 8 * n;
  if (data > buf.length) throw new Error('serialized map sizes run past its end');
  const out = [];
  for (let i = 0; i < n; i++) {
    const kl = buf.readUInt32LE(4 + 8 * i);
    const vl = buf.readUInt32LE(8 + 8 * i);
    if (data + kl + vl + 2 > buf.length) throw new Error('serialized map data runs past its end');
    const k = buf.subarray(data, data + kl).toString('latin1');
    data += kl + 1;
    const v = buf.subarray(data, data + vl).toString('latin1');
    data += vl + 1;
    out.push([k, v]);
  }
  return out;
}

// Envoy keeps pseudo-headers in front of the others.
function insertHeader(pairs, k, v) {
  if (k.startsWith(':')) {
    const i = pairs.findIndex(([name]) => !name.startsWith(':'));
    pairs.splice(i < 0 ? pairs.length : i, 0, [k, v]);
  } else {
    pairs.push([k, v]);
  }
}

function removeHeader(pairs, k) {
  for (let i = pairs.length - 1; i >= 0; i--) if (pairs[i][0] === k) pairs.splice(i, 1);
}

// makeEnv returns the "env" namespace of the import object for vm.
export function makeEnv(vm) {
  const mem = () => vm.memory();
  const ctx = () => vm.effectiveContext();
  const str = (ptr, len) => mem().read(ptr, len).toString('latin1');

  const fns = {
    proxy_log(level, ptr, len) {
      if (level >= logLevels.length) return status.BAD_ARGUMENT;
      vm.log(logLevels[level], mem().read(ptr, len).toString('utf8'), 'proxy_log');
      return status.OK;
    },
    proxy_get_log_level(retPtr) {
      mem().setU32(retPtr, 0); // the host keeps every level: tests scan them all
      return status.OK;
    },
    proxy_get_current_time_nanoseconds(retPtr) {
      mem().setU64(retPtr, BigInt(Date.now()) * 1000000n);
      return status.OK;
    },
    proxy_set_tick_period_milliseconds(period) {
      vm.tickPeriod = period; // recorded; the runner drives no timer
      return status.OK;
    },
    proxy_set_effective_context(id) {
      return vm.setEffectiveContext(id) ? status.OK : status.BAD_ARGUMENT;
    },
    proxy_done() {
      return vm.doneRequested(ctx()) ? status.OK : status.NOT_FOUND;
    },
    proxy_get_buffer_bytes(type, start, maxSize, retPtr, retSize) {
      if (type > MAX_BUFFER_TYPE) return status.BAD_ARGUMENT;
      const buf = bufferOf(vm, ctx(), type);
      if (buf === null) return status.NOT_FOUND;
      if (start > buf.length) return status.BAD_ARGUMENT;
      const end = Math.min(buf.length, start + maxSize); // Envoy does not overread
      return vm.give(retPtr, retSize, buf.subarray(start, end));
    },
    proxy_get_buffer_status(type, retSize, retFlags) {
      if (type > MAX_BUFFER_TYPE) return status.BAD_ARGUMENT;
      const buf = bufferOf(vm, ctx(), type);
      if (buf === null) return status.NOT_FOUND;
      mem().setU32(retSize, buf.length);
      mem().setU32(retFlags, 0);
      return status.OK;
    },
    proxy_set_buffer_bytes(type, start, size, ptr, len) {
      if (type > MAX_BUFFER_TYPE) return status.BAD_ARGUMENT;
      const s = ctx().stream;
      if (!s || (type !== REQUEST_BODY && type !== RESPONSE_BODY) || s.buffers[type] === null) {
        return status.NOT_FOUND;
      }
      const data = mem().read(ptr, len);
      const buf = s.buffers[type];
      // Envoy's Buffer::copyFrom: start 0 drains `size` bytes and prepends,
      // start at or past the end appends, anything else is refused.
      if (start === 0) s.buffers[type] = Buffer.concat([data, buf.subarray(Math.min(size, buf.length))]);
      else if (start >= buf.length) s.buffers[type] = Buffer.concat([buf, data]);
      else return status.BAD_ARGUMENT;
      return status.OK;
    },
    proxy_get_header_map_pairs(type, retPtr, retSize) {
      const m = mapOf(vm, ctx(), type, false);
      if (typeof m === 'number') return m;
      return vm.give(retPtr, retSize, serializeMap(m));
    },
    proxy_get_header_map_size(type, retSize) {
      const m = mapOf(vm, ctx(), type, false);
      if (typeof m === 'number') return m;
      mem().setU32(retSize, serializeMap(m).length);
      return status.OK;
    },
    proxy_set_header_map_pairs(type, ptr, len) {
      const m = mapOf(vm, ctx(), type, true);
      if (typeof m === 'number') return m;
      let pairs;
      try {
        pairs = deserializeMap(mem().read(ptr, len));
      } catch {
        return status.BAD_ARGUMENT;
      }
      m.length = 0;
      for (const [k, v] of pairs) insertHeader(m, k.toLowerCase(), v);
      return status.OK;
    },
    proxy_get_header_map_value(type, kPtr, kLen, retPtr, retSize) {
      const m = mapOf(vm, ctx(), type, false);
      if (typeof m === 'number') return m;
      const k = str(kPtr, kLen).toLowerCase();
      const hit = m.find(([name]) => name === k); // Envoy returns the first value only
      if (!hit) return status.NOT_FOUND;
      return vm.give(retPtr, retSize, Buffer.from(hit[1], 'latin1'));
    },
    proxy_add_header_map_value(type, kPtr, kLen, vPtr, vLen) {
      const m = mapOf(vm, ctx(), type, true);
      if (typeof m === 'number') return m;
      insertHeader(m, str(kPtr, kLen).toLowerCase(), str(vPtr, vLen));
      return status.OK;
    },
    proxy_replace_header_map_value(type, kPtr, kLen, vPtr, vLen) {
      const m = mapOf(vm, ctx(), type, true);
      if (typeof m === 'number') return m;
      const k = str(kPtr, kLen).toLowerCase();
      removeHeader(m, k); // Envoy's setCopy replaces every value of the key
      insertHeader(m, k, str(vPtr, vLen));
      return status.OK;
    },
    proxy_remove_header_map_value(type, kPtr, kLen) {
      const m = mapOf(vm, ctx(), type, true);
      if (typeof m === 'number') return m;
      removeHeader(m, str(kPtr, kLen).toLowerCase());
      return status.OK;
    },
    proxy_send_local_response(code, dPtr, dLen, bPtr, bLen, hPtr, hLen, grpc) {
      const m = mem();
      const reply = {
        status: code, details: str(dPtr, dLen), body: m.read(bPtr, bLen), grpcStatus: grpc | 0,
      };
      try {
        reply.headers = deserializeMap(m.read(hPtr, hLen));
      } catch {
        return status.BAD_ARGUMENT;
      }
      const s = ctx().stream;
      if (!s) return status.NOT_FOUND; // a plugin context has no stream to answer
      return s.sendLocalReply(reply);
    },
    proxy_continue_stream(type) {
      const s = ctx().stream;
      if (!s) return status.NOT_FOUND;
      if (type > 3) return status.BAD_ARGUMENT;
      if (type > 1) return status.UNIMPLEMENTED; // no TCP streams here
      s.resume[type] = true; // Envoy resumes after the VM call returns
      return status.OK;
    },
    proxy_close_stream(type) {
      const s = ctx().stream;
      if (!s) return status.NOT_FOUND;
      if (type > 3) return status.BAD_ARGUMENT;
      s.reset = `closed by the plugin (stream type ${type})`;
      return status.OK;
    },
    proxy_http_call(uPtr, uLen, hPtr, hLen, bPtr, bLen, tPtr, tLen, timeout, retId) {
      const m = mem();
      let headers;
      try {
        headers = deserializeMap(m.read(hPtr, hLen));
        deserializeMap(m.read(tPtr, tLen));
      } catch {
        return status.BAD_ARGUMENT;
      }
      const req = { cluster: str(uPtr, uLen), headers, body: m.read(bPtr, bLen), timeout };
      const required = [':authority', ':method', ':path'];
      if (!required.every((k) => headers.some(([h]) => h.toLowerCase() === k))) return status.BAD_ARGUMENT;
      const token = vm.dispatch(req); // 0: no such cluster
      if (token === 0) return status.BAD_ARGUMENT;
      m.setU32(retId, token);
      return status.OK;
    },
    proxy_call_foreign_function(nPtr, nLen, _aPtr, _aLen, _retPtr, _retSize) {
      // Plain Envoy registers none of the functions the Higress SDK asks for
      // (get_log_level, ...): NOT_FOUND, which the SDK handles.
      vm.foreignCalls.add(str(nPtr, nLen));
      return status.NOT_FOUND;
    },
    proxy_get_property(pPtr, pLen, retPtr, retSize) {
      const path = str(pPtr, pLen).split('\0');
      const v = vm.getProperty(ctx(), path);
      if (v === undefined) return status.NOT_FOUND;
      return vm.give(retPtr, retSize, Buffer.from(v, 'latin1'));
    },
    proxy_set_property(pPtr, pLen, vPtr, vLen) {
      const s = ctx().stream;
      if (!s) return status.NOT_FOUND; // Envoy: no stream info outside a stream
      s.properties.set(str(pPtr, pLen).split('\0').join('.'), str(vPtr, vLen));
      return status.OK;
    },
    proxy_get_shared_data(kPtr, kLen, retPtr, retSize, retCas) {
      const e = vm.sharedData.get(str(kPtr, kLen));
      if (!e) return status.NOT_FOUND;
      const st = vm.give(retPtr, retSize, e.value);
      if (st === status.OK) mem().setU32(retCas, e.cas);
      return st;
    },
    proxy_set_shared_data(kPtr, kLen, vPtr, vLen, cas) {
      const k = str(kPtr, kLen);
      const e = vm.sharedData.get(k);
      if (cas !== 0 && (!e || e.cas !== cas)) return status.CAS_MISMATCH;
      vm.sharedData.set(k, { value: mem().read(vPtr, vLen), cas: (e ? e.cas : 0) + 1 });
      return status.OK;
    },
    proxy_register_shared_queue(nPtr, nLen, retId) {
      mem().setU32(retId, vm.queue(str(nPtr, nLen), true).id);
      return status.OK;
    },
    proxy_resolve_shared_queue(_vPtr, _vLen, nPtr, nLen, retId) {
      const q = vm.queue(str(nPtr, nLen), false);
      if (!q) return status.NOT_FOUND;
      mem().setU32(retId, q.id);
      return status.OK;
    },
    proxy_enqueue_shared_queue(id, vPtr, vLen) {
      const q = vm.queueById(id);
      if (!q) return status.NOT_FOUND;
      q.items.push(mem().read(vPtr, vLen));
      vm.pendingQueueReady.push(id);
      return status.OK;
    },
    proxy_dequeue_shared_queue(id, retPtr, retSize) {
      const q = vm.queueById(id);
      if (!q) return status.NOT_FOUND;
      if (q.items.length === 0) return status.EMPTY;
      return vm.give(retPtr, retSize, q.items.shift());
    },
    proxy_define_metric(type, nPtr, nLen, retId) {
      if (type > 2) return status.BAD_ARGUMENT;
      mem().setU32(retId, vm.defineMetric(type, str(nPtr, nLen)));
      return status.OK;
    },
    proxy_increment_metric(id, delta) {
      const m = vm.metrics[id - 1];
      if (!m) return status.NOT_FOUND;
      if (m.type === 0 && delta < 0n) return status.BAD_ARGUMENT; // counters only go up
      m.value += delta;
      return status.OK;
    },
    proxy_record_metric(id, value) {
      const m = vm.metrics[id - 1];
      if (!m) return status.NOT_FOUND;
      m.value = BigInt.asUintN(64, value);
      return status.OK;
    },
    proxy_get_metric(id, retPtr) {
      const m = vm.metrics[id - 1];
      if (!m) return status.NOT_FOUND;
      mem().setU64(retPtr, BigInt.asUintN(64, m.value));
      return status.OK;
    },
  };
  if (vm.profile === 'higress') Object.assign(fns, higressFunctions(vm));
  const out = {};
  for (const [name, fn] of Object.entries(fns)) {
    out[name] = (...args) => {
      vm.count(name);
      try {
        return fn(...args.map(unsigned));
      } catch (e) {
        if (e instanceof MemoryFault) return status.INVALID_MEMORY_ACCESS;
        throw e;
      }
    };
  }
  return out;
}

// higressFunctions are the host functions Higress's Envoy adds to the ABI and
// upstream Envoy lacks (a module importing them does not load there:
// proxy-wasm-cpp-host fails on a missing import). This host has no Redis:
// every cluster is unknown, refused as proxy_http_call refuses one, and
// recorded.
function higressFunctions(vm) {
  const str = (ptr, len) => vm.memory().read(ptr, len).toString('latin1');
  return {
    proxy_redis_init(cPtr, cLen, _uPtr, _uLen, _pPtr, _pLen, _timeout) {
      vm.unknownClusters.push(`redis:${str(cPtr, cLen)}`);
      return status.BAD_ARGUMENT;
    },
    proxy_redis_call(cPtr, cLen, _qPtr, _qLen, _retId) {
      vm.unknownClusters.push(`redis:${str(cPtr, cLen)}`);
      return status.BAD_ARGUMENT;
    },
  };
}

// bufferOf returns the bytes of buffer `type` visible from context c, or null.
function bufferOf(vm, c, type) {
  if (type === CALL_RESPONSE_BODY) return vm.calloutResponse?.body ?? null;
  if (type === VM_CONFIGURATION) return c.stream ? null : vm.vmConfig;
  if (type === PLUGIN_CONFIGURATION) return c.stream ? null : vm.pluginConfig;
  if (!c.stream || (type !== REQUEST_BODY && type !== RESPONSE_BODY)) return null;
  return c.stream.buffers[type];
}

// mapOf returns the header pairs of map `type` for context c, or the status
// to answer: BAD_ARGUMENT for an unknown map or one this phase cannot reach
// (Envoy's null map), and for a write to a map that is read-only now. The
// callout maps are those of the response being delivered, from any context.
function mapOf(vm, c, type, write) {
  if (type > MAX_MAP_TYPE) return status.BAD_ARGUMENT;
  if (type === CALL_RESPONSE_HEADERS || type === CALL_RESPONSE_TRAILERS) {
    const r = vm.calloutResponse; // only while proxy_on_http_call_response runs
    if (!r || write) return status.BAD_ARGUMENT;
    return type === CALL_RESPONSE_HEADERS ? r.headers : r.trailers;
  }
  if (!c.stream) return status.BAD_ARGUMENT;
  const m = c.stream.maps[type];
  if (!m) return status.BAD_ARGUMENT;
  if (write && !m.writable) return status.BAD_ARGUMENT;
  return m.pairs;
}
