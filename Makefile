# Margin. `make run` serves the app at http://localhost:8080; `make test`
# runs every test. Nothing here installs anything outside the repository
# except Go modules in Go's own cache.

GO      ?= go
ADDR    ?= localhost:8080
DATA    ?= ./data
FLAGS   := -trimpath -ldflags="-s -w"
WASMENV := GOOS=js GOARCH=wasm

# Everything either binary is built from.
GO_SOURCES := $(shell find app cmd assets web -name '*.go' -not -path '*/testdata/*') go.mod go.sum
SERVED     := $(shell find web assets -type f -not -name '*.go' -not -name '*.wasm' -not -name '*.br' -not -name '*.gz' -not -name '*.sums')

.PHONY: all run build wasm test vet fuzz bench clean

all: build

## run: build everything and serve the app on $(ADDR)
run: build
	./bin/margin serve --addr $(ADDR) --data $(DATA)

## build: the server binary at bin/margin, with the app inside
build: bin/margin

## wasm: the browser app at web/app.wasm, the converter at web/convert.wasm, and their compressed copies
wasm: web/app.wasm.br web/convert.wasm.br

web/app.wasm: $(GO_SOURCES)
	$(WASMENV) $(GO) build $(FLAGS) -o web/app.wasm ./cmd/margin

web/app.wasm.br: web/app.wasm
	$(GO) run ./cmd/internal/precompress web/app.wasm

# The module that converts pasted text and files, loaded on first use.
web/convert.wasm: $(GO_SOURCES)
	$(WASMENV) $(GO) build $(FLAGS) -tags convert -o web/convert.wasm ./cmd/convert

web/convert.wasm.br: web/convert.wasm
	$(GO) run ./cmd/internal/precompress web/convert.wasm

bin/margin: web/app.wasm.br web/convert.wasm.br $(GO_SOURCES) $(SERVED)
	$(GO) build $(FLAGS) -o bin/margin ./cmd/margin

## vet: gofmt and go vet, natively and for the browser
vet:
	@test -z "$$(gofmt -l app cmd assets web)" || { gofmt -l app cmd assets web; echo "gofmt: the files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(WASMENV) $(GO) vet ./app/... ./cmd/margin

## test: every test, browser tests included (they need Chromium; see README)
test: build vet
	MARGIN_BIN=$(CURDIR)/bin/margin $(GO) test -count=1 ./...

## fuzz: run each fuzz target for a while (FUZZTIME, default 30s)
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzFromHTML$$' -fuzztime=$(FUZZTIME) ./app/article
	$(GO) test -run='^$$' -fuzz='^FuzzFromMarkdown$$' -fuzztime=$(FUZZTIME) ./app/article
	$(GO) test -run='^$$' -fuzz='^FuzzFromText$$' -fuzztime=$(FUZZTIME) ./app/article
	$(GO) test -run='^$$' -fuzz='^FuzzResolve$$' -fuzztime=$(FUZZTIME) ./app/anchor
	$(GO) test -run='^$$' -fuzz='^FuzzSearch$$' -fuzztime=$(FUZZTIME) ./app/anchor
	$(GO) test -run='^$$' -fuzz='^FuzzFromW3C$$' -fuzztime=$(FUZZTIME) ./app/annotation
	$(GO) test -run='^$$' -fuzz='^FuzzHTML$$' -fuzztime=$(FUZZTIME) ./app/note
	$(GO) test -run='^$$' -fuzz='^FuzzPush$$' -fuzztime=$(FUZZTIME) ./app/sync
	$(GO) test -run='^$$' -fuzz='^FuzzExtract$$' -fuzztime=$(FUZZTIME) ./cmd/internal/extract
	$(GO) test -run='^$$' -fuzz='^FuzzTokenHash$$' -fuzztime=$(FUZZTIME) ./cmd/internal/account
	$(GO) test -run='^$$' -fuzz='^FuzzBearerSecret$$' -fuzztime=$(FUZZTIME) ./cmd/internal/server

## bench: the performance figures, against references built in the same run
bench: build
	cd cmd/internal/bench/readability && npm ci --no-audit --no-fund
	MARGIN_BIN=$(CURDIR)/bin/margin $(GO) run ./cmd/internal/bench

clean:
	rm -rf bin web/app.wasm web/convert.wasm web/*.br web/*.gz web/*.sums .bench
