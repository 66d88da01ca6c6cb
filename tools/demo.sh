#!/usr/bin/env bash
# `make demo`: lints the bundled example models and prints the reports.
# The findings are the point of the demo, so their exit codes do not fail it;
# a crash or a load error (exit 2) does.
set -u
bin=${1:-build/shapelint}
models=tests/models/demo

run() {
  echo
  echo "\$ shapelint $*"
  "$bin" "$@"
  rc=$?
  echo "(exit $rc)"
  if [ "$rc" -ge 2 ]; then
    echo "demo: shapelint failed with exit $rc" >&2
    exit 1
  fi
}

echo "== A clean classifier and a U-Net at 64x64: no findings =="
run check "$models/classifier.onnx" "$models/unet_skip.onnx"
echo
echo "== The same U-Net exported at 65x65: MaxPool floors 65 to 32, the decoder brings back 64 =="
run check "$models/unet_skip_odd.onnx"
echo
echo "== The clean U-Net fed 1x3x96x96 and 1x3x97x97 (--input-shape) =="
run check "$models/unet_skip.onnx" --input-shape x:1x3x96x96
run check "$models/unet_skip.onnx" --input-shape x:1x3x97x97
echo
echo "== JSON output for the classifier =="
run check --format json "$models/classifier.onnx"
exit 0
