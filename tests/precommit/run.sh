#!/usr/bin/env bash
# The pre-commit hook as a user meets it: shapelint installed (`cmake --install`
# into a temporary DESTDIR, its bin/ on PATH), a git repository with the
# .pre-commit-config.yaml snippets of README.md ("Pre-commit hook"), the hook
# installed with `pre-commit install`, then real `git commit`s: a commit of a
# good model goes through, a commit of a bad model is stopped with shapelint's
# finding, and files that are not .onnx are not passed to it. The hook
# definition is this checkout's .pre-commit-hooks.yaml (uncommitted edits
# included), served from a throwaway git repository tagged with the snippet's rev.
# Usage: tests/precommit/run.sh BUILD_DIR   (a folder with cmake_install.cmake)
#        tests/precommit/run.sh BIN_DIR     (a folder holding a shapelint binary)
set -euo pipefail
given=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*"
  if [[ -f $work/out ]]; then
    echo "--- output:"
    cat "$work/out"
  fi
  exit 1
}

if [[ -f $given/cmake_install.cmake ]]; then
  DESTDIR="$work/root" cmake --install "$given" --prefix /usr >"$work/out" 2>&1 || fail "cmake --install $given"
  bindir="$work/root/usr/bin"
else
  bindir=$given
fi
export PATH="$bindir:$PATH" HOME="$work/home" PRE_COMMIT_HOME="$work/cache" XDG_CACHE_HOME="$work/cache"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
export GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global advice.detachedHead false
[[ $(command -v shapelint) == "$bindir/shapelint" ]] || fail "shapelint on PATH is $(command -v shapelint), not $bindir/shapelint"

# readme_block N: the Nth ```yaml block of README.md's "## Pre-commit hook".
readme_block() {
  awk -v want="$1" '
    /^## / { in_section = ($0 == "## Pre-commit hook") }
    in_section && /^```yaml$/ { n++; on = (n == want); next }
    on && /^```$/ { exit }
    on' "$src/README.md"
}
remote=$(readme_block 1)
local_hook=$(readme_block 2)
grep -q '^ *- id: shapelint$' <<<"$remote" || fail "README's first pre-commit snippet has no '- id: shapelint'"
grep -q '^ *- repo: local$' <<<"$local_hook" || fail "README's second pre-commit snippet is not a local hook"
rev=$(sed -n 's/^ *rev: *\([^ #]*\).*/\1/p' <<<"$remote")
[[ -n $rev ]] || fail "README's pre-commit snippet has no rev"

# The hook repository: this checkout's hook definition at tag $rev.
hooks="$work/shapelint-hooks"
mkdir -p "$hooks"
cp "$src/.pre-commit-hooks.yaml" "$hooks/"
git -C "$hooks" init -q
git -C "$hooks" add -A
git -C "$hooks" commit -qm hooks
git -C "$hooks" tag "$rev"

# run_case NAME CONFIG: a fresh repository with CONFIG as its pre-commit config.
run_case() {
  local name=$1 config=$2 repo="$work/$1"
  mkdir -p "$repo/models"
  printf '%s\n' "$config" >"$repo/.pre-commit-config.yaml"
  cd "$repo"
  git init -q
  pre-commit install >"$work/out" 2>&1 || fail "$name: pre-commit install"

  # A good model and a text file: the commit goes through, shapelint ran and
  # passed, and only on the model.
  cp "$src/tests/models/demo/classifier.onnx" models/good.onnx
  echo "not a model" >notes.txt
  git add -A
  git commit -m good >"$work/out" 2>&1 || fail "$name: the commit of a good model was stopped"
  grep -qE '^shapelint\.+Passed$' "$work/out" || fail "$name: the hook did not run and pass on the good model"
  [[ $(git rev-list --count HEAD) == 1 ]] || fail "$name: no commit"

  # A bad model: the commit is stopped, with shapelint's diagnostic naming
  # the file as git passed it, and nothing is committed.
  cp "$src/tests/models/demo/unet_skip_odd.onnx" models/bad.onnx
  echo "still not a model" >notes.txt
  git add -A
  if git commit -m bad >"$work/out" 2>&1; then
    fail "$name: a model with a shape error was committed"
  fi
  grep -qE '^shapelint\.+Failed$' "$work/out" || fail "$name: the hook did not report a failure"
  grep -q "^- exit code: 1$" "$work/out" || fail "$name: shapelint did not exit 1"
  grep -q "^models/bad.onnx: node 'concat1' (Concat): error\[SL102 incompatible-merge\]" "$work/out" ||
    fail "$name: the finding for the bad model is missing"
  grep -q "notes.txt" "$work/out" && fail "$name: the hook ran on a file that is not .onnx"
  grep -q "good.onnx" "$work/out" && fail "$name: the hook ran on a model that is not staged"
  [[ $(git rev-list --count HEAD) == 1 ]] || fail "$name: the bad commit was made"
  git diff --cached --name-only | grep -qx models/bad.onnx || fail "$name: the bad model is no longer staged"
  cd "$work"
}

# The README snippet that uses this repository's hook, with its URL pointed at
# the throwaway hook repository.
run_case remote "$(sed "s|^\( *- repo:\) *[^ ]*\(.*\)$|\1 file://$hooks\2|" <<<"$remote")"
# The README snippet with a local hook.
run_case local "$local_hook"

echo "pre-commit hook ($rev, and the local hook of README.md): a good model is committed, a bad model is stopped with SL102"
