#!/usr/bin/env bash
# `cmake --install` into a temporary DESTDIR: exactly the binary, the man page
# and the bash and zsh completions, where Debian's man-db, bash-completion and
# zsh look for them; the installed binary runs and the man page renders with a
# section for every subcommand that lists each of its options.
# Usage: tests/install/install_layout.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
. "$here/help_tree.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
errors=0
fail() {
  echo "FAIL: $*"
  errors=$((errors + 1))
}

prefix=/opt/shapelint-test
DESTDIR="$work/root" cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; echo "FAIL: cmake --install"; exit 1; }
root="$work/root$prefix"

cat >"$work/want" <<EOF
bin/shapelint
share/bash-completion/completions/shapelint
share/man/man1/shapelint.1
share/zsh/vendor-completions/_shapelint
EOF
(cd "$root" && find . -type f -o -type l | sed 's|^\./||' | sort) >"$work/got"
diff -u "$work/want" "$work/got" || fail "installed files differ from the expected layout"
[[ -x $root/bin/shapelint ]] || { echo "FAIL: bin/shapelint is not executable"; exit 1; }
# Nothing outside the prefix.
[[ $(ls -A "$work/root") == opt ]] || fail "files outside $prefix: $(ls -A "$work/root")"

bin="$root/bin/shapelint"
version=$("$bin" --version)
[[ $version =~ ^shapelint\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "--version printed '$version'"
"$bin" check "$src/tests/models/demo/classifier.onnx" >"$work/out" 2>&1 || { cat "$work/out"; fail "the installed binary fails on a good model"; }
rc=0
"$bin" check "$src/tests/models/demo/unet_skip_odd.onnx" >"$work/out" 2>&1 || rc=$?
[[ $rc == 1 ]] && grep -q 'error\[SL102 incompatible-merge\]' "$work/out" ||
  fail "the installed binary did not report SL102 (exit $rc) on unet_skip_odd.onnx"

# The man page: renders without warnings, names the version, and has a
# section per subcommand that lists every option its --help prints.
man_page="$root/share/man/man1/shapelint.1"
grep -q '^\.TH SHAPELINT "1"' "$man_page" || fail "shapelint.1 has no .TH SHAPELINT 1 header"
if command -v man >/dev/null 2>&1; then
  LC_ALL=C MANWIDTH=250 man --warnings -l "$man_page" >"$work/man.txt" 2>"$work/man.err" ||
    fail "man -l failed: $(cat "$work/man.err")"
  if [[ -s $work/man.err ]]; then fail "man -l warned: $(cat "$work/man.err")"; fi
  grep -q "^NAME" "$work/man.txt" && grep -q "^SYNOPSIS" "$work/man.txt" && grep -q "^EXIT STATUS" "$work/man.txt" ||
    fail "the man page lacks NAME, SYNOPSIS or EXIT STATUS"
  grep -qF "${version#shapelint }" "$work/man.txt" || fail "the man page does not name version $version"
  help_tree "$bin" >"$work/tree"
  # man_section PATH: the rendered '   shapelint PATH ...' subsection of COMMANDS.
  man_section() {
    awk -v h="   $1 " 'index($0, h) == 1 { on = 1; next } on && /^   [^ ]/ { exit } on && /^[^ ]/ { exit } on' "$work/man.txt"
  }
  while IFS='|' read -r path kind name _; do
    [[ $path == shapelint ]] && continue
    section=$(man_section "$path")
    [[ -n $section ]] || { fail "man: no section for '$path'"; continue; }
    case $kind in
      opt) grep -qE -- "^       (.*[ ,])?${name}([ ,]|\$)" <<<"$section" || fail "man: '$path' section does not list $name" ;;
      sub) grep -qE -- "^       ${name}( |\$)" <<<"$section" || fail "man: '$path' section does not list the subcommand $name" ;;
    esac
  done <"$work/tree"
  # The root options and subcommands come from help2man's own OPTIONS section.
  while IFS='|' read -r path kind name _; do
    [[ $path == shapelint && $kind != choice && $kind != value ]] || continue
    grep -qE -- "^       (.*[ ,])?${name}([ ,]|\$)" "$work/man.txt" || fail "man: $name of shapelint is missing"
  done <"$work/tree"
else
  echo "note: man is not installed; the man page was not rendered"
fi

if ((errors > 0)); then
  echo "$errors install check(s) failed"
  exit 1
fi
echo "install: bin/shapelint, man1/shapelint.1 (a section per subcommand), bash and zsh completions under $prefix"
