# beibeimap — the two commands a newcomer needs are `make run` and `make test`.
# Both work on a fresh Debian machine after a clone (as root, or with sudo for
# the test dependencies): make fetches Go modules and npm packages itself,
# and `make test` installs the real clients it tests against (.ci/deps).

GO      ?= go
ADDR    ?= 127.0.0.1:8080
BIN     := bin/beibeimap
WEBDIST := web/dist/index.html

.PHONY: run build web data check test test-go test-e2e fuzz fuzz-address deps bench bench-http bench-ogc bench-tiles bench-downloads loadtest bench-scale fmt vet clean

## run: serve the embedded default data on http://$(ADDR)
run: web
	$(GO) run ./cmd/beibeimap serve --addr $(ADDR)

## build: the pure-Go server binary (no C library needed)
build: web
	$(GO) build -o $(BIN) ./cmd/beibeimap

## web: install the front end's npm packages and bundle the map page into web/dist
web: $(WEBDIST)

$(WEBDIST): web/package.json web/package-lock.json $(shell find web/src -type f 2>/dev/null) $(wildcard web/build.mjs)
	cd web && npm ci --no-audit --no-fund && npm run build

## data: rebuild every served layer from data/sources (needs GEOS: libgeos-dev)
data:
	bash .ci/deps geos
	$(GO) run -tags geos ./cmd/beibeimap data build

## check: validate the embedded dataset
check:
	bash .ci/deps geos
	$(GO) run -tags geos ./cmd/beibeimap data check

## deps: install the test dependencies (GEOS, GDAL, QGIS, Chromium, wrk)
deps:
	bash .ci/deps

## test: every test — Go unit, golden, GDAL and QGIS client tests, the browser tests, then every fuzz target
test: deps web test-go test-e2e fuzz

test-go:
	BEIBEIMAP_REQUIRE_CLIENTS=1 $(GO) test -tags geos -count=1 ./...

## fuzz-address: the address parser and the batch/CSV readers, FUZZTIME (20s) each
fuzz-address: web
	$(GO) test ./geo/address -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./geo -run '^$$' -fuzz '^FuzzLocateAddress$$' -fuzztime $(FUZZTIME)
	$(GO) test ./server -run '^$$' -fuzz '^FuzzGeocodeCSV$$' -fuzztime $(FUZZTIME)
	$(GO) test ./server -run '^$$' -fuzz '^FuzzGeocodeJSON$$' -fuzztime $(FUZZTIME)

test-e2e: $(BIN)-e2e
	cd web && BEIBEIMAP_BIN=$(CURDIR)/$(BIN)-e2e node --test --test-concurrency=1 e2e/

## fuzz: every native Fuzz target of every package, each for FUZZTIME (20s) (.ci/fuzz)
FUZZTIME ?= 20s
fuzz: web
	GO=$(GO) FUZZTIME=$(FUZZTIME) bash .ci/fuzz

$(BIN)-e2e: web FORCE
	$(GO) build -o $@ ./cmd/beibeimap

FORCE:

## bench: Go benchmarks of the spatial core (ratios against brute force in the same run)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./geo/...

## bench-http: /lookup under load against a bare net/http baseline, with start-up time and memory
bench-http: web
	bash .ci/loadbench

## bench-ogc: OGC items and CQL2 queries under load against the same baseline
bench-ogc: web
	bash .ci/loadbench-ogc

## bench-tiles: cold tile latency per zoom and cached tiles against the same baseline
bench-tiles: web
	bash .ci/bench-tiles

## bench-downloads: time and peak RSS of the whole-dataset GeoPackage and QGIS project downloads (peak ≤ 2× idle)
bench-downloads: web
	bash .ci/bench-downloads

## loadtest: 60 s of mixed load (lookups, batches, items, tiles, page assets) with throughput, p50/p99 per route, errors and RSS
loadtest: web
	bash .ci/loadtest

## bench-scale: two replicas behind nginx (deploy/nginx.conf) under load: req/s per core, memory per replica
bench-scale: web
	bash .ci/loadbench-scale

fmt:
	gofmt -l -w $$(git ls-files '*.go')

vet:
	$(GO) vet -tags geos ./...

clean:
	rm -rf bin web/node_modules web/e2e/output
	find web/dist -type f ! -name README.txt -delete
