# Thin targets; CI runs .ci/run.
GO ?= go

.PHONY: build test race fuzz bench docs ci clean

build:
	$(GO) build -o bounce ./cmd/bounce

test:
	$(GO) test ./...

race:
	$(GO) test -race ./...

fuzz:
	scripts/fuzz.sh $${FUZZTIME:-5m}

bench:
	scripts/bench.sh

docs:
	$(GO) run ./cmd/gen-docs

ci:
	.ci/run

clean:
	rm -f bounce
