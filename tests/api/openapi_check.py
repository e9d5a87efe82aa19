#!/usr/bin/env python3
"""openapi_check.py - checks an OpenAPI document against the route table of src/http/router.c.

    openapi_check.py ROOT DOC.json [--mutate]

Parses, independently of the C code, the route table and the query allow-list of
src/http/router.c (with the HTTP_Q_ macros of src/http/http_int.h) and the fragment files
docs/openapi/paths/*.json, then checks that:
  - every route (method, path; `:id` <-> `{name}`, `*` <-> `{file}`) is an operation of the
    document, and every operation of the document is a route (the web routes `/` and
    `/web/*` included: they are documented too);
  - every operation has a summary and at least one response, one of them 2xx;
  - its path parameters are exactly the braces of its path, and its query parameters exactly
    the route's allow-list (none for a route that has no row there);
  - a POL_PUBLIC route says `security: []`, and no other route does;
  - the document's operations are exactly those of the fragment files of the source tree
    (a fragment missing from the build, or a route whose fragment was not written, fails).
Prints one line per problem and exits 1 if there is any. With --mutate it also checks that
it can fail: a copy of the document without one operation, with a summary removed and with
a query parameter added must each be reported (exit 1 if one is not).
"""
import copy
import glob
import json
import os
import re
import sys

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def c_strings(text):
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', text))


def parse_router(root):
    src = open(os.path.join(root, "src/http/router.c")).read()
    hdr = open(os.path.join(root, "src/http/http_int.h")).read()
    macros = {}
    for m in re.finditer(r"#define\s+(HTTP_Q_\w+)((?:[^\n]*\\\n)*[^\n]*)", hdr):
        macros[m.group(1)] = c_strings(m.group(2))
    table = src[src.index("http__routes[] = {"):]
    table = table[:table.index("\n};")]
    routes = {}
    for m in re.finditer(r'\{\s*"([A-Z]+)",\s*"([^"]+)",\s*(POL_\w+),\s*(h_\w+)\s*\}', table):
        routes[(m.group(1), m.group(2))] = m.group(3)
    qt = src[src.index("route_queries[] = {"):]
    qt = qt[:qt.index("\n};")]
    queries = {}
    for m in re.finditer(r'\{\s*"([A-Z]+)",\s*"([^"]+)",\s*([^}]*)\}', qt):
        val = ""
        for tok in re.findall(r'"(?:[^"\\]|\\.)*"|\w+', m.group(3)):
            val += c_strings(tok) if tok.startswith('"') else macros[tok]
        queries[(m.group(1), m.group(2))] = set(val.split())
    return routes, queries


def norm(path):
    """A document path as the route table writes it: {x} -> :id (the web's {file} -> *)."""
    if path == "/web/{file}":
        return "/web/*"
    return re.sub(r"\{[^}/]+\}", ":id", path)


def resolve(doc, p):
    while isinstance(p, dict) and "$ref" in p:
        node = doc
        for part in p["$ref"].lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        p = node
    return p


def operations(doc):
    for path, item in (doc.get("paths") or {}).items():
        for m, op in item.items():
            if m in METHODS:
                yield m.upper(), path, item, op


def fragments(root):
    ops, problems = {}, []
    files = sorted(glob.glob(os.path.join(root, "docs/openapi/paths/*.json")))
    if not files:
        problems.append("no fragment files in docs/openapi/paths")
    for f in files:
        name = os.path.basename(f)
        try:
            frag = json.load(open(f))
        except ValueError as e:
            problems.append(f"{name}: not JSON: {e}")
            continue
        if not isinstance(frag, dict):
            problems.append(f"{name}: not an object of path -> path item")
            continue
        for path, item in frag.items():
            for m in item:
                if m in METHODS:
                    key = (m.upper(), path)
                    if key in ops:
                        problems.append(f"{m.upper()} {path}: in both {ops[key]} and {name}")
                    ops[key] = name
    return ops, problems


def check(doc, routes, queries, frag_ops):
    problems = []
    seen = set()
    for method, path, item, op in operations(doc):
        key = (method, norm(path))
        seen.add(key)
        where = f"{method} {path}"
        if key not in routes:
            problems.append(f"{where}: documented, but not a route of router.c")
            continue
        if not (isinstance(op.get("summary"), str) and op["summary"].strip()):
            problems.append(f"{where}: no summary")
        resp = op.get("responses") or {}
        if not resp:
            problems.append(f"{where}: no response")
        elif not any(str(c).startswith("2") for c in resp):
            problems.append(f"{where}: no 2xx response")
        params = [resolve(doc, p) for p in (item.get("parameters") or []) + (op.get("parameters") or [])]
        want = re.findall(r"\{([^}/]+)\}", path)
        got = [p.get("name") for p in params if p.get("in") == "path"]
        if sorted(want) != sorted(got):
            problems.append(f"{where}: path parameters {sorted(got)}, the path has {sorted(want)}")
        for p in params:
            if p.get("in") == "path" and not p.get("required"):
                problems.append(f"{where}: path parameter {p.get('name')} not required")
        qdoc = {p.get("name") for p in params if p.get("in") == "query"}
        qwant = queries.get(key, set())
        if qdoc != qwant:
            problems.append(f"{where}: query parameters {sorted(qdoc)}, router.c allows {sorted(qwant)}")
        public = routes[key] == "POL_PUBLIC"
        if public and op.get("security") != []:
            problems.append(f"{where}: a public route (POL_PUBLIC) must say security: []")
        if not public and op.get("security") == []:
            problems.append(f"{where}: says security: [] but its action is {routes[key]}")
    for key in routes:
        if key not in seen:
            problems.append(f"{key[0]} {key[1]}: a route of router.c that the document does not "
                            f"have (write it in docs/openapi/paths/<branch>.json)")
    docops = {(m, p) for m, p, _, _ in operations(doc)}
    for key, name in frag_ops.items():
        if key not in docops:
            problems.append(f"{key[0]} {key[1]}: in {name} but not in the served document (stale build?)")
    for key in docops - set(frag_ops):
        problems.append(f"{key[0]} {key[1]}: served, but in no fragment file of docs/openapi/paths")
    return problems


def main():
    root, docfile = sys.argv[1], sys.argv[2]
    doc = json.load(open(docfile))
    routes, queries = parse_router(root)
    frag_ops, problems = fragments(root)
    if len(routes) < 100:
        problems.append(f"only {len(routes)} routes parsed from router.c: the parser is broken")
    if doc.get("openapi", "").split(".")[:2] != ["3", "1"]:
        problems.append(f"openapi is {doc.get('openapi')!r}, not 3.1.x")
    problems += check(doc, routes, queries, frag_ops)
    for p in problems:
        print("FAIL - " + p)
    n_ops = sum(1 for _ in operations(doc))
    print(f"{len(routes)} routes, {n_ops} documented operations, {len(frag_ops)} in fragments, "
          f"{len(problems)} problems")
    rc = 1 if problems else 0
    if "--mutate" in sys.argv:
        # The checker must be able to fail: three broken copies, each must be reported.
        m1 = copy.deepcopy(doc)
        del m1["paths"]["/v1/items/{id}"]["get"]
        f1 = dict(frag_ops)
        m2 = copy.deepcopy(doc)
        del m2["paths"]["/v1/clients"]["post"]["summary"]
        m3 = copy.deepcopy(doc)
        m3["paths"]["/v1/health"]["get"].setdefault("parameters", []).append(
            {"name": "verbose", "in": "query", "schema": {"type": "boolean"}})
        for what, d, needle in (("an operation removed", m1, "GET /v1/items/:id: a route"),
                                ("a summary removed", m2, "POST /v1/clients: no summary"),
                                ("a query parameter added", m3, "GET /v1/health: query parameters")):
            got = check(d, routes, queries, f1)
            if any(p.startswith(needle) for p in got):
                print(f"ok - the checker reports {what}")
            else:
                print(f"FAIL - the checker misses {what}: {got[:3]}")
                rc = 1
    sys.exit(rc)


if __name__ == "__main__":
    main()
