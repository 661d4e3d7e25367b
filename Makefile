# stigscan — build, test and compare with the reference tools.
GO      ?= go
BIN     ?= bin/stigscan
PKGS    ?= ./...

.PHONY: build test vet tidy-check fuzz bench info clean conformance

build:
	$(GO) build -o $(BIN) ./cmd/stigscan

# The one command that runs the tests (CI runs exactly this, via .ci/run).
# TEST_TIMEOUT bounds each package's test binary, so a hang ends with every
# goroutine's stack well inside CI's 90 minutes instead of at go test's
# default 10 minutes, which the slowest packages come near on a loaded 2-core
# machine. TEST_P is how many packages run at once (go test -p; default:
# the number of CPUs); TEST_P=1 on a machine that is busy with other work.
TEST_TIMEOUT ?= 45m
TEST_P       ?=
test: vet tidy-check
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) $(if $(TEST_P),-p $(TEST_P)) $(PKGS)

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
