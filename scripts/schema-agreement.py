#!/usr/bin/env python3
"""Compare dockmaster's schema verdict with the Compose JSON schema's.

For every YAML file of the corpus, validate it with the `jsonschema` package
against spec/compose-spec.json (YAML 1.2 core types, Compose's `!reset` and
`!override` tags accepted, documents merged naively) and compare with whether
`dockmaster check --format compact` reports a `yaml-syntax`, `duplicate-key`
or `schema` finding. Prints every file where the two disagree.

A dev-time tool, not part of the test run (it needs PyYAML and jsonschema):

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install pyyaml jsonschema
    cargo build --release
    /tmp/venv/bin/python scripts/schema-agreement.py ../shared/corpus
"""

import json
import os
import re
import subprocess
import sys

import jsonschema
import yaml


class Loader(yaml.SafeLoader):
    """YAML 1.2 core schema: yes/no/on/off are strings, Compose tags kept."""


Loader.yaml_implicit_resolvers = {
    k: [(tag, regexp) for tag, regexp in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
for tag in ("!reset", "!override"):
    Loader.add_constructor(
        tag,
        lambda loader, node: loader.construct_object(
            yaml.ScalarNode("tag:yaml.org,2002:str", node.value) if isinstance(node, yaml.ScalarNode) else node
        )
        if isinstance(node, yaml.ScalarNode)
        else (loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else loader.construct_mapping(node)),
    )


def merge(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = merge(out[k], v) if k in out else v
        return out
    if isinstance(a, list) and isinstance(b, list):
        return a + b
    return b


def schema_verdict(schema, path):
    try:
        with open(path, encoding="utf-8") as f:
            docs = [d for d in yaml.load_all(f, Loader=Loader) if d is not None]
    except Exception as e:  # noqa: BLE001
        return False, f"YAML: {e}".splitlines()[0]
    if not docs:
        return False, "empty"
    doc = docs[0]
    for d in docs[1:]:
        doc = merge(doc, d)
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(doc))
    if errors:
        return False, "; ".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}"[:160] for e in errors[:2])
    return True, ""


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus"
    binary = os.environ.get("DOCKMASTER", "target/release/dockmaster")
    with open(os.path.join(corpus, "spec/compose-spec.json")) as f:
        schema = json.load(f)
    files = sorted(
        os.path.join(d, n)
        for d, _, names in os.walk(corpus)
        for n in names
        if n.endswith((".yml", ".yaml"))
    )
    disagree = 0
    for path in files:
        ok, why = schema_verdict(schema, path)
        out = subprocess.run([binary, "check", "--format", "compact", path], capture_output=True, text=True).stdout
        ours = [l for l in out.splitlines() if re.search(r"\[(yaml-syntax|duplicate-key|schema)\]", l)]
        if ok == (not ours):
            continue
        disagree += 1
        rel = os.path.relpath(path, corpus)
        print(f"{rel}\n  JSON schema: {'valid' if ok else 'invalid: ' + why}")
        for l in ours[:3]:
            print(f"  dockmaster:  {l.split(': ', 1)[1]}")
    print(f"{len(files)} files, {disagree} disagreements")


if __name__ == "__main__":
    main()
