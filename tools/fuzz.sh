#!/usr/bin/env bash
# Runs the libFuzzer target for a fixed budget: tools/fuzz.sh BUILD_DIR SECONDS
set -euo pipefail
build=$1
seconds=$2
corpus="$build/corpus"
mkdir -p "$corpus" "$build/artifacts"
# Seeds: every committed model and the ONNX backend test models.
find tests/models -name '*.onnx' -size -1M -exec cp -n {} "$corpus/" \; 2>/dev/null || true
i=0
for m in /usr/share/libonnx-testdata/data/*/*/model.onnx; do
  [ -f "$m" ] || continue
  [ "$(stat -c %s "$m")" -lt 1000000 ] || continue
  cp -n "$m" "$corpus/testdata_$i.onnx"
  i=$((i + 1))
done
[ -d tests/fuzz/regressions ] && cp -n tests/fuzz/regressions/* "$corpus/" 2>/dev/null || true
exec "$build/fuzz_check" "$corpus" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 \
  -max_len=1000000 -artifact_prefix="$build/artifacts/" -print_final_stats=1
