# xigao — two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared

.PHONY: setup browser java demo test lint bench bench-scale bench-spark clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch first, pinned to the local CPU build: anything else would pull a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --no-cache-dir torch==2.13.0
	$(BIN)/pip install -q --no-cache-dir -e '.[embed,serve,dev,spark]'
	touch $@

setup: $(VENV)/.installed browser java

# A headless Java runtime for the Spark engine (--engine spark), where none is found (Debian
# package; needs root). Without one the Spark tests are skipped with a reason.
java:
	@command -v java >/dev/null 2>&1 || test -x "$$JAVA_HOME/bin/java" || { \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null) \
	  || echo "warning: could not install Java (apt-get install openjdk-17-jre-headless, or set JAVA_HOME); --engine spark and its tests need it"; }

# Headless Chromium and CJK fonts for the report's browser test (Debian packages; needs root).
# Without them the browser test is skipped with a reason, everything else still runs.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	  || echo "warning: could not install chromium; the browser test will be skipped"; }

# The main job on the bundled demo data: index the originals, scan the dump (which holds two
# deliberately bad records, so scan exits 1 and they land in errors.jsonl), print a summary.
demo: setup
	@mkdir -p demo-out
	$(BIN)/xigao index build corpora/originals.jsonl --index demo-out/index --overwrite
	-$(BIN)/xigao scan corpora/demo_dump.jsonl --index demo-out/index \
		--output demo-out/results.jsonl --errors demo-out/errors.jsonl --html demo-out/report
	-$(BIN)/xigao dedup corpora/originals.jsonl corpora/demo_dump.jsonl --output demo-out/clusters.jsonl \
		--errors demo-out/dedup-errors.jsonl --html demo-out/clusters -q
	$(BIN)/python corpora/demo_summary.py demo-out/results.jsonl corpora/demo_dump.jsonl demo-out/errors.jsonl demo-out/clusters.jsonl
	@echo "results: demo-out/results.jsonl  errors: demo-out/errors.jsonl  report: demo-out/report/index.html"
	@echo "clusters: demo-out/clusters.jsonl  clusters report: demo-out/clusters/index.html"

lint: setup
	$(BIN)/ruff check src tests benchmarks corpora
	$(BIN)/ruff format --check src tests benchmarks corpora
	$(BIN)/mypy

test: setup lint
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python -m benchmarks.run --shared $(SHARED) --out docs/benchmarks.md

# The scaling curve, 10k to 1M originals (about an hour and a half): docs/scaling.md.
bench-scale: setup
	@test -f bench-out/cases/main/test/cases.jsonl || $(BIN)/python -m benchmarks.cases --shared $(SHARED)
	$(BIN)/python -m benchmarks.scale --shared $(SHARED) --sizes 10000,100000,300000,1000000 \
		--naive-max 100000 \
		--out docs/scaling.md

# The Spark engine (local[2]) beside the local one at 100,000 originals with a plan for 100M,
# and its answers against the local engine's on the bench harness's cases (needs `make bench`'s
# cases and index first): both sections of docs/scaling.md.
bench-spark: setup
	@test -f bench-out/cases/main/test/cases.jsonl || $(BIN)/python -m benchmarks.cases --shared $(SHARED)
	$(BIN)/python -m benchmarks.spark_scale --shared $(SHARED) --size 100000 --out docs/scaling.md
	$(BIN)/python -m benchmarks.spark_parity --out docs/scaling.md

clean:
	rm -rf $(VENV) demo-out .pytest_cache .mypy_cache .ruff_cache
