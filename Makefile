# The two commands of the README:
#   make example   installs what is missing, builds in release mode, runs the built-in example
#   make test      installs what is missing, runs the whole test suite (release build), then the notebooks in
#                  their small mode (scripts/notebooks.sh --small)
#   make fuzz      runs 5000 mutated run files through sgdfp solve and 500 damaged data and HDF5 inputs (a tenth of each in make test)
#   make notebooks regenerates the notebooks' data and the figures in notebooks-data/figures/ (a few minutes)
SWIFT ?= swift
PYTHON_ENV := $(CURDIR)/.venv/bin/python

.PHONY: example test test-long fuzz deps python-env build bench clean notebooks notebooks-small

deps:
	@scripts/install-deps.sh

python-env:
	@scripts/python-env.sh >/dev/null

build: deps
	$(SWIFT) build -c release --product sgdfp

example: build
	.build/release/sgdfp solve --overwrite

TEST_FLAGS := -c release -Xswiftc -enable-testing

# One build of the tool and the tests (the tool's tests run the binary), then the tests without rebuilding.
test: deps python-env
	$(SWIFT) build $(TEST_FLAGS) --build-tests
	SGDFP_PYTHON=$(PYTHON_ENV) SGDFP_BINARY=$(CURDIR)/.build/release/sgdfp \
	  $(SWIFT) test $(TEST_FLAGS) --skip-build
	scripts/notebooks.sh --small --binary $(CURDIR)/.build/release/sgdfp

notebooks: build python-env
	scripts/notebooks.sh --binary $(CURDIR)/.build/release/sgdfp

notebooks-small: build python-env
	scripts/notebooks.sh --small --binary $(CURDIR)/.build/release/sgdfp

bench: build
	.build/release/sgdfp bench

clean:
	rm -rf .build

test-long: deps python-env
	$(SWIFT) build $(TEST_FLAGS) --build-tests
	SGDFP_LONG_TESTS=1 SGDFP_PYTHON=$(PYTHON_ENV) SGDFP_BINARY=$(CURDIR)/.build/release/sgdfp \
	  $(SWIFT) test $(TEST_FLAGS) --skip-build --filter 'LongOracleTests|LongAdaptedFrameTests|constantNoiseInFourDimensionsAt48'

fuzz: deps python-env
	$(SWIFT) build $(TEST_FLAGS) --build-tests
	SGDFP_FUZZ_CASES=$${SGDFP_FUZZ_CASES:-5000} SGDFP_BINARY=$(CURDIR)/.build/release/sgdfp \
	  $(SWIFT) test $(TEST_FLAGS) --skip-build --filter FuzzTests
