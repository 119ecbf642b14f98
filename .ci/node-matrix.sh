#!/usr/bin/env bash
# Runs the test suite on Node 20, 22 and 24. The other Node binaries come from npm
# (`npx -p node@22`), so no version manager is needed. ava starts its test processes with the
# Node that runs it, so running ava's CLI with each binary tests that version end to end.
#   npm run matrix            # 20 (the current node), 22, 24
#   npm run matrix -- 22 24   # just these
set -uo pipefail
cd "$(dirname "$0")/.."
versions=("$@")
[ ${#versions[@]} -eq 0 ] && versions=(20 22 24)
declare -A result
for v in "${versions[@]}"; do
  if [ "$v" = "$(node -p 'process.versions.node.split(".")[0]')" ]; then
    bin=$(command -v node)
  else
    bin=$(npx -y -p "node@$v" -- node -p 'process.execPath') || { result[$v]="could not install node@$v"; continue; }
  fi
  echo "::: Node $("$bin" --version)"
  if "$bin" node_modules/ava/entrypoints/cli.mjs; then result[$v]="passed ($("$bin" --version))"; else result[$v]="FAILED ($("$bin" --version))"; fi
done
echo
status=0
for v in "${versions[@]}"; do
  echo "node $v: ${result[$v]}"
  case "${result[$v]}" in passed*) ;; *) status=1 ;; esac
done
exit $status
