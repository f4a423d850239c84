// A minimal wasi_snapshot_preview1 for a proxy-wasm plugin, as Envoy's
// proxy-wasm host provides it: stdout/stderr become log lines, a real clock,
// real randomness, the VM's environment variables, no arguments, no files.
// Every function returns the errno the WASI spec defines for what it cannot
// do (EBADF for an fd that does not exist); nothing silently returns 0.

import { randomFillSync } from 'node:crypto';

export const errno = { SUCCESS: 0, BADF: 8, FAULT: 21, INVAL: 28, NOTSUP: 58, SPIPE: 70 };

// ProcExit is thrown by proc_exit: the Go runtime calls it after a fatal
// error (e.g. "goroutine stack exceeds limit"), and a module that exited
// cannot be called again.
export class ProcExit extends Error {
  constructor(code) {
    super(`proc_exit(${code})`);
    this.code = code;
  }
}

const FILETYPE_CHARACTER_DEVICE = 2;
const EVENTTYPE_CLOCK = 0;
const SUBSCRIPTION_SIZE = 48;
const EVENT_SIZE = 32;

// unsigned reads an i32 argument as the u32 the ABI means (JS sees i32 as
// signed); i64 arguments arrive as BigInt and are left alone.
export const unsigned = (a) => (typeof a === 'number' ? a >>> 0 : a);

// makeWasi returns the import object's wasi_snapshot_preview1 namespace.
// mem() returns a checked view of the guest memory (see abi.mjs), log(level,
// text) receives stdout (info) and stderr (error) lines, env is a list of
// "KEY=VALUE" strings, calls counts the calls per function.
export function makeWasi({ mem, log, env, calls }) {
  const count = (name) => { calls.set(name, (calls.get(name) ?? 0) + 1); };
  const envBytes = env.map((kv) => Buffer.from(kv + '\0'));
  const stdio = (fd) => fd === 0 || fd === 1 || fd === 2;
  const lineBuf = { 1: '', 2: '' };
  const wrap = (name, fn) => (...args) => {
    count(name);
    try {
      return fn(...args.map(unsigned));
    } catch (e) {
      if (e instanceof MemoryFault) return errno.FAULT;
      throw e;
    }
  };
  const fns = {
    args_sizes_get(argcPtr, bufSizePtr) {
      const m = mem();
      m.setU32(argcPtr, 0);
      m.setU32(bufSizePtr, 0);
      return errno.SUCCESS;
    },
    args_get() {
      return errno.SUCCESS; // zero arguments: nothing to write
    },
    environ_sizes_get(countPtr, bufSizePtr) {
      const m = mem();
      m.setU32(countPtr, envBytes.length);
      m.setU32(bufSizePtr, envBytes.reduce((n, b) => n + b.length, 0));
      return errno.SUCCESS;
    },
    environ_get(arrayPtr, bufPtr) {
      const m = mem();
      let p = bufPtr;
      envBytes.forEach((b, i) => {
        m.setU32(arrayPtr + 4 * i, p);
        m.write(p, b);
        p += b.length;
      });
      return errno.SUCCESS;
    },
    clock_time_get(clockId, _precision, timePtr) {
      let ns;
      if (clockId === 0) ns = BigInt(Date.now()) * 1000000n;
      else if (clockId === 1) ns = process.hrtime.bigint();
      else return errno.NOTSUP;
      mem().setU64(timePtr, ns);
      return errno.SUCCESS;
    },
    random_get(ptr, len) {
      const m = mem();
      m.check(ptr, len);
      randomFillSync(m.u8(), ptr, len);
      return errno.SUCCESS;
    },
    fd_write(fd, iovs, iovsLen, writtenPtr) {
      if (fd !== 1 && fd !== 2) return errno.BADF;
      const m = mem();
      let n = 0;
      for (let i = 0; i < iovsLen; i++) {
        const ptr = m.getU32(iovs + 8 * i);
        const len = m.getU32(iovs + 8 * i + 4);
        lineBuf[fd] += m.read(ptr, len).toString('latin1');
        n += len;
      }
      let nl;
      while ((nl = lineBuf[fd].indexOf('\n')) >= 0) {
        log(fd === 1 ? 'info' : 'error', lineBuf[fd].slice(0, nl), fd === 1 ? 'stdout' : 'stderr');
        lineBuf[fd] = lineBuf[fd].slice(nl + 1);
      }
      m.setU32(writtenPtr, n);
      return errno.SUCCESS;
    },
    fd_read(fd, _iovs, _iovsLen, readPtr) {
      if (fd !== 0) return errno.BADF;
      mem().setU32(readPtr, 0); // stdin is empty
      return errno.SUCCESS;
    },
    fd_close(fd) {
      return stdio(fd) ? errno.SUCCESS : errno.BADF;
    },
    fd_seek(fd) {
      return stdio(fd) ? errno.SPIPE : errno.BADF;
    },
    fd_fdstat_get(fd, statPtr) {
      if (!stdio(fd)) return errno.BADF;
      const m = mem();
      m.write(statPtr, Buffer.alloc(24));
      m.setU8(statPtr, FILETYPE_CHARACTER_DEVICE);
      return errno.SUCCESS;
    },
    fd_fdstat_set_flags(fd) {
      return stdio(fd) ? errno.NOTSUP : errno.BADF;
    },
    fd_filestat_get(fd, statPtr) {
      if (!stdio(fd)) return errno.BADF;
      const m = mem();
      m.write(statPtr, Buffer.alloc(64));
      m.setU8(statPtr + 16, FILETYPE_CHARACTER_DEVICE);
      return errno.SUCCESS;
    },
    fd_prestat_get() {
      return errno.BADF; // no preopened directories
    },
    fd_prestat_dir_name() {
      return errno.BADF;
    },
    path_open() {
      return errno.BADF; // no directory fd exists to open a path under
    },
    path_filestat_get() {
      return errno.BADF;
    },
    sched_yield() {
      return errno.SUCCESS;
    },
    poll_oneoff(inPtr, outPtr, nsubs, neventsPtr) {
      return pollClocks(mem(), inPtr, outPtr, nsubs, neventsPtr);
    },
    proc_exit(code) {
      for (const fd of [1, 2]) {
        if (lineBuf[fd]) log(fd === 1 ? 'info' : 'error', lineBuf[fd], fd === 1 ? 'stdout' : 'stderr');
        lineBuf[fd] = '';
      }
      throw new ProcExit(code);
    },
  };
  const out = {};
  for (const [name, fn] of Object.entries(fns)) out[name] = wrap(name, fn);
  return out;
}

// pollClocks serves poll_oneoff for clock subscriptions (how the Go runtime
// sleeps): it blocks for the shortest timeout and reports that subscription.
// A subscription on an fd cannot be served here (no fd is ever readable or
// writable in a proxy-wasm host), so it fails the call loudly.
function pollClocks(m, inPtr, outPtr, nsubs, neventsPtr) {
  if (nsubs === 0) return errno.INVAL;
  let best = -1;
  let bestNs = 0n;
  for (let i = 0; i < nsubs; i++) {
    const sub = inPtr + SUBSCRIPTION_SIZE * i;
    const tag = m.getU8(sub + 8);
    if (tag !== EVENTTYPE_CLOCK) {
      throw new Error(`host: poll_oneoff on an fd (subscription type ${tag}) is not supported`);
    }
    const timeout = m.getU64(sub + 24);
    const absolute = (m.getU16(sub + 40) & 1) === 1;
    const ns = absolute ? timeout - process.hrtime.bigint() : timeout;
    if (best < 0 || ns < bestNs) { best = i; bestNs = ns; }
  }
  if (bestNs > 0n) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(bestNs / 1000000n));
  }
  const sub = inPtr + SUBSCRIPTION_SIZE * best;
  m.write(outPtr, Buffer.alloc(EVENT_SIZE));
  m.setU64(outPtr, m.getU64(sub)); // userdata
  m.setU8(outPtr + 10, EVENTTYPE_CLOCK);
  m.setU32(neventsPtr, 1);
  return errno.SUCCESS;
}

// MemoryFault is thrown by the checked memory view for an access outside the
// guest's memory; the host functions turn it into FAULT /
// INVALID_MEMORY_ACCESS.
export class MemoryFault extends Error {}

// memoryView wraps the guest memory with bounds-checked accessors. It is
// rebuilt per host call because a memory.grow detaches the old buffer.
export function memoryView(memory) {
  const buf = memory.buffer;
  const u8 = new Uint8Array(buf);
  const dv = new DataView(buf);
  const check = (ptr, len) => {
    if (ptr < 0 || len < 0 || ptr + len > u8.length) {
      throw new MemoryFault(`guest memory access out of bounds: [${ptr}, ${ptr + len})`);
    }
  };
  return {
    check,
    u8: () => u8,
    read(ptr, len) {
      check(ptr, len);
      return Buffer.from(u8.slice(ptr, ptr + len)); // a copy: guest memory is reused
    },
    write(ptr, bytes) {
      check(ptr, bytes.length);
      u8.set(bytes, ptr);
    },
    getU8: (p) => { check(p, 1); return dv.getUint8(p); },
    getU16: (p) => { check(p, 2); return dv.getUint16(p, true); },
    getU32: (p) => { check(p, 4); return dv.getUint32(p, true); },
    getU64: (p) => { check(p, 8); return dv.getBigUint64(p, true); },
    setU8: (p, v) => { check(p, 1); dv.setUint8(p, v); },
    setU32: (p, v) => { check(p, 4); dv.setUint32(p, v, true); },
    setU64: (p, v) => { check(p, 8); dv.setBigUint64(p, BigInt(v), true); },
  };
}
