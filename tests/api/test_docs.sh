#!/usr/bin/env bash
# test_docs.sh - every curl example of docs/api.md, docs/staffing.md and README.md, run in
# document order against a fresh `alihdaya demo`, checked against what the text says.
#
# The conventions an example follows (docs/api.md, "Examples that run"):
#  - a line that begins with `curl` (in a fenced block, or an indented block) is an example;
#    it goes on while a line ends with `\` or a quote is open. One command, no pipes.
#  - the base URL is $A (a literal http://127.0.0.1:8080 is read as $A too);
#  - the token is a role variable ($ADMIN, $MANAGER, $WORKER, $CLIENT, $AUDITOR: the demo's
#    admin, maya, ana, acme-ops, audrey) or $T, which is the token of the first role the
#    example's heading names after its dash ("### POST /v1/items — staff, client": $MANAGER;
#    admin, staff or manager, worker, client, auditor; anything else: $MANAGER);
#  - the next line may state the answer: `# => STATUS` or `# => STATUS {JSON}`; every field
#    the JSON names must be in the answer with that value (objects compared field by field,
#    arrays item by item from the start). Without it the answer must be 2xx;
#  - `<!-- doc-test: skip: REASON -->` before an example skips it (listed in the output).
# Ids are the demo's, and an example sees the records the examples before it made.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)

"$BIN" demo --data "$TMP/demo" --port 0 >"$TMP/demo.out" 2>"$TMP/demo.err" &
SERVER_PID=$!
wait_listening "$TMP/demo.out" "$TMP/demo.err" 600   # the demo first creates 500 items

# The tokens as a reader gets them: the demo's export line, pasted.
line=$(grep '^export MANAGER=' "$TMP/demo.out")
[ -n "$line" ] && ok "demo prints the export line" || { bad "demo prints no export line"; exit 1; }
eval "$line"
for v in MANAGER WORKER CLIENT AUDITOR ADMIN A; do
  [ -n "${!v:-}" ] && ok "export line sets $v" || bad "export line sets no $v"
done
grep -q 'Ctrl-C' "$TMP/demo.out" && ok "demo says how to stop it" || bad "demo does not say how to stop it"
# The port was 0 (a free one): the base URL is the one it listens on.
export A="http://127.0.0.1:$PORT" MANAGER WORKER CLIENT AUDITOR ADMIN

python3 - "$ROOT" "$TMP" <<'EOF'
import json, os, re, subprocess, sys

root, tmp = sys.argv[1], sys.argv[2]
docs = ["docs/api.md", "docs/staffing.md", "README.md"]
roles = {"admin": "ADMIN", "staff": "MANAGER", "manager": "MANAGER", "worker": "WORKER",
         "client": "CLIENT", "auditor": "AUDITOR"}
passed = failed = 0
skipped = []

def role_of(heading):
    # "### POST /v1/x — staff, client · Idempotency-Key" -> MANAGER
    m = re.search(r"\s—\s*([A-Za-z]+)", heading or "")
    return roles.get(m.group(1).lower(), "MANAGER") if m else "MANAGER"

def is_open(cmd):
    # A command goes on while it ends with a backslash or a quote is still open.
    if cmd.endswith("\\"):
        return True
    sq = dq = False
    for ch in cmd:
        if ch == "'" and not dq:
            sq = not sq
        elif ch == '"' and not sq:
            dq = not dq
    return sq or dq

def examples(path):
    lines = open(os.path.join(root, path), encoding="utf-8").read().split("\n")
    heading, skip, i = None, None, 0
    while i < len(lines):
        raw = lines[i]
        s = raw.strip()
        if re.match(r"#{1,6} ", raw):
            heading = raw
        m = re.match(r"<!--\s*doc-test:\s*skip:?\s*(.*?)\s*-->", s)
        if m:
            skip = m.group(1) or "(no reason given)"
        if s.startswith("curl ") and (raw.startswith("curl ") or raw.startswith("    ") or
                                      raw.startswith("\t")):
            start, cmd = i + 1, s
            while is_open(cmd) and i + 1 < len(lines):
                i += 1
                cmd = (cmd[:-1] if cmd.endswith("\\") else cmd + "\n") + lines[i].strip()
            want = None
            if i + 1 < len(lines):
                m = re.match(r"\s*#\s*=>\s*(\d{3})\s*(.*)$", lines[i + 1])
                if m:
                    want = (int(m.group(1)), m.group(2).strip() or None)
            yield {"file": path, "line": start, "cmd": cmd, "role": role_of(heading),
                   "want": want, "skip": skip}
            skip = None
        i += 1

def subset(want, got, where=""):
    """The first field of want that got lacks or differs in, or None."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"{where or '.'} is not an object"
        for k, v in want.items():
            if k not in got:
                return f"{where}.{k} is missing"
            e = subset(v, got[k], f"{where}.{k}")
            if e:
                return e
        return None
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) < len(want):
            return f"{where} is not an array of at least {len(want)}"
        for k, v in enumerate(want):
            e = subset(v, got[k], f"{where}[{k}]")
            if e:
                return e
        return None
    if want != got or type(want) is bool and type(got) is not bool:
        return f"{where} is {json.dumps(got)}, the text says {json.dumps(want)}"
    return None

env = dict(os.environ)
body_f, err_f = os.path.join(tmp, "doc_body"), os.path.join(tmp, "doc_err")
for doc in docs:
    for ex in examples(doc):
        where = f"{ex['file']}:{ex['line']}"
        first = ex["cmd"].split("\n")[0][:90]
        if ex["skip"]:
            skipped.append(f"{where} ({ex['skip']}): {first}")
            continue
        cmd = ex["cmd"].replace("http://127.0.0.1:8080", "$A")
        # Our flags right after `curl`: the body to a file, the status on stdout.
        cmd = re.sub(r"^curl ", f"curl -o '{body_f}' -w '%{{http_code}}' ", cmd, count=1)
        env["T"] = env[ex["role"]]
        r = subprocess.run(["bash", "-c", cmd], env=env, capture_output=True, text=True)
        status = int(r.stdout.strip() or 0) if r.stdout.strip().isdigit() else 0
        text = open(body_f, encoding="utf-8", errors="replace").read() if os.path.exists(body_f) else ""
        if os.path.exists(body_f):
            os.unlink(body_f)
        want_status, want_json = ex["want"] if ex["want"] else (None, None)
        why = None
        if r.returncode != 0:
            why = f"curl failed ({r.returncode}): {r.stderr.strip()[:200]}"
        elif want_status is None and not 200 <= status < 300:
            why = f"answered {status} and the text states no answer (2xx expected)"
        elif want_status is not None and status != want_status:
            why = f"answered {status}, the text says {want_status}"
        elif want_json:
            try:
                w = json.loads(want_json)
            except ValueError as e:
                why = f"the stated answer is not JSON ({e})"
            else:
                try:
                    g = json.loads(text)
                except ValueError:
                    why = "the answer is not JSON"
                else:
                    why = subset(w, g)
        if why:
            failed += 1
            print(f"FAIL - {where} [{ex['role'] if '$T' in ex['cmd'] else 'own token'}] {first}")
            print(f"    {why}")
            print(f"    body: {text[:300]}")
        else:
            passed += 1
            print(f"ok - {where} {status} {first}")

for s in skipped:
    print(f"skip - {s}")
print(f"docs: {passed} examples answered as written, {failed} did not, {len(skipped)} skipped")
with open(os.path.join(tmp, "doc_counts"), "w") as f:
    f.write(f"{passed} {failed}\n")
sys.exit(1 if failed or passed == 0 else 0)
EOF
rc=$?
read -r dpass dfail < "$TMP/doc_counts" 2>/dev/null || { dpass=0; dfail=1; }
PASS=$((PASS + dpass)); FAIL=$((FAIL + dfail))
[ "$rc" = 0 ] || [ "$dfail" -gt 0 ] || FAIL=$((FAIL + 1))

stop_server TERM; check "demo stops on TERM" 0 $?
finish
