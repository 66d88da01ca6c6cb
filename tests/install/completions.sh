#!/usr/bin/env bash
# The shell completions that `cmake --install` installs cover every subcommand
# and every option that `shapelint [SUBCOMMAND...] --help` prints, and the bash
# one completes: it is sourced into a clean bash and run with COMP_WORDS set,
# as bash does on <Tab>.
# Usage: tests/install/completions.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/help_tree.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
errors=0
fail() {
  echo "FAIL: $*"
  errors=$((errors + 1))
}

DESTDIR="$work/root" cmake --install "$build" --prefix /usr >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; echo "FAIL: cmake --install"; exit 1; }
bin="$work/root/usr/bin/shapelint"
bash_comp="$work/root/usr/share/bash-completion/completions/shapelint"
zsh_comp="$work/root/usr/share/zsh/vendor-completions/_shapelint"
help_tree "$bin" >"$work/tree"
[[ -s $work/tree ]] || { echo "FAIL: no --help output"; exit 1; }
grep -q '|sub|' "$work/tree" || { echo "FAIL: --help lists no subcommands"; exit 1; }

# The rule codes and names `shapelint rules` lists.
"$bin" rules | awk '/^SL[0-9]+ / { print $1; print $2 }' | sort >"$work/rules"
[[ $(wc -l <"$work/rules") -ge 2 ]] || { echo "FAIL: shapelint rules listed no rules"; exit 1; }

# ---- bash ----------------------------------------------------------------
# The installed script loads in a clean bash and registers _shapelint for
# `shapelint`; then it is sourced here, and each check sets COMP_WORDS and
# COMP_CWORD and calls _shapelint as bash does on <Tab>.
env -i HOME="$work" PATH="$PATH" bash --norc --noprofile -c '. "$1" && complete -p shapelint' bash "$bash_comp" \
  >"$work/complete" 2>&1 || { cat "$work/complete"; echo "FAIL: sourcing $bash_comp"; exit 1; }
grep -q -- "-F _shapelint shapelint$" "$work/complete" || { echo "FAIL: no completion for shapelint: $(cat "$work/complete")"; exit 1; }
# shellcheck disable=SC1090
. "$bash_comp"
# complete_words WORD...: what bash offers for the last WORD (sorted, one a line).
complete_words() {
  (
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    set +u
    _shapelint shapelint "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"
  ) | sed '/^$/d' | sort -u
}
# expect_words "WORDS..." EXPECTED...: the completion of WORDS is exactly EXPECTED.
expect_words() {
  local words=$1
  shift
  local got want
  read -ra argv <<<"$words"
  [[ $words == *" " ]] && argv+=("")
  got=$(complete_words "${argv[@]}")
  want=$(printf '%s\n' "$@" | sed '/^$/d' | sort -u)
  [[ $got == "$want" ]] || fail "bash: '$words<Tab>' gave [${got//$'\n'/ }], expected [${want//$'\n'/ }]"
}

# Every command path: its subcommands after it, its options after '-'.
cut -d'|' -f1 "$work/tree" | sort -u >"$work/paths"
while IFS= read -r path; do
  subs=$(awk -F'|' -v p="$path" '$1 == p && $2 == "sub" { print $3 }' "$work/tree")
  opts=$(awk -F'|' -v p="$path" '$1 == p && $2 == "opt" { print $3 }' "$work/tree")
  if [[ -n $subs ]]; then
    # shellcheck disable=SC2086
    expect_words "$path " $subs
  fi
  # shellcheck disable=SC2086
  expect_words "$path -" $opts
  # shellcheck disable=SC2046
  expect_words "$path --" $(grep -- '^--' <<<"$opts")
  # Every option with a fixed set of values completes them, as '--opt VALUE'
  # and as '--opt=VALUE' (which bash splits into '--opt' '=' 'VALUE').
  while IFS='|' read -r p kind opt values; do
    [[ $p == "$path" && $kind == choice ]] || continue
    # shellcheck disable=SC2086
    expect_words "$path $opt " $values
    # shellcheck disable=SC2086
    expect_words "$path $opt = " $values
    first=${values%% *}
    # shellcheck disable=SC2046
    expect_words "$path $opt = ${first:0:2}" $(tr ' ' '\n' <<<"$values" | grep "^${first:0:2}")
  done <"$work/tree"
done <"$work/paths"

# Arguments: models are .onnx files and directories; -o takes any file; the
# rules are the rule codes and names; an option's value is not a positional.
mkdir -p "$work/files/sub" "$work/files/subdir"
touch "$work/files/a.onnx" "$work/files/b.onnx" "$work/files/notes.txt"
cd "$work/files"
expect_words "shapelint check " a.onnx b.onnx sub subdir
expect_words "shapelint check a" a.onnx
expect_words "shapelint check a.onnx " a.onnx b.onnx sub subdir
expect_words "shapelint check --format json " a.onnx b.onnx sub subdir
expect_words "shapelint check --input-shape " ""
expect_words "shapelint check --color never --fail-on " error warning note
expect_words "shapelint infer a.onnx -o " a.onnx b.onnx notes.txt sub subdir
expect_words "shapelint infer a.onnx --output n" notes.txt
expect_words "shapelint sizes --dim H=1..64 " a.onnx b.onnx sub subdir
expect_words "shapelint explain c" conv convtranspose
expect_words "shapelint explain conv --input 7 --kernel " ""
expect_words "shapelint explain maxpool --ce" --ceil-mode
# shellcheck disable=SC2046
expect_words "shapelint rules " $(cat "$work/rules")
# shellcheck disable=SC2046
expect_words "shapelint rules SL1" $(grep '^SL1' "$work/rules")
expect_words "shapelint rules floor" floor-truncation
cd "$work"

# ---- zsh ----------------------------------------------------------------
# One function per command (_shapelint, _shapelint_explain_conv …) holding an
# _arguments spec for every option and a _describe entry for every subcommand.
zsh_function() {
  awk -v f="$1() {" '$0 == f { on = 1; next } on && /^}$/ { exit } on' "$zsh_comp"
}
head -1 "$zsh_comp" | grep -qx '#compdef shapelint' || fail "zsh: no #compdef line"
while IFS='|' read -r path kind name rest; do
  fn="_${path// /_}"
  body=$(zsh_function "$fn")
  [[ -n $body ]] || { fail "zsh: no function $fn for '$path'"; continue; }
  case $kind in
    sub) grep -qF "'$name:" <<<"$body" || fail "zsh: $fn does not offer the subcommand $name" ;;
    opt)
      # Names appear as '-q', '{-q,--quiet}', '--format=' or '-o+'.
      grep -qE -- "(^|[{,' ])${name}([=+,}'[]|\$)" <<<"$body" || fail "zsh: $fn does not offer $name"
      ;;
    choice) grep -qF -- "(${rest})" <<<"$body" || fail "zsh: $fn does not offer the values ($rest) of $name" ;;
  esac
done <"$work/tree"
if command -v zsh >/dev/null 2>&1; then
  zsh -n "$zsh_comp" || fail "zsh: syntax error in _shapelint"
else
  echo "note: zsh is not installed; _shapelint checked for coverage, not run"
fi

if ((errors > 0)); then
  echo "$errors completion check(s) failed"
  exit 1
fi
echo "completions: bash completes and zsh offers every subcommand, option and option value of --help ($(wc -l <"$work/paths") commands)"
