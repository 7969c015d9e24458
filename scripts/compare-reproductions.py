#!/usr/bin/env python3
"""Compares two `samlab reproduce` folders byte for byte (issue 17, target 2: the default build and the portable
build give the same bits).

Usage: compare-reproductions.py A B

Every file must be in both folders with the same bytes, with two exceptions that are not results: an item's
item.json may differ in its wall-clock "seconds", and REPORT.md and index.html quote their own folder's path, which
is compared with the path replaced. Prints one line per difference and exits 1 if there is any (or if the folders
hold no file), 0 otherwise; exits 2 on bad arguments.
"""
import json
import os
import sys


def files(root):
    out = set()
    for directory, _, names in os.walk(root):
        for name in names:
            out.add(os.path.relpath(os.path.join(directory, name), root))
    return out


def without_seconds(value):
    if isinstance(value, dict):
        return {k: without_seconds(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [without_seconds(v) for v in value]
    return value


def same(a_root, b_root, relative):
    a_bytes = open(os.path.join(a_root, relative), "rb").read()
    b_bytes = open(os.path.join(b_root, relative), "rb").read()
    if a_bytes == b_bytes:
        return True
    name = os.path.basename(relative)
    if name == "item.json":
        return without_seconds(json.loads(a_bytes)) == without_seconds(json.loads(b_bytes))
    if name in ("REPORT.md", "index.html"):
        return quoting_no_path(a_bytes, a_root) == quoting_no_path(b_bytes, b_root)
    return False


def quoting_no_path(data, root):
    """The bytes with the folder's path, absolute or as given (`--out`), replaced by one placeholder."""
    for path in (os.path.abspath(root), root.rstrip("/")):
        data = data.replace(path.encode(), b"<out>")
    return data


def main(argv):
    if len(argv) != 3 or not all(os.path.isdir(p) for p in argv[1:]):
        print("usage: compare-reproductions.py A B (two reproduce folders)", file=sys.stderr)
        return 2
    a_root, b_root = argv[1], argv[2]
    a_files, b_files = files(a_root), files(b_root)
    problems = [f"only in {a_root}: {f}" for f in sorted(a_files - b_files)]
    problems += [f"only in {b_root}: {f}" for f in sorted(b_files - a_files)]
    problems += [f"differs: {f}" for f in sorted(a_files & b_files) if not same(a_root, b_root, f)]
    if not a_files & b_files:
        problems.append("no file to compare")
    for line in problems:
        print(line)
    print(f"compare-reproductions: {len(a_files & b_files)} files in both, {len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
