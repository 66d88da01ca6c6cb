#!/usr/bin/python3
"""Rewrites the output under every `$ build/shapelint ...` example in README.md
with what the binary prints now (CliTest.ReadmeExamplesAreTrue checks them).

Usage: tools/update_readme_examples.py [BINARY]   (default build/shapelint)
"""
import os
import subprocess
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
binary = sys.argv[1] if len(sys.argv) > 1 else "build/shapelint"
path = os.path.join(root, "README.md")
text = open(path, encoding="utf-8").read()
prompt = "$ build/shapelint "
out, at = [], 0
while True:
    start = text.find(prompt, at)
    if start < 0:
        out.append(text[at:])
        break
    line_end = text.index("\n", start)
    block_end = text.index("```", line_end)
    args = text[start + len(prompt):line_end].split()
    result = subprocess.run([binary] + args, cwd=root, capture_output=True, text=True)
    out.append(text[at:line_end + 1] + result.stdout)
    at = block_end
open(path, "w", encoding="utf-8").write("".join(out))
