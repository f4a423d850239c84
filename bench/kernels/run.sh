#!/usr/bin/env bash
# bench/kernels/run.sh: instructions per byte of the per-byte kernels of the response path
# (JSON escaping, the nesting count, the redaction scan) next to a copy of the same bytes, in
# Wasm: a guest module built like the plugin runs each kernel n times over a 1 KiB body in
# wazero's compiler, under callgrind; per call = (I(3n) - I(n)) / 2n, so module load and
# compilation cancel. Counts are exact and do not depend on machine load.
#
#   bench/kernels/run.sh [kernel...]     # default: copy escape deeper redact, on json text cjk
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=build/bench/kernels
N=${KERNELS_N:-2000}
mkdir -p "$OUT"
GOOS=wasip1 GOARCH=wasm go build -trimpath -o "$OUT/guest.wasm" ./bench/kernels/guest
go build -o "$OUT/kernels" ./bench/kernels
"$OUT/kernels" "$OUT/guest.wasm" "$OUT/cache" none 1 >/dev/null # fill the compilation cache

count() { # kernel n body
	GOGC=off GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind \
		--callgrind-out-file="$OUT/callgrind.$1.$3.$2.out" --log-file="$OUT/valgrind.log" \
		"$OUT/kernels" "$OUT/guest.wasm" "$OUT/cache" "$1" "$2" "$3" >/dev/null
	awk '/^totals:/ { print $2 }' "$OUT/callgrind.$1.$3.$2.out"
}

kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(copy escape deeper redact)
printf '%-8s %-5s %12s %10s\n' kernel body "Ir per call" "Ir/byte"
for k in "${kernels[@]}"; do
	for body in json text cjk; do
		a=$(count "$k" "$N" "$body")
		b=$(count "$k" $((3 * N)) "$body")
		per=$(((b - a) / (2 * N)))
		size=1024
		[ "$body" != cjk ] || size=1032
		printf '%-8s %-5s %12d %10s\n' "$k" "$body" "$per" "$(awk -v p="$per" -v s="$size" 'BEGIN { printf "%.1f", p / s }')"
	done
done
