# stigscan — build, test and compare with the reference tools.
GO      ?= go
BIN     ?= bin/stigscan
PKGS    ?= ./...

.PHONY: build test vet tidy-check fuzz bench info clean conformance

build:
	$(GO) build -o $(BIN) ./cmd/stigscan

# The one command that runs the tests (CI runs exactly this, via .ci/run).
test: vet tidy-check
	$(GO) test -race -count=1 $(PKGS)

vet:
	$(GO) vet $(PKGS)

# go.mod and go.sum must already be tidy.
tidy-check:
	@cp go.mod /tmp/stigscan-go.mod.bak; cp go.sum /tmp/stigscan-go.sum.bak
	@$(GO) mod tidy
	@if ! cmp -s go.mod /tmp/stigscan-go.mod.bak || ! cmp -s go.sum /tmp/stigscan-go.sum.bak; then \
		cp /tmp/stigscan-go.mod.bak go.mod; cp /tmp/stigscan-go.sum.bak go.sum; \
		echo "go.mod/go.sum are not tidy: run 'go mod tidy' and commit"; exit 1; fi

# Fuzz the content parser (FUZZTIME=5m for a long run).
FUZZTIME ?= 60s
fuzz:
	$(GO) test ./xccdf/ -run '^$$' -fuzz FuzzOpen -fuzztime $(FUZZTIME)

# Speed of content loading, side by side with oscap (see docs/benchmarks.md).
bench: build
	$(GO) test ./xccdf/ -run '^$$' -bench . -benchmem -count 5
	scripts/bench-info.sh

info: build
	$(BIN) info

clean:
	rm -rf bin

# Conformance with OpenSCAP on a Debian 11 root (debootstrap; see docs/conformance.md).
conformance:
	scripts/conformance.sh
