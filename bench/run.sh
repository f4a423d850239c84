#!/usr/bin/env bash
# bench/run.sh — `make bench`: instructions per MCP tools/call through the real
# .wasm, next to a no-op wasm-go wrapper plugin built and measured in the same run.
#
# Both plugins are built with the same toolchain and flags, driven by the same
# native driver (bench/driver: proxytest host emulator + wazero) under
# valgrind/callgrind, with N and 3N identical request/response cycles in one
# plugin instance. Per request = (I(3N) - I(N)) / 2N, so start-up (module load,
# plugin start, config parse) cancels. The driver checks the outcome and exits
# non-zero if the plugin did not rewrite the request or answer a tools/call result.
#
# Environment: BENCH_N (default 200), BENCH_SCENARIO (apikey|passthrough),
# BENCH_RUNTIME (compiler|interpreter), BENCH_PLUGIN_PKG (default ./plugin),
# BENCH_MAX_RATIO (fail if plugin/noop exceeds it; unset = report only), GO.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${BENCH_N:-200}
N3=$((3 * N))
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
rm -f "$OUT"/callgrind.* "$OUT"/valgrind.* "$OUT"/profile.* "$OUT"/sym.* "$OUT"/driver.*
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
	${VALGRIND:-} "$DRIVER" -wasm "$BUILD/$name.wasm" -expect "$expect" -n "$n" \
		-scenario "$SCENARIO" -runtime "$RUNTIME" -cache "$CACHE" "$@"
}

# Native sanity pass: every cycle checked; also fills the compilation cache, so
# the callgrind runs load machine code instead of compiling ~10 MB of wasm.
for name in noop plugin; do
	drive "$name" 3 -check >/dev/null
done

measure() { # name n -> prints total Ir
	local name=$1 n=$2 out=$OUT/callgrind.$1.$2.out extra=()
	[ "$RUNTIME" != compiler ] || extra=(-symbols "$OUT/sym.$name.$n")
	if ! GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off \
		VALGRIND="valgrind --tool=callgrind --callgrind-out-file=$out --log-file=$OUT/valgrind.$name.$n.log" \
		drive "$name" "$n" "${extra[@]}" >"$OUT/driver.$name.$n.txt" 2>&1; then
		echo "bench: $name with n=$n failed:" >&2
		cat "$OUT/driver.$name.$n.txt" >&2
		exit 1
	fi
	awk '/^totals:/ { print $2 }' "$out"
}

declare -A I P
for name in noop plugin; do
	for n in "$N" "$N3"; do
		t=$SECONDS
		I[$name.$n]=$(measure "$name" "$n")
		printf 'bench: %-6s n=%-4d %15s Ir  (%ds under callgrind)\n' "$name" "$n" "${I[$name.$n]}" $((SECONDS - t))
	done
	P[$name]=$(((I[$name.$N3] - I[$name.$N]) / (2 * N)))
	# Per-request profile: exclusive Ir by function, host calls, allocation sites.
	if [ "$RUNTIME" = compiler ]; then
		"$BUILD/cgprof" -n "$N" -annotate "$OUT" \
			"$OUT/callgrind.$name.$N.out" "$OUT/sym.$name.$N" \
			"$OUT/callgrind.$name.$N3.out" "$OUT/sym.$name.$N3" >"$OUT/profile.$name.txt"
		mv "$OUT/callgrind.sym.out" "$OUT/callgrind.$name.$N3.sym.out"
	fi
done
ratio=$(awk -v a="${P[plugin]}" -v b="${P[noop]}" 'BEGIN { printf "%.2f", a / b }')

split() { # name -> "wasm host" Ir per request, from the profile
	awk '/^per request:/ { print $8, $12 }' "$OUT/profile.$1.txt" 2>/dev/null || true
}
hostcalls() { # name -> total host calls per request
	awk '/^host calls/ { on = 1; next } on && NF == 0 { exit } on { s += $1 } END { printf "%.0f", s }' "$OUT/profile.$1.txt" 2>/dev/null || true
}

{
	echo "mcp-rest-bridge bench: instructions (callgrind Ir) per MCP tools/call request"
	echo "$(date -u +%FT%TZ)  commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- plugin pkg go.mod 2>/dev/null || echo +dirty)  $($GO version | cut -d' ' -f3)  $(valgrind --version)"
	echo "scenario $SCENARIO (bench/config.json): tools/call with a path arg, a query arg and an upstream"
	echo "  credential, 1 KiB JSON response; wazero $RUNTIME; GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off"
	echo "per request = (I(3N) - I(N)) / 2N, N=$N, one plugin instance; host (driver) GC off"
	echo
	printf '%-7s %10s %14s %14s %10s %10s %10s %6s\n' plugin "wasm B" "I(N)" "I(3N)" "per req" "wasm code" "host side" "calls"
	for name in noop plugin; do
		read -r g h < <(split "$name"; echo)
		printf '%-7s %10s %14s %14s %10s %10s %10s %6s\n' "$name" "$(stat -c %s "$BUILD/$name.wasm")" \
			"${I[$name.$N]}" "${I[$name.$N3]}" "${P[$name]}" "${g:--}" "${h:--}" "$(hostcalls "$name")"
	done
	echo
	echo "ratio plugin/noop: ${ratio}x   (budget: 1.5x)"
	echo "wasm code = JIT-compiled guest code; host side = proxytest emulator + wazero glue; calls = host calls"
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
