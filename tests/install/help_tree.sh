# shellcheck shell=bash
# Sourced by the tests in tests/install: reads the command tree from the
# binary's own --help output, independently of cmake/shapelint_cli_docs.cmake.
# help_tree BIN prints one line per fact, fields separated by '|':
#   PATH|sub|NAME               PATH has the subcommand NAME
#   PATH|opt|NAME               PATH has the option NAME (-q, --quiet …)
#   PATH|choice|--OPT|A B C     --OPT of PATH takes one of A B C
#   PATH|value|--OPT            --OPT of PATH takes a value
# PATH is the command words: 'shapelint', 'shapelint explain conv'.

_help_tree_walk() {
  local bin=$1 path=$2 section='' line spec first name rest t
  local -a children=() names=() args=()
  read -ra args <<<"${path#shapelint}"
  while IFS= read -r line; do
    case $line in
      Subcommands:) section=sub ;;
      Options:) section=opt ;;
      Positionals:) section=pos ;;
      "" | "   "*) ;;
      "  "*)
        spec=${line#  }
        spec=${spec%%  *}
        first=${spec%% *}
        rest=${spec#"$first"}
        if [[ $section == sub ]]; then
          echo "$path|sub|$first"
          children+=("$first")
        elif [[ $section == opt ]]; then
          IFS=, read -ra names <<<"$first"
          for name in "${names[@]}"; do
            echo "$path|opt|$name"
            [[ $name == --* ]] || continue
            for t in $rest; do
              [[ $t == REQUIRED ]] && continue
              if [[ $t =~ ^[A-Z]+:\{(.*)\}$ ]]; then
                echo "$path|choice|$name|${BASH_REMATCH[1]//,/ }"
              fi
              if [[ $t =~ ^[A-Z]+(:|$) ]]; then
                echo "$path|value|$name"
                break
              fi
            done
          done
        fi
        ;;
      *) section= ;;
    esac
  done < <("$bin" "${args[@]}" --help)
  for name in "${children[@]}"; do
    _help_tree_walk "$bin" "$path $name"
  done
}

help_tree() {
  _help_tree_walk "$1" shapelint
}
