# The pipeline: install → types → build → validate → check → package → deploy.
# With no AWS target chosen, package/deploy/destroy/stackset go to the local emulator (moto server
# on 127.0.0.1). TARGET=aws uses your real AWS credentials (see README).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV        := .venv
# checkov pins an older boto3 than the project: it gets a venv of its own (requirements-checkov.txt).
VENV_CHECKOV := .venv-checkov
NODE_BIN    := node_modules/.bin
TSX         := $(NODE_BIN)/tsx
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/$(NODE_BIN):$(PATH)

ENV         ?= dev
TARGET      ?= local
EMULATOR_HOST ?= 127.0.0.1
EMULATOR_PORT ?= 5000
export TARGET EMULATOR_HOST EMULATOR_PORT

.PHONY: help all install types generate typecheck build validate lint check diff package deploy destroy refactor \
        local-up local-down stackset stackset-plan stackset-drift stackset-stop test bench clean actionlint lint-workflows lint-python format guard

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

all: install build validate check local-up deploy ## Main job: build, validate and check every template, deploy to the local emulator

install: node_modules/.installed $(VENV)/.installed $(VENV_CHECKOV)/.installed ## npm ci + Python venvs (cfn-lint, moto, awscli, parliament; checkov) from pinned versions

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV_CHECKOV)/.installed: requirements-checkov.txt
	python3 -m venv $(VENV_CHECKOV)
	$(VENV_CHECKOV)/bin/pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	@touch $@

types: node_modules/.installed ## Regenerate templates-src/spec-types from the AWS resource specification
	$(TSX) scripts/gen-types.ts

generate: install ## Every generated file: spec types, generated/, handler permissions, emulator coverage, docs counts and tables
	$(TSX) scripts/generate.ts

typecheck: node_modules/.installed ## tsc --noEmit over sources, scripts and tests
	$(NODE_BIN)/tsc -p .

build: node_modules/.installed ## Render every template and parameter file into generated/
	$(TSX) scripts/build.ts

validate: install ## ajv schema validation + cross-stack integrity + cfn-lint + deployability checks + parliament/checkov over generated/
	$(TSX) scripts/validate.ts
	$(TSX) scripts/validate.ts --dir generated/standalone
	$(TSX) scripts/validate.ts --dir generated/stacksets
	$(TSX) scripts/scan.ts
	$(TSX) scripts/stackset.ts check --all

check: node_modules/.installed ## PCI DSS rules, segmentation proof, diagrams, evidence bundle; VERIFY=<dir> [COMMIT=<ref>] checks a bundle instead
	$(TSX) scripts/check.ts $(if $(VERIFY),--verify $(VERIFY) $(if $(COMMIT),--commit $(COMMIT)))

diff: install ## Semantic diff of generated/ against BASE (git ref) or STACK (deployed); data-loss gate; FORMAT=text|markdown|json
	@$(TSX) scripts/diff.ts

package: install ## Upload nested templates to the artifact bucket (content-addressed); packaged root in build/
	$(TSX) scripts/package.ts

deploy: install ## DR vault, then the packaged root: nested change set + data-loss gate (ALLOW_REPLACE=…), aws cloudformation deploy, ENV=dev|staging|prod
	$(TSX) scripts/deploy.ts --env $(ENV)

destroy: install ## Delete the stacks of ENV (checks first what would refuse; asks; prod needs CONFIRM=prod; DELETE_RETAINED=1 not for prod)
	$(TSX) scripts/destroy.ts --env $(ENV)

refactor: install ## Stack refactor for renamed/moved stateful resources of ENV: shows the plan; APPLY=1 runs it
	$(TSX) scripts/refactor.ts --env $(ENV)

local-up: $(VENV)/.installed ## Start the local AWS emulator (moto server) on $(EMULATOR_HOST):$(EMULATOR_PORT)
	bash scripts/emulator/emulator.sh up

local-down: ## Stop the local AWS emulator
	bash scripts/emulator/emulator.sh down

stackset: install ## Roll out MANIFEST as a StackSet (create/update stack set, reconcile instances)
	$(TSX) scripts/stackset.ts apply --manifest $(MANIFEST)

stackset-plan: install ## What `make stackset` would change for MANIFEST, without changing anything
	$(TSX) scripts/stackset.ts plan --manifest $(MANIFEST)

stackset-drift: install ## Drift detection on every layer of every instance of MANIFEST
	$(TSX) scripts/stackset.ts drift --manifest $(MANIFEST)

stackset-stop: install ## Stop the running or queued operations of the stack set of MANIFEST
	$(TSX) scripts/stackset.ts stop --manifest $(MANIFEST)

test: install typecheck local-up ## Type check and run every test (node:test), emulator included
	node --import tsx --test --test-concurrency=2 --test-reporter=spec --test-reporter-destination=stdout --test-reporter=./scripts/test-progress.mjs --test-reporter-destination=stderr test/*.test.ts

bench: install ## Wall time and peak memory of build, validate, check, package, deploy (stops the emulator it started)
	$(TSX) scripts/bench.ts

# actionlint (github.com/rhysd/actionlint) for .github/workflows, built with the machine's Go into .tools/.
ACTIONLINT_VERSION := v1.7.12
ACTIONLINT := .tools/actionlint

actionlint: $(ACTIONLINT) ## Install actionlint $(ACTIONLINT_VERSION) into .tools/ (go install; needs Go)

$(ACTIONLINT):
	@command -v go >/dev/null || { echo "actionlint: Go is not installed (needed to build github.com/rhysd/actionlint)" >&2; exit 1; }
	GOBIN=$(CURDIR)/.tools go install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)

guard: $(VENV)/.installed ## AWS CloudFormation Guard, the registry's PCI DSS rule set over generated/ (GUARD_RULES=<aws-guard-rules-registry checkout>; builds cfn-guard with cargo)
	bash scripts/guard.sh

lint-python: $(VENV)/.installed ## ruff over the project's Python (scripts/, the emulator's checks; ruff.toml)
	$(VENV)/bin/ruff check

lint-workflows: $(ACTIONLINT) ## Lint .github/workflows with actionlint
	$(ACTIONLINT) -no-color

lint: node_modules/.installed lint-python ## ESLint (typescript-eslint), prettier --check, knip (dead exports and files), ruff
	$(NODE_BIN)/eslint .
	$(NODE_BIN)/prettier --check --log-level warn "**/*.{ts,mjs,js,json}"
	$(NODE_BIN)/knip

format: node_modules/.installed ## prettier --write over the TypeScript, JavaScript and JSON sources
	$(NODE_BIN)/prettier --write --log-level warn "**/*.{ts,mjs,js,json}"

clean: ## Remove build output and the local emulator state
	rm -rf build .local
