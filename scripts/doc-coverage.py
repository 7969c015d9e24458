#!/usr/bin/env python3
"""Doc-comment coverage of public declarations, per module.

Usage: python3 scripts/doc-coverage.py [--quiet] DIR [DIR ...]

Each DIR (for instance Sources/SAMCore) is one module; every .swift file under it is read. A declaration counts
when it is public:
  - a line whose modifiers include `public` or `open`, declaring a func, init, var, let, case, struct, class,
    enum, protocol, typealias, subscript, actor or associatedtype (with any other modifiers such as `static`);
  - an enum `case` line directly inside a public enum;
  - a requirement (func, init, var, subscript, associatedtype, typealias) directly inside a public protocol.
It is documented when the nearest line above it that is not an attribute (`@...`) is a `///` comment (or the end
of a `/** ... */` block). Extensions are not declarations themselves; their members count by the rules above.

Prints every undocumented declaration (file:line: text), then one line per module with its percentage, then the
total. Exits 1 when any listed module is below 100%, 2 on a usage error, 0 otherwise.
"""

import os
import re
import sys

DECL_KEYWORDS = (
    "func", "init", "var", "let", "case", "struct", "class", "enum", "protocol", "typealias", "subscript",
    "actor", "associatedtype",
)
TYPE_KEYWORDS = ("struct", "class", "enum", "protocol", "actor", "extension")
MODIFIERS = {
    "public", "open", "internal", "fileprivate", "private", "static", "class", "final", "override", "mutating",
    "nonmutating", "nonisolated", "indirect", "convenience", "required", "lazy", "weak", "unowned", "dynamic",
    "optional", "consuming", "borrowing", "isolated", "package", "distributed",
}
ACCESS = {"public", "open", "internal", "fileprivate", "private", "package"}
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\S")


def strip_code(text):
    """Return text with comments and string literals blanked (newlines kept), so braces can be counted."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"' or (c == "#" and re.match(r'#+"', text[i:])):
            hashes = len(re.match(r"#*", text[i:]).group(0))
            j = i + hashes
            triple = text.startswith('"""', j)
            quote = '"""' if triple else '"'
            j += len(quote)
            close = quote + "#" * hashes
            while j < n:
                if hashes == 0 and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(close, j):
                    j += len(close)
                    break
                if not triple and text[j] == "\n":
                    break
                j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def declaration(code_line):
    """(modifiers, keyword) of a declaration line, or None. Attributes before the modifiers are skipped."""
    tokens = code_line.split()
    k = 0
    while k < len(tokens) and tokens[k].startswith("@"):
        # @attr or @attr(args) where args contain no spaces in practice; skip a parenthesised run.
        if "(" in tokens[k] and ")" not in tokens[k]:
            while k < len(tokens) and ")" not in tokens[k]:
                k += 1
        k += 1
    mods = []
    while k < len(tokens):
        t = tokens[k]
        base = t.split("(")[0]
        nxt = tokens[k + 1] if k + 1 < len(tokens) else ""
        is_class_modifier = base == "class" and (
            nxt.split("(")[0] in MODIFIERS or re.match(r"(func|var|let|subscript|init)\b", nxt)
        )
        if base in MODIFIERS and (base != "class" or is_class_modifier):
            mods.append(t)
            k += 1
            continue
        break
    if k >= len(tokens):
        return None
    word = re.match(r"[A-Za-z_]+", tokens[k])
    if not word:
        return None
    kw = word.group(0)
    if kw in DECL_KEYWORDS or kw == "extension":
        if kw in ("init", "subscript") and not re.match(r"(init|subscript)[?!]?[(<]", tokens[k]):
            return None
        return mods, kw
    return None


def documented(lines, index):
    j = index - 1
    while j >= 0:
        s = lines[j].strip()
        if s.startswith("@") or s.startswith("#if") or s.startswith("#endif") or s.startswith("#else"):
            j -= 1
            continue
        return s.startswith("///") or s.endswith("*/")
    return False


def scan(path):
    """Yield (line number, text, documented) for each public declaration of one file."""
    text = open(path, encoding="utf-8").read()
    raw = text.split("\n")
    code = strip_code(text).split("\n")
    # Stack of contexts: ("enum"|"protocol"|"type"|"extension"|"other", public?)
    stack = []
    pending = None
    for i, line in enumerate(code):
        decl = declaration(line)
        top = stack[-1] if stack else ("file", True)
        if decl:
            mods, kw = decl
            base_mods = {m.split("(")[0] for m in mods}
            explicit_public = any(m in ("public", "open") for m in mods)
            counted = False
            if kw != "extension":
                if explicit_public:
                    counted = True
                elif top[0] == "enum" and top[1] and kw == "case":
                    counted = True
                elif top[0] == "protocol" and top[1] and kw in ("func", "init", "var", "subscript", "associatedtype", "typealias"):
                    counted = True
            if counted:
                yield i + 1, raw[i].strip(), documented(raw, i)
            if kw in TYPE_KEYWORDS:
                is_public = explicit_public
                kind = {"enum": "enum", "protocol": "protocol", "extension": "extension"}.get(kw, "type")
                pending = (kind, is_public)
            elif kw in ("func", "init", "var", "let", "subscript", "case"):
                pending = ("other", False)
        for ch in line:
            if ch == "{":
                stack.append(pending or ("other", False))
                pending = None
            elif ch == "}":
                if stack:
                    stack.pop()


def main(argv):
    quiet = "--quiet" in argv
    dirs = [a for a in argv if a != "--quiet"]
    if not dirs:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    below = False
    total_all = documented_all = 0
    summary = []
    for d in dirs:
        if not os.path.isdir(d):
            print(f"doc-coverage: {d} is not a directory", file=sys.stderr)
            return 2
        total = ok = 0
        files = sorted(
            os.path.join(root, f) for root, _, names in os.walk(d) for f in names if f.endswith(".swift")
        )
        for path in files:
            for number, text, is_doc in scan(path):
                total += 1
                if is_doc:
                    ok += 1
                elif not quiet:
                    print(f"{path}:{number}: {text}")
        pct = 100.0 * ok / total if total else 100.0
        if ok < total:
            below = True
        summary.append(f"{os.path.normpath(d)}: {ok}/{total} documented ({pct:.1f}%)")
        total_all += total
        documented_all += ok
    for s in summary:
        print(s)
    pct = 100.0 * documented_all / total_all if total_all else 100.0
    print(f"total: {documented_all}/{total_all} documented ({pct:.1f}%)")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
