#!/usr/bin/env python3
"""Re-run the ```console examples of the user guide and compare their output.

Each `$ COMMAND` line of a ```console block is run with bash from the
repository root (`$ cd DIR` changes the directory for the rest of the block,
`$ echo $?` prints the previous command's exit code), with
`target/debug/dockmaster` first on the PATH; the lines after it are the
expected standard output and standard error. A line `...` alone matches any
number of lines.

A dev-time tool, not part of the test run (some examples depend on the
machine: `cd /tmp`, the process environment):

    cargo build
    python3 scripts/doc-examples.py docs/getting-started.md docs/commands.md \
        docs/presets.md docs/suppression.md docs/ci.md

Prints every command whose output differs and exits with 1 if any does.
"""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def matches(expected, actual):
    """Whether `actual` lines match `expected` lines (`...` is a wildcard)."""
    memo = {}

    def rec(i, j):
        if (i, j) not in memo:
            if i == len(expected):
                ok = j == len(actual)
            elif expected[i] == "...":
                ok = any(rec(i + 1, k) for k in range(j, len(actual) + 1))
            else:
                ok = j < len(actual) and expected[i] == actual[j] and rec(i + 1, j + 1)
            memo[(i, j)] = ok
        return memo[(i, j)]

    return rec(0, 0)


def main(paths):
    env = dict(os.environ)
    env["PATH"] = os.path.join(ROOT, "target", "debug") + os.pathsep + env["PATH"]
    # The examples were run without these.
    for name in ("NO_COLOR", "COMPOSE_FILE", "COMPOSE_PROFILES", "LOG_STATEMENT"):
        env.pop(name, None)
    total = failed = 0
    for path in paths:
        text = open(path, encoding="utf-8").read()
        for block in re.findall(r"```console\n(.*?)```", text, re.S):
            commands = []
            for line in block.rstrip("\n").split("\n"):
                if line.startswith("$ "):
                    commands.append((line[2:], []))
                elif commands:
                    commands[-1][1].append(line)
            cwd = ROOT
            last = 0
            for command, expected in commands:
                total += 1
                if command.startswith("cd "):
                    cwd = os.path.normpath(os.path.join(cwd, command[3:]))
                    out = ""
                elif command == "echo $?":
                    out = f"{last}\n"
                else:
                    p = subprocess.run(
                        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True
                    )
                    last = p.returncode
                    out = p.stdout + p.stderr
                actual = out.rstrip("\n").split("\n") if out.strip("\n") else []
                if not matches(expected, actual):
                    failed += 1
                    print(f"--- {path}: $ {command}  (in {cwd})")
                    print("expected:", *expected, sep="\n")
                    print("actual:", *actual, sep="\n")
    print(f"{total} commands, {failed} differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
