#!/usr/bin/python3
"""`shapelint check --format sarif` validated against the SARIF 2.1.0 schema.

Usage: validate_sarif.py SHAPELINT_BINARY

Runs the binary from the source directory on models with findings, a clean
model, a model that cannot be loaded, a model with control characters in its
names and paths that need percent-encoding, and checks each output against
tests/data/sarif-schema-2.1.0.json (the OASIS schema, draft-04) with Debian's
python3-jsonschema, plus what the schema cannot say: ruleIndex points at the
rule with that id, every result has region.startLine 1 and a fingerprint of
its own, relative paths stay relative to %SRCROOT%, and load errors are
toolExecutionNotifications with executionSuccessful false and exit code 2.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

import jsonschema

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA_PATH = os.path.join(SOURCE, "tests", "data", "sarif-schema-2.1.0.json")
SCHEMA_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def run(binary, args, cwd=SOURCE):
    proc = subprocess.run([binary, "check", "--format", "sarif", *args], cwd=cwd, capture_output=True)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8", "replace")


def load_schema():
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        schema = json.load(f)
    check(schema.get("id") == SCHEMA_ID, "vendored schema has the OASIS 2.1.0 id")
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def validate(validator, name, text):
    """Schema and semantic checks common to every SARIF output; returns the run."""
    log = json.loads(text)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    for e in errors[:5]:
        check(False, f"{name}: schema: {'/'.join(map(str, e.absolute_path))}: {e.message}")
    check(log["version"] == "2.1.0", f"{name}: version 2.1.0")
    check(len(log["runs"]) == 1, f"{name}: one run")
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    check(driver["name"] == "shapelint", f"{name}: driver name")
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    check(len(ids) == len(set(ids)), f"{name}: rule ids unique")
    for r in rules:
        for key in ("shortDescription", "fullDescription", "help"):
            check(r.get(key, {}).get("text"), f"{name}: rule {r['id']} has {key}.text")
        with open(os.path.join(SOURCE, "docs", "rules", r["id"] + ".md"), encoding="utf-8") as page:
            check(r["help"].get("markdown") == page.read(), f"{name}: rule {r['id']} help is docs/rules/{r['id']}.md")
        check(r["defaultConfiguration"]["level"] in ("error", "warning", "note"), f"{name}: rule {r['id']} level")
    fingerprints = set()
    for res in run_["results"]:
        check(rules[res["ruleIndex"]]["id"] == res["ruleId"], f"{name}: ruleIndex {res['ruleIndex']} is {res['ruleId']}")
        check(res["level"] in ("error", "warning", "note"), f"{name}: result level")
        loc = res["locations"][0]
        check(loc["physicalLocation"]["region"] == {"startLine": 1}, f"{name}: region.startLine 1")
        uri = loc["physicalLocation"]["artifactLocation"]["uri"]
        path = uri[len("file://"):] if uri.startswith("file:///") else uri
        check(urllib.parse.quote(urllib.parse.unquote(path), safe="/-._~!$&'()*+,;=@") == path,
              f"{name}: uri {uri!r} is percent-encoded")
        for logical in loc.get("logicalLocations", []):
            check(res["message"]["text"].startswith("node '"), f"{name}: message names the node")
            check(logical["kind"] == "member", f"{name}: logical location kind")
        fp = res["partialFingerprints"]["shapelintFingerprint/v1"]
        check(fp not in fingerprints, f"{name}: fingerprint {fp} unique")
        fingerprints.add(fp)
    check(len(run_["invocations"]) == 1, f"{name}: one invocation")
    return run_


def main():
    binary = os.path.abspath(sys.argv[1])
    validator = load_schema()

    # Models with findings: errors, warnings and notes, several per node.
    code, out, err = run(binary, ["tests/models/demo", "tests/models/cli/concat_mismatch.onnx",
                                  "tests/models/cli/conv_channel_mismatch.onnx",
                                  "tests/models/cli/declared_mismatch.onnx", "tests/models/cli/unknown_dims.onnx"])
    check(code == 1 and err == "", f"findings: exit 1, no stderr (got {code}, {err!r})")
    run_ = validate(validator, "findings", out)
    levels = {r["level"] for r in run_["results"]}
    check(levels == {"error", "warning", "note"}, f"findings: all three levels ({levels})")
    check(run_["invocations"][0]["executionSuccessful"] is True, "findings: executionSuccessful")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]}
    check("tests/models/demo/unet_skip_odd.onnx" in uris, "findings: the path as given (found in a directory)")
    bases = {r["locations"][0]["physicalLocation"]["artifactLocation"].get("uriBaseId") for r in run_["results"]}
    check(bases == {"%SRCROOT%"}, "findings: relative paths relative to %SRCROOT%")

    # A clean model: no results, a successful invocation.
    code, out, err = run(binary, ["tests/models/cli/clean_convnet.onnx"])
    check(code == 0, f"clean: exit 0 (got {code})")
    run_ = validate(validator, "clean", out)
    check(run_["results"] == [], "clean: no results")
    check(run_["invocations"][0] == {"executionSuccessful": True}, "clean: successful invocation")

    # A model that cannot be loaded, next to one that can: exit 2, a notification.
    code, out, err = run(binary, ["tests/models/cli/truncated.onnx", "tests/models/cli/concat_mismatch.onnx"])
    check(code == 2, f"load error: exit 2 (got {code})")
    run_ = validate(validator, "load error", out)
    inv = run_["invocations"][0]
    check(inv["executionSuccessful"] is False, "load error: executionSuccessful false")
    notes = inv.get("toolExecutionNotifications", [])
    check(len(notes) == 1 and notes[0]["level"] == "error", "load error: one error notification")
    check(notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "tests/models/cli/truncated.onnx",
          "load error: notification names the file")
    check(len(run_["results"]) == 1 and run_["results"][0]["ruleId"] == "SL102", "load error: the other model's finding")

    # Control characters in node names: escaped in the message, JSON-escaped in the logical location.
    code, out, err = run(binary, ["tests/models/cli/control_chars.onnx"])
    run_ = validate(validator, "control chars", out)
    check("\x1b" not in run_["results"][0]["message"]["text"], "control chars: no ESC in the message text")
    check("\\x1b" in run_["results"][0]["message"]["text"], "control chars: ESC escaped as \\x1b in the message text")
    check("\\u001b" in out and "\x1b" not in out, "control chars: ESC JSON-escaped in the document")

    # Paths: absolute ones become file: URIs, odd characters are percent-encoded,
    # a leading ./ is dropped; --output writes the same document atomically.
    scratch = tempfile.mkdtemp(prefix="shapelint sarif #")
    try:
        model = os.path.join(scratch, "a b%#?.onnx")
        shutil.copy(os.path.join(SOURCE, "tests/models/cli/concat_mismatch.onnx"), model)
        code, out, err = run(binary, [model])
        run_ = validate(validator, "absolute path", out)
        art = run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        check("uriBaseId" not in art and art["uri"].startswith("file:///"), f"absolute path: file URI ({art})")
        check(urllib.parse.unquote(art["uri"][len("file://"):]) == model, "absolute path: decodes to the path")

        code, out, err = run(binary, ["./a b%#?.onnx"], cwd=scratch)
        run_ = validate(validator, "relative path", out)
        art = run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        check(art == {"uri": "a%20b%25%23%3F.onnx", "uriBaseId": "%SRCROOT%"}, f"relative path: encoded ({art})")

        report = os.path.join(scratch, "out.sarif")
        code2, out2, err2 = run(binary, ["./a b%#?.onnx", "--output", report, "--statistics"], cwd=scratch)
        check(code2 == code and out2 == "" and err2 == "", f"--output: same exit code, nothing on stdout ({code2})")
        with open(report, encoding="utf-8") as f:
            run_ = validate(validator, "--output --statistics", f.read())
        stats = run_.get("properties", {}).get("statistics", {})
        check(stats.get("rules") == [{"code": "SL102", "rule": "incompatible-merge", "count": 1}],
              f"--statistics: run.properties.statistics ({stats})")
        check(sorted(os.listdir(scratch)) == sorted(["a b%#?.onnx", "out.sarif"]), "--output: no temporary file left")
    finally:
        shutil.rmtree(scratch)

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("SARIF output valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
