#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""spec_check.py SPEC INCDIR: the YAML spec and the uapi header agree.

Every enum of the header that the spec describes (commands, attribute
sets, enums) must hold exactly the spec's names, with the spec's values:
values are checked by the C compiler (static assertions over the header),
the absence of extra names by reading the header's enum bodies.
"""
import re
import subprocess
import sys
import tempfile

import yaml


def cname(prefix, name):
    return (prefix + name).upper().replace("-", "_")


def entries(items, first):
    out, v = [], first
    for it in items:
        if isinstance(it, dict):
            v = it.get("value", v)
            out.append((it["name"], v))
        else:
            out.append((it, v))
        v += 1
    return out


def header_enum(text, name):
    m = re.search(r"enum\s+%s\s*\{(.*?)\};" % re.escape(name), text, re.S)
    if not m:
        return None
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    names = [x.split("=")[0].strip() for x in body.split(",")]
    return [n for n in names if n and not n.startswith("__") and not n.endswith("_MAX")]


def main():
    spec = yaml.safe_load(open(sys.argv[1]))
    inc = sys.argv[2]
    text = open(f"{inc}/linux/lsgc_netlink.h").read()
    asserts, problems = [], []

    def want(enum, prefix, pairs, unspec=None):
        names = [cname(prefix, n) for n, _ in pairs]
        for (n, v), c in zip(pairs, names):
            asserts.append(f"_Static_assert({c} == {v}, \"{c} is not {v}\");")
        have = header_enum(text, enum)
        if have is None:
            problems.append(f"enum {enum} missing from the header")
            return
        extra = [h for h in have if h not in names and h != unspec]
        missing = [n for n in names if n not in have]
        if extra or missing:
            problems.append(f"enum {enum}: not in the spec {extra}, not in the header {missing}")

    for d in spec.get("definitions", []):
        if d["type"] == "enum":
            want(d["enum-name"], d["name-prefix"], entries(d["entries"], 0))
        elif d["type"] == "const":
            asserts.append(f"_Static_assert({cname('lsgc-', d['name'])} == {d['value']}, \"{d['name']}\");")
    for s in spec["attribute-sets"]:
        want(s["enum-name"], s["name-prefix"], entries(s["attributes"], 1),
             unspec=cname(s["name-prefix"], "unspec"))
    ops = spec["operations"]
    want(ops["enum-name"], ops["name-prefix"], entries(ops["list"], 1),
         unspec=cname(ops["name-prefix"], "unspec"))
    grp = spec["mcast-groups"]["list"][0]["name"]
    src = "#include <linux/lsgc_netlink.h>\n#include <string.h>\n" + "\n".join(asserts) + \
        f"\nint main(void) {{ return strcmp(LSGC_GENL_NAME, \"{spec['name']}\") || " \
        f"strcmp(LSGC_GENL_MCGRP_EVENTS, \"{grp}\"); }}\n"
    with tempfile.TemporaryDirectory() as tmp:
        open(f"{tmp}/t.c", "w").write(src)
        r = subprocess.run(["cc", "-Wall", "-I", inc, "-o", f"{tmp}/t", f"{tmp}/t.c"],
                           capture_output=True, text=True)
        if r.returncode:
            problems.append("values differ:\n" + r.stderr)
        elif subprocess.run([f"{tmp}/t"]).returncode:
            problems.append("family or multicast group name differs")
    for p in problems:
        for ln in p.splitlines():
            print(f"# {ln}")
    print(f"# {len(asserts)} values checked")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
