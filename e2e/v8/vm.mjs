// One proxy-wasm VM in V8 (Node's WebAssembly): compiles the plugin, links
// the host functions of abi.mjs and wasi.mjs, and calls the guest's
// proxy_on_* exports the way Envoy's proxy-wasm host does. A call that throws
// (a trap, a V8 stack overflow, proc_exit) fails the VM for good, as Envoy
// marks a Wasm VM failed after a runtime error.

import { makeEnv } from './abi.mjs';
import { makeWasi, memoryView, ProcExit } from './wasi.mjs';

export const ROOT_ID = 1;

// Trap is thrown by VM.call when the guest did not return normally.
export class Trap extends Error {
  constructor(func, kind, cause) {
    super(`${kind} in ${func}: ${cause?.message ?? cause}`);
    this.func = func;
    this.kind = kind; // 'trap' | 'stack-overflow' | 'proc_exit' | 'host-error' | 'vm-failed'
  }
}

function classify(e) {
  if (e instanceof Trap) return e.kind;
  if (e instanceof ProcExit) return 'proc_exit';
  if (e instanceof WebAssembly.RuntimeError) return 'trap';
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'stack-overflow';
  return 'host-error'; // a bug or an unsupported path in this host: fails the suite too
}

export class VM {
  // opts: pluginConfig (Buffer), vmConfig (Buffer), env ("K=V" list),
  // properties (plugin-level property values, e.g. plugin_name), profile:
  // 'envoy' (upstream Envoy's host functions only, the default) or 'higress'
  // (plus Higress's, see abi.mjs).
  // module: a compiled WebAssembly.Module (VMs of one plugin share it, as
  // Envoy reuses the compiled code when it replaces a failed VM) or bytes.
  constructor(module, opts) {
    this.profile = opts.profile ?? 'envoy';
    this.pluginConfig = opts.pluginConfig;
    this.vmConfig = opts.vmConfig ?? Buffer.alloc(0);
    this.properties = new Map(Object.entries(opts.properties ?? {}));
    this.logs = [];
    this.calls = new Map();
    // clusters maps a cluster name to the function answering its callouts:
    // (request) => {status, headers, body} or null (no answer: reset or
    // timeout). A callout to any other cluster is refused as Envoy refuses
    // an unknown cluster, and recorded in unknownClusters.
    this.clusters = new Map();
    this.callouts = [];
    this.unknownClusters = [];
    this.pendingCallouts = [];
    this.calloutResponse = null;
    this.foreignCalls = new Set();
    this.unknownProperties = new Set();
    this.sharedData = new Map();
    this.queues = [];
    this.pendingQueueReady = [];
    this.metrics = [];
    this.tickPeriod = 0;
    this.contexts = new Map();
    this.current = null;
    this.effective = null;
    this.failed = null;
    this.nextId = ROOT_ID + 1;

    if (!(module instanceof WebAssembly.Module)) module = new WebAssembly.Module(module);
    const imports = {
      env: makeEnv(this),
      wasi_snapshot_preview1: makeWasi({
        mem: () => this.memory(), env: opts.env ?? [], calls: this.calls,
        log: (level, msg, source) => this.log(level, msg, source),
      }),
    };
    const missing = WebAssembly.Module.imports(module)
      .filter((i) => i.kind !== 'function' || typeof imports[i.module]?.[i.name] !== 'function')
      .map((i) => `${i.module}.${i.name}`);
    if (missing.length > 0) {
      throw new Error(`host (${this.profile}): the module imports what this host does not implement: ${missing.join(', ')}`);
    }
    this.imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`);
    const exportNames = WebAssembly.Module.exports(module).map((e) => e.name);
    if (!exportNames.some((n) => /^proxy_abi_version_0_2_\d+$/.test(n))) {
      throw new Error('host: the module does not export a proxy_abi_version_0_2_* marker');
    }
    this.instance = new WebAssembly.Instance(module, imports);
    this.exports = this.instance.exports;
    this.guard('_initialize', () => this.exports._initialize());
  }

  // start creates the plugin context, starts the VM and configures the
  // plugin, in Envoy's order; it returns proxy_on_configure's verdict.
  start() {
    this.contexts.set(ROOT_ID, { id: ROOT_ID, stream: null });
    this.call(ROOT_ID, 'proxy_on_context_create', ROOT_ID, 0);
    // A module without the callback has nothing to refuse (as in Envoy).
    const ok = (name, size) => typeof this.exports[name] !== 'function' || this.call(ROOT_ID, name, ROOT_ID, size) === 1;
    return ok('proxy_on_vm_start', this.vmConfig.length) && ok('proxy_on_configure', this.pluginConfig.length);
  }

  // newStream creates a stream context for a Stream (exchange.mjs).
  newStream(stream) {
    const id = this.nextId++;
    stream.id = id;
    this.contexts.set(id, { id, stream });
    this.call(id, 'proxy_on_context_create', id, ROOT_ID);
    return id;
  }

  // endStream runs Envoy's end of a stream: access log, done, delete.
  endStream(id) {
    const c = this.contexts.get(id);
    c.stream.accessLog();
    this.call(id, 'proxy_on_log', id);
    // A false from proxy_on_done means the plugin will call proxy_done
    // later; Envoy deletes the context at stream end either way.
    if (this.call(id, 'proxy_on_done', id) !== 1) c.stream.pendingDone = true;
    this.call(id, 'proxy_on_delete', id);
    this.contexts.delete(id);
  }

  // call runs the guest's export `name` in context ctxId. An export the
  // module lacks is skipped (every callback is optional). Queue-ready
  // notifications the call caused are delivered after it, as Envoy posts them.
  call(ctxId, name, ...args) {
    const fn = this.exports[name];
    if (typeof fn !== 'function') return 0;
    const saved = [this.current, this.effective];
    this.current = this.effective = this.contexts.get(ctxId);
    try {
      const r = this.guard(name, () => fn(...args));
      return typeof r === 'number' ? r >>> 0 : 0;
    } finally {
      [this.current, this.effective] = saved;
      if (saved[0] === null) this.deliverEvents();
    }
  }

  guard(name, f) {
    if (this.failed) throw new Trap(name, 'vm-failed', this.failed.message);
    try {
      return f();
    } catch (e) {
      const t = e instanceof Trap ? e : new Trap(name, classify(e), e);
      this.failed = t;
      throw t;
    }
  }

  // deliverEvents runs what Envoy's event loop would run once the current
  // callback returned: queue-ready notifications, then the answers to the
  // callouts dispatched, each in the plugin context that owns callouts.
  deliverEvents() {
    while (!this.failed && (this.pendingQueueReady.length > 0 || this.pendingCallouts.length > 0)) {
      if (this.pendingQueueReady.length > 0) {
        this.call(ROOT_ID, 'proxy_on_queue_ready', ROOT_ID, this.pendingQueueReady.shift());
        continue;
      }
      const c = this.pendingCallouts.shift();
      const r = c.respond(c.request);
      const headers = r ? [[':status', String(r.status)], ...(r.headers ?? [])] : [];
      this.calloutResponse = { headers, body: r ? Buffer.from(r.body ?? '') : Buffer.alloc(0), trailers: [] };
      try {
        this.call(ROOT_ID, 'proxy_on_http_call_response', ROOT_ID, c.token, headers.length,
          this.calloutResponse.body.length, 0);
      } finally {
        this.calloutResponse = null;
      }
    }
  }

  // dispatch queues a callout (proxy_http_call) and returns its token, or 0
  // when no cluster of that name exists.
  dispatch(request) {
    this.callouts.push(request);
    const respond = this.clusters.get(request.cluster);
    if (!respond) {
      this.unknownClusters.push(request.cluster);
      return 0;
    }
    const token = this.callouts.length;
    this.pendingCallouts.push({ token, request, respond });
    return token;
  }

  memory() { return memoryView(this.exports.memory); }

  effectiveContext() {
    if (!this.effective) throw new Error('host: a host function was called outside any callback');
    return this.effective;
  }

  setEffectiveContext(id) {
    const c = this.contexts.get(id);
    if (!c) return false;
    this.effective = c;
    return true;
  }

  doneRequested(c) {
    if (!c.stream || !c.stream.pendingDone) return false;
    c.stream.pendingDone = false;
    return true;
  }

  // give hands bytes to the guest: memory from proxy_on_memory_allocate,
  // its address and size written at ptrPtr and sizePtr (0, 0 when empty).
  give(ptrPtr, sizePtr, bytes) {
    let ptr = 0;
    if (bytes.length > 0) {
      ptr = this.exports.proxy_on_memory_allocate(bytes.length) >>> 0;
      if (ptr === 0) return 6; // INVALID_MEMORY_ACCESS: the guest could not allocate
      this.memory().write(ptr, bytes);
    }
    const m = this.memory();
    m.setU32(ptrPtr, ptr);
    m.setU32(sizePtr, bytes.length);
    return 0;
  }

  log(level, msg, source) {
    this.logs.push({ level, msg, source, ctx: this.current?.id ?? 0 });
  }

  count(name) { this.calls.set(name, (this.calls.get(name) ?? 0) + 1); }

  // getProperty answers what plain Envoy answers for the paths a plugin
  // reads: values set on this stream, the plugin's identity, the request's
  // basic attributes. Anything else is NOT_FOUND and is recorded.
  getProperty(c, path) {
    const key = path.join('.');
    if (c.stream?.properties.has(key)) return c.stream.properties.get(key);
    if (this.properties.has(key)) return this.properties.get(key);
    const req = c.stream?.requestAttributes?.();
    if (req && key in req) return req[key];
    this.unknownProperties.add(key);
    return undefined;
  }

  queue(name, create) {
    let q = this.queues.find((x) => x.name === name);
    if (!q && create) {
      q = { id: this.queues.length + 1, name, items: [] };
      this.queues.push(q);
    }
    return q;
  }

  queueById(id) { return this.queues[id - 1]; }

  defineMetric(type, name) {
    const i = this.metrics.findIndex((m) => m.type === type && m.name === name);
    if (i >= 0) return i + 1;
    this.metrics.push({ type, name, value: 0n });
    return this.metrics.length;
  }
}
