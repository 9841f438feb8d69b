# douyin — the Douyin client's backend, built the CloudWeGo way.
# `make help` lists the targets.
GO       ?= go
MODULE   := github.com/douyin-go/douyin
SERVICES := user video interaction message
BINARIES := douyin gateway $(SERVICES) devservers
LINT     := $(GO) tool -modfile=tools/lint/go.mod golangci-lint

.DEFAULT_GOAL := help
.PHONY: help all gen gen-check build run test test-unit test-race lint bench fuzz loadtest wsload screenshots chromium ffmpeg jaeger run-jaeger clean

## help: list the targets
help:
	@awk -F': ' '/^## /{sub(/^## /,""); split($$0,a,": "); printf "  %-12s %s\n", a[1], substr($$0, length(a[1])+3)}' $(MAKEFILE_LIST)

## all: lint and build
all: lint build

## run: the whole system in one process (embedded default), API on DOUYIN_HTTP_ADDR (:8080)
run: ffmpeg
	$(GO) run ./cmd/douyin

## test: every test; uses real MariaDB/Redis when DOUYIN_TEST_MYSQL_DSN / DOUYIN_TEST_REDIS_ADDR are set
test: ffmpeg
	$(GO) test -count=1 -timeout 20m ./...

## test-unit: the quick tier (-short): no whole system, no separate processes
test-unit:
	$(GO) test -short -count=1 ./...

## test-race: every test under the race detector
test-race: ffmpeg
	$(GO) test -count=1 -race -timeout 30m ./...

## lint: golangci-lint (gofmt, goimports, vet, staticcheck, errcheck, …; pinned in tools/lint)
lint:
	$(LINT) run ./...

# FUZZ_TARGETS are package:FuzzTarget pairs; `make test` runs their seed
# corpora (and testdata/fuzz regressions) like any test.
FUZZ_TARGETS := ./cmd/gateway/handler:FuzzParams ./cmd/gateway/handler:FuzzFormReader ./cmd/gateway/auth:FuzzVerify \
	./pkg/apitime:FuzzMillis ./pkg/mediakey:FuzzIsPublished ./pkg/telemetry:FuzzRedact ./pkg/moderation:FuzzMask
FUZZTIME ?= 30s

## fuzz: run every fuzz target for FUZZTIME each (default 30s); new failures land in testdata/fuzz
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; echo "fuzz $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

## bench: Go benchmarks
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## loadtest: load benchmark of the hot routes (embedded, BASE=url, or ARGS="-distributed -mysql-dsn … -redis-addr …"); ARGS="-scale -ws -out file" etc.
loadtest: ffmpeg build
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) || \
		(echo "loadtest needs wrk: apt-get install -y wrk" && exit 1)
	$(GO) run ./cmd/loadtest $(if $(BASE),-base $(BASE)) $(ARGS)

## wsload: live chat load (1,000 WebSockets, 200 messages/s) on the embedded system, or BASE=url; ARGS="-conns N -rate R -duration D"
wsload:
	$(GO) run ./test/load/cmd/wsload $(if $(BASE),-base $(BASE)) $(ARGS)

## screenshots: every screen of the web client, phone and desktop, into docs/screenshots (needs chromium)
screenshots: ffmpeg chromium
	DOUYIN_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots DOUYIN_TEST_BROWSER=1 $(GO) test -count=1 -run '^TestScreenshots$$' ./test/browser

## chromium: make sure Debian's chromium is installed (the browser tests drive it)
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
		(echo "the browser tests need chromium: apt-get install -y chromium" && exit 1)

## build: one binary per command into bin/
build:
	@mkdir -p bin
	$(GO) build -o bin/ $(addprefix ./cmd/,$(BINARIES))

## gen: regenerate kitex_gen/ from idl/ with the kitex pinned in go.mod
gen:
	@for s in $(SERVICES); do $(GO) tool kitex -module $(MODULE) idl/$$s.thrift || exit 1; done

## gen-check: fail if kitex_gen/ is not what `make gen` produces
gen-check: gen
	@git diff --exit-code --stat -- kitex_gen || (echo "kitex_gen/ is stale: run make gen and commit" && exit 1)
	@test -z "$$(git status --porcelain -- kitex_gen)" || (git status --porcelain -- kitex_gen; echo "make gen created untracked files" && exit 1)

## jaeger: build a real Jaeger v2 into bin/jaeger from tools/jaeger (~7 min cold, seconds warm); test/trace checks traces in it
jaeger:
	@mkdir -p bin
	cd tools/jaeger && $(GO) build -o ../../bin/jaeger github.com/jaegertracing/jaeger/cmd/jaeger

## run-jaeger: run Jaeger locally without Docker: OTLP on :4317/:4318, UI and query API on http://localhost:16686
run-jaeger: jaeger
	bin/jaeger

## ffmpeg: make sure ffmpeg/ffprobe are installed (installs them with apt-get where possible)
ffmpeg:
	@scripts/ensure-ffmpeg.sh

## clean: remove built binaries
clean:
	rm -rf bin
