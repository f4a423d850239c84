#!/usr/bin/env bash
# bench/run.sh — `make bench`: instructions per MCP exchange through the real
# .wasm, next to a no-op wasm-go wrapper plugin built and measured in the same run.
#
# Exchanges (BENCH_SCENARIO selects some, default all): tools/call with a default
# API key (apikey), with the client's bearer passed through (passthrough), with an
# OAuth2 client-credentials token from the cache (oauth2), and tools/list answered
# by the plugin (toolslist). Each is compared with the no-op's counterpart: the
# same client exchange through a plugin that does nothing (see noop_of).
#
# Both plugins are built with the same toolchain and flags and driven by the
# same native driver (bench/driver: proxytest host emulator + wazero) under
# valgrind/callgrind, twice per exchange in a fresh plugin instance: a short run
# (N counted requests) and a long one (3N). Per request = (I(long) - I(short))
# divided by the requests the long run counted more, so start-up (module load,
# plugin start, config parse) and the warm-up cancel. With -align-gc the driver
# starts and ends the counted requests where a GC cycle of the plugin ends, so
# the difference holds whole GC periods: the plugin's GC is counted at its
# long-run rate, not at whatever share of a cycle a window happens to catch.
# The driver checks the outcome of every exchange and exits non-zero if the
# plugin did not do what the exchange needs (see bench/driver/check.go).
#
# Environment: BENCH_SCENARIO (space-separated exchanges, default
# "apikey passthrough oauth2 toolslist"), BENCH_N (plugin, default 600),
# BENCH_NOOP_N (default 900: the no-op's GC period is ~1800 requests, and 3N - N
# must exceed it), BENCH_WARMUP (default 300), BENCH_JOBS (callgrind runs at
# once, default 2), BENCH_RUNTIME (compiler|interpreter), BENCH_PLUGIN_PKG
# (default ./plugin), BENCH_MAX_RATIO (fail if an exchange's ratio is above it;
# "budget" = each exchange's own budget; unset = report only), BENCH_STARTUP
# (1: also measure plugin start with 60 and 1,000 tools; default 1 without
# BENCH_SCENARIO, 0 with it), GO.
#
# Start-up at scale: three more callgrind runs of the plugin that serve no
# request: the VM started only (module load, proxy_on_vm_start), then the plugin
# started with testdata/configs/large-catalog.yaml (60 tools) and with the same
# generator's 1,000-tool catalog. Plugin start (proxy_on_configure: parse,
# compile, index the tools) = I(plugin started) - I(VM started only).
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A N=([plugin]=${BENCH_N:-600} [noop]=${BENCH_NOOP_N:-900})
WARMUP=${BENCH_WARMUP:-300}
read -r -a EXCHANGES <<<"${BENCH_SCENARIO:-apikey passthrough oauth2 toolslist}"
JOBS=${BENCH_JOBS:-2}
STARTUP=${BENCH_STARTUP:-1}
[ -z "${BENCH_SCENARIO:-}" ] || STARTUP=${BENCH_STARTUP:-0}
RUNTIME=${BENCH_RUNTIME:-compiler}
PLUGIN_PKG=${BENCH_PLUGIN_PKG:-./plugin}
GO=${GO:-go}
BUILD=build/bench
OUT=bench/out
CACHE=$BUILD/wazero-cache
DRIVER=$BUILD/driver
WASM_FLAGS=(-buildmode=c-shared -trimpath)
start=$SECONDS

# What each exchange is, its budget (issue 13) and the no-op run it is compared
# with. The no-op passes a tools/call through unchanged whichever tool it names,
# so the three tools/call exchanges share one no-op run (of get_pet's request;
# the others differ only in the tool name's bytes). tools/list's counterpart is
# the same client exchange through the no-op: the request goes to an MCP server
# that answers the same tool list, so the no-op sees request and response
# phases while the plugin answers from its configuration after the request.
declare -A TITLE=([apikey]="tools/call, default API key" [passthrough]="tools/call, client bearer passed through"
	[oauth2]="tools/call, OAuth2 client credentials, cached token" [toolslist]="tools/list (answered by the plugin)")
declare -A BUDGET=([apikey]=1.5 [passthrough]=1.5 [oauth2]=1.5 [toolslist]=1.3)
noop_of() { if [ "$1" = toolslist ]; then echo toolslist; else echo apikey; fi; }
for ex in "${EXCHANGES[@]}"; do
	[ -n "${TITLE[$ex]:-}" ] || { echo "bench: unknown exchange '$ex' in BENCH_SCENARIO (want ${!TITLE[*]})" >&2; exit 2; }
done

if ! command -v valgrind >/dev/null || ! command -v callgrind_annotate >/dev/null; then
	echo "bench: valgrind not found, installing it with apt-get" >&2
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq valgrind >/dev/null
fi

mkdir -p "$BUILD" "$OUT"
rm -f "$OUT"/callgrind.* "$OUT"/valgrind.* "$OUT"/profile.* "$OUT"/sym.* "$OUT"/driver.* "$OUT"/run.* "$OUT"/failed.*
echo "bench: building plugin ($PLUGIN_PKG), no-op, driver and cgprof"
GOOS=wasip1 GOARCH=wasm $GO build "${WASM_FLAGS[@]}" -o "$BUILD/plugin.go.wasm" "$PLUGIN_PKG"
GOOS=wasip1 GOARCH=wasm $GO build "${WASM_FLAGS[@]}" -o "$BUILD/noop.go.wasm" ./bench/noop
# Both as make build ships them (docs/size.md): the data section compressed, restored by a start
# function when the module loads (names kept for the profiles). Start-up figures include it.
$GO build -o "$BUILD/wasmsize" ./tools/wasmsize
"$BUILD/wasmsize" -slim -o "$BUILD/plugin.wasm" "$BUILD/plugin.go.wasm"
"$BUILD/wasmsize" -slim -o "$BUILD/noop.wasm" "$BUILD/noop.go.wasm"
$GO build -o "$DRIVER" ./bench/driver
$GO build -o "$BUILD/cgprof" ./bench/cgprof
$GO run ./testdata/gen/largecatalog -tools 1000 -o "$BUILD/catalog-1000.yaml"
declare -A CATALOG=([60]=testdata/configs/large-catalog.yaml [1000]=$BUILD/catalog-1000.yaml)

# The runs: plugin.<exchange> for each exchange, noop.<exchange> for each no-op
# counterpart needed. A label is <wasm>.<scenario>.
LABELS=()
for ex in "${EXCHANGES[@]}"; do LABELS+=("plugin.$ex"); done
declare -A seen=()
for ex in "${EXCHANGES[@]}"; do
	nx=$(noop_of "$ex")
	[ -n "${seen[$nx]:-}" ] || LABELS+=("noop.$nx")
	seen[$nx]=1
done

# drive label n extra-flags...: the driver for one run (prefixed by $VALGRIND).
drive() {
	local name=${1%%.*} scenario=${1#*.} n=$2 expect=bridge
	shift 2
	[ "$name" = plugin ] || expect=noop
	${VALGRIND:-} "$DRIVER" -wasm "$BUILD/$name.wasm" -expect "$expect" -n "$n" -warmup "$WARMUP" \
		-align-gc -scenario "$scenario" -runtime "$RUNTIME" -cache "$CACHE" "$@"
}

# startup what: the driver starting the plugin without serving a request:
# what = vm (VM only) or a catalog size (plugin started with that catalog).
startup() {
	local what=$1
	shift
	if [ "$what" = vm ]; then
		${VALGRIND:-} "$DRIVER" -wasm "$BUILD/plugin.wasm" -startup vm -runtime "$RUNTIME" -cache "$CACHE" "$@"
	else
		${VALGRIND:-} "$DRIVER" -wasm "$BUILD/plugin.wasm" -startup plugin -config "${CATALOG[$what]}" \
			-env INVENTORY_API_KEY=bench-inventory-key-0001 -runtime "$RUNTIME" -cache "$CACHE" "$@"
	fi
}
STARTS=()
[ "$STARTUP" = 0 ] || STARTS=(1000 60 vm) # longest first

# Native sanity pass: every cycle checked; also fills the compilation cache, so
# the callgrind runs load machine code instead of compiling ~10 MB of wasm.
for what in "${STARTS[@]}"; do
	if ! startup "$what" >"$OUT/driver.startup.$what.check.txt" 2>&1; then
		echo "bench: start-up ($what) failed:" >&2
		cat "$OUT/driver.startup.$what.check.txt" >&2
		exit 1
	fi
done
for label in "${LABELS[@]}"; do
	if ! drive "$label" 3 -check >"$OUT/driver.$label.check.txt" 2>&1; then
		echo "bench: $label: the sanity pass failed:" >&2
		cat "$OUT/driver.$label.check.txt" >&2
		exit 1
	fi
done

# measure label run n: one callgrind run; writes run.<label>.<run> = "Ir requests".
measure() {
	local label=$1 run=$2 n=$3 extra=() t=$SECONDS
	[ "$RUNTIME" != compiler ] || extra=(-symbols "$OUT/sym.$label.$run")
	if ! GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off \
		VALGRIND="valgrind --tool=callgrind --callgrind-out-file=$OUT/callgrind.$label.$run.out --log-file=$OUT/valgrind.$label.$run.log" \
		drive "$label" "$n" -mem "${extra[@]}" >"$OUT/driver.$label.$run.txt" 2>&1; then
		echo "bench: $label ($run run, n=$n) failed:" >&2
		cat "$OUT/driver.$label.$run.txt" >&2
		touch "$OUT/failed.$label.$run"
		return 1
	fi
	echo "$(awk '/^totals:/ { print $2 }' "$OUT/callgrind.$label.$run.out") $(awk '/^ok:/ { print $2 }' "$OUT/driver.$label.$run.txt")" >"$OUT/run.$label.$run"
	printf 'bench: %-16s %-5s run: %s Ir, %s requests counted (%ds under callgrind)\n' \
		"$label" "$run" $(cat "$OUT/run.$label.$run") $((SECONDS - t))
}

# measure_startup what: one callgrind run of startup; writes run.startup.<what> = "Ir".
measure_startup() {
	local what=$1 t=$SECONDS extra=()
	[ "$RUNTIME" != compiler ] || extra=(-symbols "$OUT/sym.startup.$what")
	if ! GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off \
		VALGRIND="valgrind --tool=callgrind --callgrind-out-file=$OUT/callgrind.startup.$what.out --log-file=$OUT/valgrind.startup.$what.log" \
		startup "$what" "${extra[@]}" >"$OUT/driver.startup.$what.txt" 2>&1; then
		echo "bench: start-up ($what) failed:" >&2
		cat "$OUT/driver.startup.$what.txt" >&2
		touch "$OUT/failed.startup.$what"
		return 1
	fi
	awk '/^totals:/ { print $2 }' "$OUT/callgrind.startup.$what.out" >"$OUT/run.startup.$what"
	printf 'bench: %-16s start run: %s Ir (%ds under callgrind)\n' "startup.$what" "$(cat "$OUT/run.startup.$what")" $((SECONDS - t))
}

# BENCH_JOBS callgrind runs at a time, long runs first (callgrind counts do not
# depend on what else runs).
for what in "${STARTS[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
	measure_startup "$what" &
done
for run in long short; do
	for label in "${LABELS[@]}"; do
		n=${N[${label%%.*}]}
		[ "$run" = short ] || n=$((3 * n))
		while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
		measure "$label" "$run" "$n" &
	done
done
while [ "$(jobs -rp | wc -l)" -gt 0 ]; do wait -n || true; done
wait || true
if compgen -G "$OUT/failed.*" >/dev/null; then
	echo "bench: FAIL: $(cd "$OUT" && echo failed.* | sed 's/failed\.//g') failed (see above)" >&2
	exit 1
fi

declare -A I R P W
for label in "${LABELS[@]}"; do
	read -r I[$label.short] R[$label.short] <"$OUT/run.$label.short"
	read -r I[$label.long] R[$label.long] <"$OUT/run.$label.long"
	W[$label]=$((R[$label.long] - R[$label.short]))
	if [ "${W[$label]}" -le 0 ]; then
		echo "bench: $label: both runs ended at the same GC cycle; raise BENCH_N / BENCH_NOOP_N" >&2
		exit 1
	fi
	P[$label]=$(((I[$label.long] - I[$label.short]) / W[$label]))
	if [ "$RUNTIME" = compiler ]; then
		"$BUILD/cgprof" -window "${W[$label]}" -annotate "$OUT" \
			"$OUT/callgrind.$label.short.out" "$OUT/sym.$label.short" \
			"$OUT/callgrind.$label.long.out" "$OUT/sym.$label.long" >"$OUT/profile.$label.txt"
		mv "$OUT/callgrind.sym.out" "$OUT/callgrind.$label.long.sym.out"
	fi
done

# Where plugin start goes: the started run's profile less the VM-only run's.
if [ "${#STARTS[@]}" -gt 0 ] && [ "$RUNTIME" = compiler ]; then
	for what in 60 1000; do
		"$BUILD/cgprof" -window 1 \
			"$OUT/callgrind.startup.vm.out" "$OUT/sym.startup.vm" \
			"$OUT/callgrind.startup.$what.out" "$OUT/sym.startup.$what" >"$OUT/profile.startup.$what.txt"
	done
fi

split() { # label -> "wasm host" Ir per request, from the profile
	awk '/^per request:/ { print $8, $12 }' "$OUT/profile.$1.txt" 2>/dev/null || true
}
hostcalls() { # label -> total host calls per request
	awk '/^host calls/ { on = 1; next } on && NF == 0 { exit } on { s += $1 } END { printf "%.0f", s }' "$OUT/profile.$1.txt" 2>/dev/null || true
}
gccycles() { # label -> wasm GC cycles in the window
	local a b
	a=$(awk '/^wasm GC cycles/ { print $NF }' "$OUT/driver.$1.short.txt")
	b=$(awk '/^wasm GC cycles/ { print $NF }' "$OUT/driver.$1.long.txt")
	echo $((b - a))
}
mem() { # label -> "first KiB -> last KiB" from the long run's -mem lines
	awk '/^wasm memory after cycle/ { v[++n] = $(NF-1) " KiB after request " $5 } END { print v[1] ", " v[n] }' "$OUT/driver.$1.long.txt" | tr -d :
}
startcost() { echo $(($(cat "$OUT/run.startup.$1") - $(cat "$OUT/run.startup.vm"))); }
startmem() { awk '/^ok:/ { print $(NF-1) }' "$OUT/driver.startup.$1.txt"; }
commas() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
over() { awk -v r="$1" -v m="$2" 'BEGIN { exit !(r > m) }'; }

declare -A RATIO
for ex in "${EXCHANGES[@]}"; do RATIO[$ex]=$(ratio "${P[plugin.$ex]}" "${P[noop.$(noop_of "$ex")]}"); done
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- plugin pkg internal bench go.mod go.sum 2>/dev/null || echo +dirty)"
{
	echo "mcp-rest-bridge bench: instructions (callgrind Ir) per MCP exchange, plugin vs no-op wrapper plugin"
	echo "$(date -u +%FT%TZ)  commit $commit  $($GO version | cut -d' ' -f3)  $(valgrind --version)"
	echo "exchanges (bench/config.json, bench/driver/scenario.go): tools/call with a path arg, a query arg and an"
	echo "  upstream credential, 1 KiB JSON response; tools/list of the config's tools; wazero $RUNTIME;"
	echo "  GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off"
	echo "per request = (I(long) - I(short)) / (requests counted more); short run N, long run 3N requests"
	echo "  after $WARMUP warm-up, both extended to the end of a GC cycle of the plugin; host (driver) GC off"
	echo
	printf '%-52s %6s %10s %10s %7s %s\n' exchange budget "plugin" "noop" ratio ""
	for ex in "${EXCHANGES[@]}"; do
		nl=noop.$(noop_of "$ex")
		verdict=ok
		! over "${RATIO[$ex]}" "${BUDGET[$ex]}" || verdict="OVER BUDGET"
		printf '%-52s %5sx %10s %10s %6sx %s\n' "${TITLE[$ex]}" "${BUDGET[$ex]}" "${P[plugin.$ex]}" "${P[$nl]}" "${RATIO[$ex]}" "$verdict"
	done
	echo "(plugin, noop: Ir per request; the noop column is the no-op's run of the same client exchange)"
	echo
	printf '%-16s %9s %13s %13s %6s %3s %10s %10s %10s %5s\n' run "wasm B" "I(short)" "I(long)" window GCs "per req" "wasm code" "host side" calls
	for label in "${LABELS[@]}"; do
		read -r g h < <(split "$label"; echo)
		printf '%-16s %9s %13s %13s %6s %3s %10s %10s %10s %5s\n' "$label" "$(stat -c %s "$BUILD/${label%%.*}.wasm")" \
			"${I[$label.short]}" "${I[$label.long]}" "${W[$label]}" "$(gccycles "$label")" "${P[$label]}" \
			"${g:--}" "${h:--}" "$(hostcalls "$label")"
	done
	echo "window = requests in the difference; GCs = plugin GC cycles in it; wasm code = JIT-compiled"
	echo "guest code; host side = proxytest emulator + wazero glue; calls = host calls per request"
	echo
	echo "wasm linear memory of the plugin (KiB; -mem) after the first and the last counted request of the long run:"
	for ex in "${EXCHANGES[@]}"; do
		printf '  %-52s %s\n' "${TITLE[$ex]}" "$(mem "plugin.$ex")"
	done
	if [ "${#STARTS[@]}" -gt 0 ]; then
		echo
		echo "plugin start (proxy_on_configure) = I(started with the catalog) - I(VM started only, $(cat "$OUT/run.startup.vm") Ir):"
		for what in 60 1000; do
			printf '  %5s tools (%s): %13s Ir, wasm memory after start %s KiB (VM only: %s KiB)\n' "$what" "${CATALOG[$what]}" \
				"$(startcost "$what")" "$(startmem "$what")" "$(startmem vm)"
		done
		echo "  1000 / 60 tools: $(ratio "$(startcost 1000)" "$(startcost 60)")x the instructions"
		if [ -f "$OUT/profile.startup.1000.txt" ]; then
			echo
			echo "plugin start with 1,000 tools (full: $OUT/profile.startup.{60,1000}.txt; \"per request\" = per start):"
			awk '/^top functions/ { n = 0 } { print } /^top functions/ { on = 1 } on && ++n > 15 { exit }' "$OUT/profile.startup.1000.txt"
		fi
	fi
	first=plugin.${EXCHANGES[0]}
	if [ -f "$OUT/profile.$first.txt" ]; then
		echo
		echo "$first, per request (full: $OUT/profile.<run>.txt for every run above):"
		awk '/^top functions/ { n = 0 } { print } /^top functions/ { on = 1 } on && ++n > 20 { exit }' "$OUT/profile.$first.txt"
	fi
} | tee "$OUT/results.txt"

# The README's Performance rows (the coordinator pastes them from one run on main).
{
	echo "| exchange | instructions per request, plugin / no-op | budget |"
	echo "|---|---|---|"
	for ex in "${EXCHANGES[@]}"; do
		nl=noop.$(noop_of "$ex")
		printf '| %s | **%sx** (%s / %s) | %sx |\n' "${TITLE[$ex]}" "${RATIO[$ex]}" \
			"$(commas "${P[plugin.$ex]}")" "$(commas "${P[$nl]}")" "${BUDGET[$ex]}"
	done
	size=$(stat -c %s "$BUILD/plugin.wasm")
	printf '| `.wasm` size | %s MB (%s bytes) | 11 MB |\n' "$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1e6 }')" "$size"
	if [ "${#STARTS[@]}" -gt 0 ]; then
		printf '| plugin start, 1,000 tools (60 tools) | %s instructions (%s), wasm memory %s MiB (%s MiB) | – |\n' \
			"$(commas "$(startcost 1000)")" "$(commas "$(startcost 60)")" \
			"$(awk -v k="$(startmem 1000)" 'BEGIN { printf "%.1f", k / 1024 }')" "$(awk -v k="$(startmem 60)" 'BEGIN { printf "%.1f", k / 1024 }')"
	fi
	echo
	echo "(\`make bench\`, commit $commit, $(date -u +%F); per-request instructions under callgrind, see [docs/benchmark.md](docs/benchmark.md))"
} >"$OUT/readme-table.md"
echo "bench: wrote $OUT/results.txt and $OUT/readme-table.md in $((SECONDS - start))s"

if [ -n "${BENCH_MAX_RATIO:-}" ]; then
	fail=0
	for ex in "${EXCHANGES[@]}"; do
		max=$BENCH_MAX_RATIO
		[ "$max" != budget ] || max=${BUDGET[$ex]}
		if over "${RATIO[$ex]}" "$max"; then
			echo "bench: FAIL: $ex: ratio ${RATIO[$ex]}x exceeds ${max}x (BENCH_MAX_RATIO=$BENCH_MAX_RATIO)" >&2
			fail=1
		fi
	done
	exit $fail
fi
