# opsdeck: the two commands are `make run` and `make test`.
BUILD_DIR ?= build
CONFIG    ?= examples/opsdeck.yaml
JOBS      ?= $(shell nproc)

.PHONY: all setup configure build run test test-unit test-integration test-e2e bench clean

all: build

setup:
	@bash scripts/setup.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: setup build
	./$(BUILD_DIR)/opsdeck serve --config $(CONFIG)

# Everything CI runs: unit tests, the store suite on SQLite and on a throwaway
# PostgreSQL, integration tests over real sockets, browser tests.
test: setup build
	@bash scripts/test.sh

bench: setup build
	@bash bench/http.sh
	@bash bench/intake.sh
	@bash bench/notify.sh
	@bash bench/probes.sh

clean:
	rm -rf $(BUILD_DIR)
