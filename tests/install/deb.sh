#!/usr/bin/env bash
# CPack builds a .deb that installs under /usr the binary, the man page and the
# completions, and declares as Depends the Debian package of every shared
# library the binary links (found here with objdump, ldd and dpkg -S, not
# from the package). Exit 77 (ctest: skipped) without cpack, dpkg-deb or dpkg-shlibdeps.
# Usage: tests/install/deb.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
for tool in cpack dpkg-deb dpkg-shlibdeps objdump; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool is not installed (tools/install-deps.sh installs cmake and dpkg-dev)"
    exit 77
  fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
errors=0
fail() {
  echo "FAIL: $*"
  errors=$((errors + 1))
}

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; echo "FAIL: cpack -G DEB"; exit 1; }
shopt -s nullglob
debs=("$work"/pkg/*.deb)
[[ ${#debs[@]} == 1 ]] || { cat "$work/cpack.log"; echo "FAIL: cpack made ${#debs[@]} .deb files"; exit 1; }
deb=${debs[0]}
version=$("$build/shapelint" --version)
version=${version#shapelint }
arch=$(dpkg --print-architecture)
[[ $(basename "$deb") == "shapelint_${version}_${arch}.deb" ]] || fail "file name $(basename "$deb")"

dpkg-deb -I "$deb" >"$work/info" || { echo "FAIL: dpkg-deb -I"; exit 1; }
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == shapelint ]] || fail "Package: $(field Package)"
[[ $(field Version) == "$version" ]] || fail "Version: $(field Version), the binary says $version"
[[ $(field Architecture) == "$arch" ]] || fail "Architecture: $(field Architecture)"
[[ -n $(field Maintainer) && -n $(field Description) ]] || fail "no Maintainer or Description"

# Depends: the package of each library the binary links directly (its
# NEEDED entries, resolved to files by ldd).
depends=$(field Depends)
[[ -n $depends ]] || fail "the package declares no Depends"
# The package names alone, without versions.
sed -e 's/([^)]*)//g' -e 's/ //g' <<<"$depends" | tr ',|' '\n\n' | sed '/^$/d' | sort -u >"$work/depends"
objdump -p "$build/shapelint" | awk '$1 == "NEEDED" { print $2 }' >"$work/needed"
[[ -s $work/needed ]] || fail "the binary has no NEEDED libraries"
ldd "$build/shapelint" >"$work/ldd"
while IFS= read -r soname; do
  # "libc.so.6 => /lib/.../libc.so.6 (0x…)", or for the dynamic loader (NEEDED
  # by a binary with libstdc++ linked in) "/lib64/ld-linux-x86-64.so.2 (0x…)".
  lib=$(awk -v n="$soname" '$1 == n && $2 == "=>" { print $3; exit }
                            substr($1, length($1) - length(n)) == "/" n { print $1; exit }' "$work/ldd")
  [[ -n $lib ]] || { fail "ldd does not resolve $soname"; continue; }
  pkg=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1) || pkg=
  [[ -n $pkg ]] || pkg=$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1) || pkg=
  [[ -n $pkg ]] || { fail "no Debian package owns $lib"; continue; }
  grep -qxF "$pkg" "$work/depends" || fail "Depends lacks $pkg (for $soname): $depends"
done <"$work/needed"
grep -qE -- '-dev( |,|$)' <<<"$depends" && fail "Depends names a -dev package: $depends"

dpkg-deb -c "$deb" >"$work/contents" || { echo "FAIL: dpkg-deb -c"; exit 1; }
for f in ./usr/bin/shapelint ./usr/share/man/man1/shapelint.1 ./usr/share/bash-completion/completions/shapelint \
  ./usr/share/zsh/vendor-completions/_shapelint; do
  grep -qE "root/root .* ${f//./\\.}\$" "$work/contents" || fail "the package lacks $f (owned by root)"
done
grep -E '^-' "$work/contents" | grep -vE ' \./usr/(bin/shapelint|share/man/man1/shapelint\.1|share/bash-completion/completions/shapelint|share/zsh/vendor-completions/_shapelint)$' &&
  fail "the package holds other files"
grep -qE '^-rwxr-xr-x .* \./usr/bin/shapelint$' "$work/contents" || fail "usr/bin/shapelint is not mode 755"

# The packaged binary runs and is stripped.
dpkg-deb -x "$deb" "$work/x"
[[ $("$work/x/usr/bin/shapelint" --version) == "shapelint $version" ]] || fail "the packaged binary does not run"
if command -v readelf >/dev/null 2>&1 && readelf -S "$work/x/usr/bin/shapelint" | grep -q '\.debug_info'; then
  fail "the packaged binary is not stripped"
fi

if ((errors > 0)); then
  echo "$errors .deb check(s) failed"
  exit 1
fi
echo "deb: $(basename "$deb"), Depends: $depends"
