# The pipeline: install → types → build → validate → check → package → deploy.
# With no AWS target chosen, package/deploy/destroy/stackset go to the local emulator (moto server
# on 127.0.0.1). TARGET=aws uses your real AWS credentials (see README).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV        := .venv
NODE_BIN    := node_modules/.bin
TSX         := $(NODE_BIN)/tsx
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/$(NODE_BIN):$(PATH)

ENV         ?= dev
TARGET      ?= local
EMULATOR_HOST ?= 127.0.0.1
EMULATOR_PORT ?= 5000
export TARGET EMULATOR_HOST EMULATOR_PORT

.PHONY: help all install types generate typecheck build validate lint check diff package deploy destroy \
        local-up local-down stackset stackset-plan stackset-drift test bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

all: install build validate check local-up deploy ## Main job: build, validate and check every template, deploy to the local emulator

install: node_modules/.installed $(VENV)/.installed ## npm ci + Python venv (cfn-lint, moto, awscli) from pinned versions

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

types: node_modules/.installed ## Regenerate templates-src/spec-types from the AWS resource specification
	$(TSX) scripts/gen-types.ts

generate: install ## Every generated file: spec types, generated/, handler permissions, emulator coverage, docs counts and tables
	$(TSX) scripts/generate.ts

typecheck: node_modules/.installed ## tsc --noEmit over sources, scripts and tests
	$(NODE_BIN)/tsc -p .

build: node_modules/.installed ## Render every template and parameter file into generated/
	$(TSX) scripts/build.ts

validate: install ## ajv schema validation + cross-stack integrity + cfn-lint over generated/
	$(TSX) scripts/validate.ts
	$(TSX) scripts/validate.ts --dir generated/standalone
	$(TSX) scripts/validate.ts --dir generated/stacksets

check: node_modules/.installed ## PCI DSS v4.0 rules, segmentation proof, diagrams, evidence report
	$(TSX) scripts/check.ts

diff: install ## Semantic diff of generated/ against BASE (git ref) or STACK (deployed); data-loss gate
	$(TSX) scripts/diff.ts

package: install ## Upload nested templates to the artifact bucket (content-addressed); packaged root in build/
	$(TSX) scripts/package.ts

deploy: install ## aws cloudformation deploy of the packaged root, ENV=dev|staging|prod
	$(TSX) scripts/deploy.ts --env $(ENV)

destroy: install ## Delete the stack of ENV (asks first; prod needs CONFIRM=prod)
	$(TSX) scripts/destroy.ts --env $(ENV)

local-up: $(VENV)/.installed ## Start the local AWS emulator (moto server) on $(EMULATOR_HOST):$(EMULATOR_PORT)
	bash scripts/emulator/emulator.sh up

local-down: ## Stop the local AWS emulator
	bash scripts/emulator/emulator.sh down

stackset: install ## Roll out MANIFEST as a StackSet (create/update stack set, reconcile instances)
	$(TSX) scripts/stackset.ts apply --manifest $(MANIFEST)

stackset-plan: install ## What `make stackset` would change for MANIFEST, without changing anything
	$(TSX) scripts/stackset.ts plan --manifest $(MANIFEST)

stackset-drift: install ## Drift detection on the stack set of MANIFEST
	$(TSX) scripts/stackset.ts drift --manifest $(MANIFEST)

test: install typecheck local-up ## Type check and run every test (node:test), emulator included
	node --import tsx --test --test-concurrency=2 --test-reporter=spec --test-reporter-destination=stdout --test-reporter=./scripts/test-progress.mjs --test-reporter-destination=stderr test/*.test.ts

bench: install ## Wall time and peak memory of build, validate, check, package, deploy
	$(TSX) scripts/bench.ts

clean: ## Remove build output and the local emulator state
	rm -rf build .local
