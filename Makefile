# douyin — the Douyin client's backend, built the CloudWeGo way.
GO       ?= go
MODULE   := github.com/douyin-go/douyin
SERVICES := user video interaction message
BINARIES := douyin gateway $(SERVICES) devservers

.PHONY: all gen gen-check build run test test-race lint bench ffmpeg clean

all: lint build

## gen: regenerate kitex_gen/ from idl/ with the kitex pinned in go.mod
gen:
	@for s in $(SERVICES); do $(GO) tool kitex -module $(MODULE) idl/$$s.thrift || exit 1; done

## gen-check: fail if kitex_gen/ is not what `make gen` produces
gen-check: gen
	@git diff --exit-code --stat -- kitex_gen || (echo "kitex_gen/ is stale: run make gen and commit" && exit 1)
	@test -z "$$(git status --porcelain -- kitex_gen)" || (git status --porcelain -- kitex_gen; echo "make gen created untracked files" && exit 1)

## build: one binary per command into bin/
build:
	@mkdir -p bin
	$(GO) build -o bin/ $(addprefix ./cmd/,$(BINARIES))

## run: the whole system in one process (embedded default), API on $$DOUYIN_HTTP_ADDR (:8080)
run: ffmpeg
	$(GO) run ./cmd/douyin

## test: every test; uses real MariaDB/Redis when DOUYIN_TEST_MYSQL_DSN / DOUYIN_TEST_REDIS_ADDR are set
test: ffmpeg
	$(GO) test -count=1 -timeout 20m ./...

test-race: ffmpeg
	$(GO) test -count=1 -race -timeout 30m ./...

## lint: gofmt and go vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^kitex_gen/')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## bench: Go benchmarks
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## ffmpeg: make sure ffmpeg/ffprobe are installed (installs them with apt-get where possible)
ffmpeg:
	@scripts/ensure-ffmpeg.sh

clean:
	rm -rf bin
