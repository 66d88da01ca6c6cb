#!/usr/bin/env bash
# The pre-commit hook of this checkout (.pre-commit-hooks.yaml), run by
# Debian's pre-commit in a fresh git repo holding a good and a bad model.
# Usage: tests/precommit/run.sh DIR_WITH_SHAPELINT_BINARY
set -euo pipefail
bindir=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PATH="$bindir:$PATH" HOME="$work/home" PRE_COMMIT_HOME="$work/cache"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
mkdir -p "$HOME"

repo="$work/repo"
mkdir -p "$repo/models"
cp "$src/tests/models/demo/classifier.onnx" "$repo/models/good.onnx"
cp "$src/tests/models/demo/unet_skip_odd.onnx" "$repo/models/bad.onnx"
echo "not a model" > "$repo/README.txt"
cd "$repo"
git init -q
git add -A

fail() { echo "FAIL: $*"; echo "--- output:"; cat "$work/out"; exit 1; }

# try-repo runs the hook as this checkout defines it, including uncommitted edits.
if pre-commit try-repo "$src" shapelint --files models/good.onnx README.txt >"$work/out" 2>&1; then
  grep -q "shapelint.*Passed" "$work/out" || fail "the good model did not pass"
else
  fail "pre-commit failed on the good model"
fi

if pre-commit try-repo "$src" shapelint --files models/good.onnx models/bad.onnx >"$work/out" 2>&1; then
  fail "pre-commit passed a model with a shape error"
fi
grep -q "shapelint.*Failed" "$work/out" || fail "the hook did not report a failure"
grep -q "models/bad.onnx: node 'concat1' (Concat): error\[SL102 incompatible-merge\]" "$work/out" ||
  fail "the finding for the bad model is missing"
grep -q "README.txt" "$work/out" && fail "the hook ran on a file that is not .onnx"

echo "pre-commit hook: good model passes, bad model fails with SL102"
