#!/usr/bin/env bash
# bench/run.sh — `make bench`: instructions per MCP tools/call through the real
# .wasm, next to a no-op wasm-go wrapper plugin built and measured in the same run.
#
# Both plugins are built with the same toolchain and flags and driven by the
# same native driver (bench/driver: proxytest host emulator + wazero) under
# valgrind/callgrind, twice each in a fresh plugin instance: a short run
# (N counted requests) and a long one (3N). Per request = (I(long) - I(short))
# divided by the requests the long run counted more, so start-up (module load,
# plugin start, config parse) and the warm-up cancel. With -align-gc the driver
# starts and ends the counted requests where a GC cycle of the plugin ends, so
# the difference holds whole GC periods: the plugin's GC is counted at its
# long-run rate, not at whatever share of a cycle a window happens to catch.
# The driver checks the outcome and exits non-zero if the plugin did not
# rewrite the request or answer a tools/call result.
#
# Environment: BENCH_N (plugin, default 600), BENCH_NOOP_N (default 900: the
# no-op's GC period is ~1800 requests, and 3N - N must exceed it),
# BENCH_WARMUP (default 300), BENCH_SCENARIO (apikey|passthrough),
# BENCH_RUNTIME (compiler|interpreter), BENCH_PLUGIN_PKG (default ./plugin),
# BENCH_MAX_RATIO (fail above it; unset = report only), GO.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A N=([plugin]=${BENCH_N:-600} [noop]=${BENCH_NOOP_N:-900})
WARMUP=${BENCH_WARMUP:-300}
SCENARIO=${BENCH_SCENARIO:-apikey}
RUNTIME=${BENCH_RUNTIME:-compiler}
PLUGIN_PKG=${BENCH_PLUGIN_PKG:-./plugin}
GO=${GO:-go}
BUILD=build/bench
OUT=bench/out
CACHE=$BUILD/wazero-cache
DRIVER=$BUILD/driver
WASM_FLAGS=(-buildmode=c-shared -trimpath)
start=$SECONDS

if ! command -v valgrind >/dev/null || ! command -v callgrind_annotate >/dev/null; then
	echo "bench: valgrind not found, installing it with apt-get" >&2
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq valgrind >/dev/null
fi

mkdir -p "$BUILD" "$OUT"
rm -f "$OUT"/callgrind.* "$OUT"/valgrind.* "$OUT"/profile.* "$OUT"/sym.* "$OUT"/driver.* "$OUT"/run.*
echo "bench: building plugin ($PLUGIN_PKG), no-op, driver and cgprof"
GOOS=wasip1 GOARCH=wasm $GO build "${WASM_FLAGS[@]}" -o "$BUILD/plugin.wasm" "$PLUGIN_PKG"
GOOS=wasip1 GOARCH=wasm $GO build "${WASM_FLAGS[@]}" -o "$BUILD/noop.wasm" ./bench/noop
$GO build -o "$DRIVER" ./bench/driver
$GO build -o "$BUILD/cgprof" ./bench/cgprof

# drive name n extra-flags...: the driver for one plugin (prefixed by $VALGRIND).
drive() {
	local name=$1 n=$2 expect=bridge
	shift 2
	[ "$name" = plugin ] || expect=noop
	${VALGRIND:-} "$DRIVER" -wasm "$BUILD/$name.wasm" -expect "$expect" -n "$n" -warmup "$WARMUP" \
		-align-gc -scenario "$SCENARIO" -runtime "$RUNTIME" -cache "$CACHE" "$@"
}

# Native sanity pass: every cycle checked; also fills the compilation cache, so
# the callgrind runs load machine code instead of compiling ~10 MB of wasm.
for name in noop plugin; do
	drive "$name" 3 -check >/dev/null
done

# measure name run n: one callgrind run; writes run.<name>.<run> = "Ir requests".
measure() {
	local name=$1 run=$2 n=$3 extra=()
	[ "$RUNTIME" != compiler ] || extra=(-symbols "$OUT/sym.$name.$run")
	if ! GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off \
		VALGRIND="valgrind --tool=callgrind --callgrind-out-file=$OUT/callgrind.$name.$run.out --log-file=$OUT/valgrind.$name.$run.log" \
		drive "$name" "$n" "${extra[@]}" >"$OUT/driver.$name.$run.txt" 2>&1; then
		echo "bench: $name ($run run, n=$n) failed:" >&2
		cat "$OUT/driver.$name.$run.txt" >&2
		return 1
	fi
	echo "$(awk '/^totals:/ { print $2 }' "$OUT/callgrind.$name.$run.out") $(awk '/^ok:/ { print $2 }' "$OUT/driver.$name.$run.txt")" >"$OUT/run.$name.$run"
}

# The two plugins run side by side (callgrind counts do not depend on it).
pids=()
for name in noop plugin; do
	(
		for run in short long; do
			t=$SECONDS
			n=${N[$name]}
			[ "$run" = short ] || n=$((3 * n))
			measure "$name" "$run" "$n"
			printf 'bench: %-6s %-5s run: %s Ir, %s requests counted (%ds under callgrind)\n' \
				"$name" "$run" $(cat "$OUT/run.$name.$run") $((SECONDS - t))
		done
	) &
	pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done

declare -A I R P W
for name in noop plugin; do
	read -r I[$name.short] R[$name.short] <"$OUT/run.$name.short"
	read -r I[$name.long] R[$name.long] <"$OUT/run.$name.long"
	W[$name]=$((R[$name.long] - R[$name.short]))
	if [ "${W[$name]}" -le 0 ]; then
		echo "bench: $name: both runs ended at the same GC cycle; raise BENCH_N / BENCH_NOOP_N" >&2
		exit 1
	fi
	P[$name]=$(((I[$name.long] - I[$name.short]) / W[$name]))
	if [ "$RUNTIME" = compiler ]; then
		"$BUILD/cgprof" -window "${W[$name]}" -annotate "$OUT" \
			"$OUT/callgrind.$name.short.out" "$OUT/sym.$name.short" \
			"$OUT/callgrind.$name.long.out" "$OUT/sym.$name.long" >"$OUT/profile.$name.txt"
		mv "$OUT/callgrind.sym.out" "$OUT/callgrind.$name.long.sym.out"
	fi
done
ratio=$(awk -v a="${P[plugin]}" -v b="${P[noop]}" 'BEGIN { printf "%.2f", a / b }')

split() { # name -> "wasm host" Ir per request, from the profile
	awk '/^per request:/ { print $8, $12 }' "$OUT/profile.$1.txt" 2>/dev/null || true
}
hostcalls() { # name -> total host calls per request
	awk '/^host calls/ { on = 1; next } on && NF == 0 { exit } on { s += $1 } END { printf "%.0f", s }' "$OUT/profile.$1.txt" 2>/dev/null || true
}
gccycles() { # name -> wasm GC cycles in the window
	local a b
	a=$(awk '/^wasm GC cycles/ { print $NF }' "$OUT/driver.$1.short.txt")
	b=$(awk '/^wasm GC cycles/ { print $NF }' "$OUT/driver.$1.long.txt")
	echo $((b - a))
}

{
	echo "mcp-rest-bridge bench: instructions (callgrind Ir) per MCP tools/call request"
	echo "$(date -u +%FT%TZ)  commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- plugin pkg go.mod 2>/dev/null || echo +dirty)  $($GO version | cut -d' ' -f3)  $(valgrind --version)"
	echo "scenario $SCENARIO (bench/config.json): tools/call with a path arg, a query arg and an upstream"
	echo "  credential, 1 KiB JSON response; wazero $RUNTIME; GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off"
	echo "per request = (I(long) - I(short)) / (requests counted more); short run N, long run 3N requests"
	echo "  after $WARMUP warm-up, both extended to the end of a GC cycle of the plugin; host (driver) GC off"
	echo
	printf '%-7s %9s %13s %13s %6s %3s %10s %10s %10s %5s\n' plugin "wasm B" "I(short)" "I(long)" window GCs "per req" "wasm code" "host side" calls
	for name in noop plugin; do
		read -r g h < <(split "$name"; echo)
		printf '%-7s %9s %13s %13s %6s %3s %10s %10s %10s %5s\n' "$name" "$(stat -c %s "$BUILD/$name.wasm")" \
			"${I[$name.short]}" "${I[$name.long]}" "${W[$name]}" "$(gccycles "$name")" "${P[$name]}" \
			"${g:--}" "${h:--}" "$(hostcalls "$name")"
	done
	echo
	echo "ratio plugin/noop: ${ratio}x   (budget: 1.5x)"
	echo "window = requests in the difference; GCs = plugin GC cycles in it; wasm code = JIT-compiled"
	echo "guest code; host side = proxytest emulator + wazero glue; calls = host calls per request"
	if [ -f "$OUT/profile.plugin.txt" ]; then
		echo
		echo "plugin, per request (full: $OUT/profile.plugin.txt; noop: $OUT/profile.noop.txt):"
		awk '/^top functions/ { n = 0 } { print } /^top functions/ { on = 1 } on && ++n > 20 { exit }' "$OUT/profile.plugin.txt"
	fi
} | tee "$OUT/results.txt"
echo "bench: wrote $OUT/results.txt in $((SECONDS - start))s"

if [ -n "${BENCH_MAX_RATIO:-}" ] && awk -v r="$ratio" -v m="$BENCH_MAX_RATIO" 'BEGIN { exit !(r > m) }'; then
	echo "bench: FAIL: ratio ${ratio}x exceeds BENCH_MAX_RATIO=${BENCH_MAX_RATIO}" >&2
	exit 1
fi
