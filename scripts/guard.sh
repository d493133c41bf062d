#!/usr/bin/env bash
# AWS CloudFormation Guard with the AWS Guard Rules Registry's PCI DSS rule set over generated/: an
# independent reviewer's check, run by hand (make guard GUARD_RULES=<registry checkout>). Not in CI:
# cfn-guard ships no package a registry here serves prebuilt (cargo builds it in about 4 minutes)
# and the registry lives on GitHub. Suppressions are the register's `suppress.guard` entries,
# written to Metadata.guard.SuppressedRules beside their resource.
#   https://docs.aws.amazon.com/cfn-guard/latest/ug/what-is-guard.html
#   https://github.com/aws-cloudformation/aws-guard-rules-registry (mappings/rule_set_pci_dss_3_2_1.json)
set -euo pipefail
cd "$(dirname "$0")/.."
guard="${CFN_GUARD:-.tools/bin/cfn-guard}"
rules="${GUARD_RULES:-}"
mapping="$rules/mappings/rule_set_pci_dss_3_2_1.json"
if [ -z "$rules" ] || [ ! -f "$mapping" ]; then
  echo "guard: GUARD_RULES must name a checkout of github.com/aws-cloudformation/aws-guard-rules-registry (no $mapping)" >&2
  exit 2
fi
if [ ! -x "$guard" ]; then
  command -v cargo >/dev/null || { echo "guard: cfn-guard is not installed and cargo is missing (set CFN_GUARD=<path> or install Rust)" >&2; exit 2; }
  cargo install --quiet --locked --root .tools cfn-guard --version 3.2.1
fi
set -- $(.venv/bin/python -c 'import json,sys; print(" ".join(sorted({m["guardFilePath"] for m in json.load(open(sys.argv[1]))["mappings"]})))' "$mapping")
args=()
for file in "$@"; do args+=(-r "$rules/$file"); done
echo "guard: $("$guard" --version), $# rules of the PCI DSS rule set, over generated/templates, standalone, stacksets"
"$guard" validate "${args[@]}" -d generated/templates -d generated/standalone -d generated/stacksets --show-summary fail
