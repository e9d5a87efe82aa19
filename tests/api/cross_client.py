#!/usr/bin/env python3
# cross_client.py - the driver of test_cross_client.sh: three clients, every role, every route.
#
# Usage: cross_client.py BASE BIN DATA ROUTER_C POLICY_C API_MD CANARY_FILE
#
# (1) The authorisation matrix: every route of src/http/router.c (a route the PROBES table
#     below does not describe fails the test) x no token, admin, manager, auditor and, for
#     each of the 3 clients, its client user and its worker x every record of every client.
#     The expected answer of a cell comes from docs/api.md's access table (the action of a
#     route from its POL_ name in policy.c); a request of a client user or worker about a
#     record of another client must never answer 2xx, and is sent with a body that would
#     be accepted on a record of its own (so only the scope can stop it). Tokens are
#     records too (one made per user beside the one it acts with): anyone but an admin
#     reaches only its own, another user's answers as a missing one, and each still works
#     after every revoke aimed at it; no token list holds another user's token, and no
#     answer but a token's creation holds a token's text.
# (2) Canaries: each client's payloads, results, external_refs, reasons and engagement names
#     hold strings unique to it; no answer to another client's user or worker, and no answer
#     without a token, holds one; auditors never see a payload or result canary. The
#     canaries are written to CANARY_FILE for the shell to grep the server's logs.
# (3) Forbidden fields: every create, PATCH and item command with client_id, role, state,
#     worker_id, lease, epoch, id, created_at, active (those its body does not take) answers
#     400 or changes nothing, and the same body without them then succeeds.
import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE, BIN, DATA, ROUTER_C, POLICY_C, API_MD, CANARY_FILE = sys.argv[1:8]

PASS = 0
FAIL = 0
FAILS = []


def ok(msg):
    global PASS
    PASS += 1


def bad(msg):
    global FAIL
    FAIL += 1
    FAILS.append(msg)
    print("FAIL - " + msg, flush=True)


def check(cond, msg):
    ok(msg) if cond else bad(msg)
    return cond


# ------------------------------------------------------------------ HTTP

# Every answer, with who asked and what was sent: the canary scan reads them all.
SEEN = []


class UnixConnection(http.client.HTTPConnection):
    """HTTP over the server's local socket (DATA/alihdaya.sock)."""

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(20)
        self.sock.connect(os.path.join(DATA, "alihdaya.sock"))


# None: TCP at BASE; "unix": the local socket, where a token acts as its user too.
TRANSPORT = None


# A request refused when its headers arrive is answered before its body is read, and the
# connection closed: the send may then fail (EPIPE, ECONNRESET) with the answer already
# waiting to be read. Status 0: the server closed without an answer (a failed check).
SEND_ERRORS = (BrokenPipeError, ConnectionResetError)
CUT_SENDS = 0


def call_unix(method, path, hdrs, data):
    global CUT_SENDS
    conn = UnixConnection("localhost")
    try:
        try:
            conn.request(method, path, body=data, headers=hdrs)
        except SEND_ERRORS:
            CUT_SENDS += 1
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace"), str(resp.headers)
    except (http.client.HTTPException, OSError) as e:
        return 0, f"no answer: {e!r}", ""
    finally:
        conn.close()


def call(method, path, token=None, body=None, who=None, headers=None):
    data = None
    hdrs = dict(headers or {})
    if token:
        hdrs["Authorization"] = "Bearer " + token
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=hdrs)
    if TRANSPORT == "unix":
        status, text, rhdrs = call_unix(method, path, hdrs, data)
    else:
        status, text, rhdrs = call_tcp(req)
    if status == 0:
        bad(f"{method} {path} as {who}: the server closed the connection without an answer "
            f"({text})")
    SEEN.append({"who": who, "method": method, "path": path,
                 "sent": path + (data.decode("utf-8", "replace") if data else ""),
                 "status": status, "text": rhdrs + "\n" + text})
    try:
        js = json.loads(text) if text else None
    except ValueError:
        js = None
    return status, js


def call_tcp(req):
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            status, text = resp.status, resp.read().decode("utf-8", "replace")
            rhdrs = str(resp.headers)
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode("utf-8", "replace")
        rhdrs = str(e.headers)
    except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
        status, text, rhdrs = 0, f"no answer: {e!r}", ""
    return status, text, rhdrs


def must(status, js, want, what):
    if status != want:
        print(f"setup: {what}: HTTP {status} {json.dumps(js)[:300]}", file=sys.stderr)
        sys.exit(1)
    return js


# Every token text handed out: none may appear in any answer but the one that made it.
SECRETS = set()


def token_for(user):
    out = subprocess.run([BIN, "token", "create", "--data", DATA, "--user", user],
                         capture_output=True, text=True, check=True)
    SECRETS.add(out.stdout.strip())
    return out.stdout.strip()


# The "token" records of the matrix: id -> the user it speaks for, that user's client (None:
# staff) and its text. Made through the API (its answer has the id), one per user, beside
# the token the user acts with: a revoke the scope failed to stop kills only this one.
TOKS = {}


def mint(uid, ci):
    js = must(*call("POST", f"/v1/users/{uid}/tokens", ADMIN, {}), 201, "token for the matrix")
    check(isinstance(js.get("id"), int) and js.get("user_id") == uid,
          f"POST /v1/users/{uid}/tokens answers the token's id and user: {js}")
    SECRETS.add(js["token"])
    TOKS[js["id"]] = {"uid": uid, "ci": ci, "tok": js["token"]}
    return js["id"]


# ------------------------------------------------------------------ the world

ADMIN = token_for("admin")
MGR_UID = must(*call("POST", "/v1/users", ADMIN, {"name": "mgr", "role": "manager"}), 201,
               "manager")["id"]
AUD_UID = must(*call("POST", "/v1/users", ADMIN, {"name": "aud", "role": "auditor"}), 201,
               "auditor")["id"]
ADMIN_UID = [u["id"] for u in must(*call("GET", "/v1/users?limit=500", ADMIN), 200,
                                   "users")["data"] if u["name"] == "admin"][0]
MGR = token_for("mgr")
AUD = token_for("aud")

RUN = secrets.token_hex(4)
FIELDS = ["payload", "result", "ref", "rework", "cancel", "fail", "engname", "milestone"]
NCLI = 3
CLIENTS = []      # per client: id, canaries, users, records
CANARIES = {}     # canary -> (client index, field)


def canary(ci, field):
    c = f"cnry{RUN}c{ci}{field}{secrets.token_hex(3)}"
    CANARIES[c] = (ci, field)
    return c


for ci in range(NCLI):
    cl = {"i": ci, "can": {f: [] for f in FIELDS}}
    cl["id"] = must(*call("POST", "/v1/clients", ADMIN,
                          {"code": f"cli{ci}", "name": f"Client {ci}"}), 201, "client")["id"]
    uname = f"cli{ci}-user"
    cl["user_id"] = must(*call("POST", "/v1/users", ADMIN,
                               {"name": uname, "role": "client", "client_id": cl["id"]}),
                         201, "client user")["id"]
    cl["utok"] = token_for(uname)
    eng = {}
    for kind, svc, skill, lvl in (("bpo", "data_entry", "data_entry", 2),
                                  ("kpo", "legal", "legal_research", 4)):
        name = canary(ci, "engname")
        cl["can"]["engname"].append(name)
        eng[kind] = must(*call("POST", "/v1/engagements", MGR, {
            "client_id": cl["id"], "service_code": svc, "name": "Eng " + name,
            "required_skills": [{"code": skill, "level": lvl}], "sla_seconds": 86400,
            "lease_seconds": 3600}), 201, "engagement")["id"]
    cl["eng"] = eng
    login = f"w{ci}"
    w = must(*call("POST", "/v1/workers", MGR, {
        "login": login, "name": f"Worker {ci}",
        "skills": [{"code": "data_entry", "level": 3}, {"code": "legal_research", "level": 5}],
        "languages": [{"code": "en", "level": 5}], "country": "PH", "time_zone": "Asia/Manila",
        "capacity": 3, "cost_per_hour": {"amount_minor": 900, "currency": "USD"},
        "clearances": [cl["id"]]}), 201, "worker")
    cl["worker_id"] = w["id"]
    cl["wtok"] = token_for(login)
    st, us = call("GET", "/v1/users?limit=500", ADMIN)
    cl["wuser_id"] = [u["id"] for u in us["data"] if u["name"] == login][0]
    CLIENTS.append(cl)


def new_item(cl, kind, key=None):
    pc, rc = canary(cl["i"], "payload"), canary(cl["i"], "ref")
    cl["can"]["payload"].append(pc)
    cl["can"]["ref"].append(rc)
    hdr = {"Idempotency-Key": key} if key else None
    st, js = call("POST", "/v1/items", cl["utok"],
                  {"engagement_id": cl["eng"][kind], "external_ref": rc,
                   "payload": {"note": pc, "n": 1}}, headers=hdr)
    return must(st, js, 201, "item create")["id"]


def lease(cl, want):
    js = must(*call("POST", "/v1/work/next", cl["wtok"]), 200, "work/next")
    if js.get("id") != want:
        print(f"setup: worker {cl['i']} leased {js.get('id')}, not {want}", file=sys.stderr)
        sys.exit(1)
    return js["epoch"]


def submit(cl, item, epoch):
    rc = canary(cl["i"], "result")
    cl["can"]["result"].append(rc)
    must(*call("POST", f"/v1/items/{item}/submit", cl["wtok"],
               {"epoch": epoch, "result": {"answer": rc}}), 200, "submit")


for cl in CLIENTS:
    it = {}
    # done: leased, submitted, approved by the senior reviewer (staff), sent back by the
    # client with a reason, leased again, submitted, approved again, accepted by the client.
    i = it["done"] = new_item(cl, "kpo")
    submit(cl, i, lease(cl, i))
    must(*call("POST", f"/v1/items/{i}/review", MGR, {}), 200, "senior review")
    r = canary(cl["i"], "rework")
    cl["can"]["rework"].append(r)
    must(*call("POST", f"/v1/items/{i}/rework", cl["utok"], {"reason": r}), 200, "rework")
    submit(cl, i, lease(cl, i))
    must(*call("POST", f"/v1/items/{i}/review", MGR, {}), 200, "senior review")
    must(*call("POST", f"/v1/items/{i}/accept", cl["utok"], {}), 200, "accept")
    i = it["in_review"] = new_item(cl, "kpo")
    # A milestone whose title is the client's text (sealed; its own people read it).
    r = canary(cl["i"], "milestone")
    cl["can"]["milestone"].append(r)
    must(*call("POST", f"/v1/items/{i}/milestones", cl["utok"],
               {"title": r, "due_at": "2030-01-01T00:00:00Z"}), 201, "milestone")
    submit(cl, i, lease(cl, i))
    must(*call("POST", f"/v1/items/{i}/review", MGR, {}), 200, "review")
    i = it["submitted"] = new_item(cl, "kpo")
    submit(cl, i, lease(cl, i))
    i = it["cancelled"] = new_item(cl, "bpo")
    r = canary(cl["i"], "cancel")
    cl["can"]["cancel"].append(r)
    must(*call("POST", f"/v1/items/{i}/cancel", cl["utok"], {"reason": r}), 200, "cancel")
    i = it["failed"] = new_item(cl, "bpo")
    r = canary(cl["i"], "fail")
    cl["can"]["fail"].append(r)
    must(*call("POST", f"/v1/items/{i}/fail", MGR, {"reason": r}), 200, "fail")
    i = it["assigned"] = new_item(cl, "bpo")
    cl["epoch"] = lease(cl, i)
    # The same Idempotency-Key for every client's user: each gets its own item, no replay.
    i = it["queued"] = new_item(cl, "bpo", key="same-key-for-all-clients")
    cl["items"] = it

# imports (issue 11): one small CSV import per client by its user, its job a record; its
# one row is rejected (a field too many), so no item joins the world's queues.
for cl in CLIENTS:
    st, text, _ = call_tcp(urllib.request.Request(
        BASE + f"/v1/engagements/{cl['eng']['bpo']}/imports", method="POST",
        data=b"external_ref,note\nR1,x,extra\n",
        headers={"Authorization": "Bearer " + cl["utok"], "Content-Type": "text/csv"}))
    cl["import"] = must(st, json.loads(text or "null"), 202, "import")["id"]

# time and periods (issue 12; test_time.sh tests them whole): per client an approved week
# long past and a manual entry of its worker in it (a client reads approved time only),
# and a process-fit assessment its user stored.
ANSWERS = {"focus": "cost", "process": "predefined", "specialisation": "general",
           "driving_force": "volume", "activity": "transactional", "client_contact": "rare",
           "rules": "rules", "data_sensitivity": "low", "volume_hours_per_month": 800}
TIME_WORKER = {}
for cl in CLIENTS:
    cl["period"] = must(*call("POST", f"/v1/engagements/{cl['eng']['bpo']}/periods", MGR,
                              {"kind": "week", "start": "2020-01-06"}), 201, "period")["id"]
    cl["time"] = must(*call("POST", f"/v1/engagements/{cl['eng']['bpo']}/time", MGR,
                            {"worker_id": cl["worker_id"], "started_at": "2020-01-07T10:00:00Z",
                             "duration_ms": 60000}), 201, "time entry")["id"]
    TIME_WORKER[cl["time"]] = cl["worker_id"]
    must(*call("POST", f"/v1/periods/{cl['period']}/approve", MGR, {}), 200, "approve")
    cl["assessment"] = must(*call("POST", "/v1/assessments", cl["utok"], {"answers": ANSWERS}),
                            201, "assessment")["id"]

for cl in CLIENTS:
    st, js = call("GET", f"/v1/items/{cl['items']['queued']}", ADMIN)
    check(js["client_id"] == cl["id"] and js["payload"]["note"] in cl["can"]["payload"],
          f"client {cl['i']}: a shared Idempotency-Key made its own item")

for uid in (ADMIN_UID, MGR_UID, AUD_UID):
    mint(uid, None)
for cl in CLIENTS:
    mint(cl["user_id"], cl["i"])
    mint(cl["wuser_id"], cl["i"])

# A worker of client 0 below every engagement's level: its work/next reasons name
# engagements, and must name only its own client's.
w = must(*call("POST", "/v1/workers", MGR, {
    "login": "w0low", "name": "Low", "skills": [{"code": "data_entry", "level": 1}],
    "languages": [{"code": "en", "level": 5}], "country": "PH", "time_zone": "UTC",
    "cost_per_hour": {"amount_minor": 1, "currency": "USD"},
    "clearances": [CLIENTS[0]["id"]]}), 201, "low worker")
LOW = token_for("w0low")
# A webhook endpoint per client, registered by its own user (nothing listens on port 9:
# no event fires in the matrix anyway, its writes are probes).
for cl in CLIENTS:
    cl["webhook"] = must(*call("POST", "/v1/webhooks", cl["utok"], {
        "url": "http://127.0.0.1:9/hook", "events": ["item.done"]}), 201, "webhook")["id"]
# billing (issue 12): a rate card on every client's BPO engagement (its minimum makes every
# draft hold a line) and its billing settings; where the time routes exist (branch time),
# a January period approved and locked and its draft invoice, per client.
for cl in CLIENTS:
    for k in ("bpo", "kpo"):
        must(*call("PUT", f"/v1/engagements/{cl['eng'][k]}/rates", MGR, {
            "currency": "USD", "hourly": [{"grade": 0, "price": "11.00"}],
            "minimum": "100.00"}), 200, "rates")
    must(*call("PUT", f"/v1/clients/{cl['id']}/billing", MGR, {"language": "en"}), 200,
         "billing")
    cl["bill_period"] = cl["invoice"] = None
if '{"POST", "/v1/engagements/:id/periods",' in open(ROUTER_C).read():
    for cl in CLIENTS:
        per = must(*call("POST", f"/v1/engagements/{cl['eng']['bpo']}/periods", MGR,
                         {"kind": "month", "start": "2026-01-01"}), 201, "period")["id"]
        must(*call("POST", f"/v1/periods/{per}/approve", MGR), 200, "approve")
        must(*call("POST", f"/v1/periods/{per}/lock", MGR), 200, "lock")
        cl["bill_period"] = per
        cl["invoice"] = must(*call("POST", f"/v1/periods/{per}/invoice", MGR), 201,
                             "draft")["id"]
# Switched off: client 1's KPO engagement and client 2 itself. Another client's paused
# engagement or deactivated client must answer as a missing one (404), not 409 "paused".
must(*call("POST", f"/v1/engagements/{CLIENTS[1]['eng']['kpo']}/deactivate", MGR), 200, "pause")
must(*call("POST", f"/v1/clients/{CLIENTS[2]['id']}/deactivate", MGR), 200, "deactivate")

with open(CANARY_FILE, "w") as f:
    f.write("\n".join(CANARIES) + "\n")

# Actors: the global roles once, the client-scoped ones once per client.
ACTORS = [{"name": "none", "role": None, "tok": None, "ci": None, "uid": None},
          {"name": "admin", "role": "admin", "tok": ADMIN, "ci": None, "uid": ADMIN_UID},
          {"name": "manager", "role": "manager", "tok": MGR, "ci": None, "uid": MGR_UID},
          {"name": "auditor", "role": "auditor", "tok": AUD, "ci": None, "uid": AUD_UID}]
for cl in CLIENTS:
    ACTORS.append({"name": f"client{cl['i']}", "role": "client", "tok": cl["utok"],
                   "ci": cl["i"], "uid": cl["user_id"]})
    ACTORS.append({"name": f"worker{cl['i']}", "role": "worker", "tok": cl["wtok"],
                   "ci": cl["i"], "wid": cl["worker_id"], "uid": cl["wuser_id"]})

# ------------------------------------------------------------------ the tables read

routes = re.findall(r'\{"(GET|POST|PATCH|PUT|DELETE)",\s*"([^"]+)",\s*(POL_\w+),',
                    open(ROUTER_C).read())
pol_names = dict(re.findall(r'\[(POL_\w+)\]\s*=\s*\{\s*"([^"]+)"', open(POLICY_C).read()))
md = open(API_MD).read()
table = md[md.index("<!-- access-table:begin -->"):md.index("<!-- access-table:end -->")]
ROLES = ["admin", "manager", "worker", "client", "auditor"]
RULES = {}
for line in table.splitlines():
    m = re.match(r"\|\s*`([a-z.]+)`\s*\|(.*)\|\s*$", line)
    if m:
        RULES[m.group(1)] = dict(zip(ROLES, [c.strip() for c in m.group(2).split("|")]))
check(len(routes) >= 50, f"router.c parsed: {len(routes)} routes")
check(len(RULES) >= 30, f"docs/api.md access table parsed: {len(RULES)} actions")

# ------------------------------------------------------------------ the probes

# The records of every kind, each with the client it belongs to (None: no client's).
def records(kind):
    out = []
    for cl in CLIENTS:
        if kind == "client":
            out.append((cl["id"], cl["i"]))
        elif kind == "engagement":
            out += [(cl["eng"]["bpo"], cl["i"]), (cl["eng"]["kpo"], cl["i"])]
        elif kind == "item":
            out += [(v, cl["i"]) for v in cl["items"].values()]
        elif kind == "worker":
            out.append((cl["worker_id"], cl["i"]))
        elif kind == "user":
            out += [(cl["user_id"], cl["i"]), (cl["wuser_id"], cl["i"])]
        elif kind == "webhook":
            out.append((cl["webhook"], cl["i"]))
        elif kind == "import":
            out.append((cl["import"], cl["i"]))
        elif kind in ("time", "period", "assessment"):
            out.append((cl[kind], cl["i"]))
        elif kind in ("invoice", "bill_period") and cl.get(kind):
            out.append((cl[kind], cl["i"]))
    if kind == "service":
        out = [(1, None), (2, None)]
    if kind == "token":
        out = [(tid, t["ci"]) for tid, t in TOKS.items()]
    # offers (issue 13): the matrix's world has no push engagement, so no offer: an id no
    # offer has, of no client (a worker answering another's offer, 404, is test_offers.sh's)
    if kind == "offer":
        out = [(int(NOID), None)]
    return out


def foreign_token(a, kind, rec):
    """A token of another user, asked about by a role that reaches only its own (token.*:
    'own'): it must answer as a missing one, whoever's it is."""
    return kind == "token" and a["role"] not in (None, "admin") and TOKS[rec]["uid"] != a["uid"]


def item_client(item):
    for cl in CLIENTS:
        if item in cl["items"].values():
            return cl
    return None


def item_state(item):
    cl = item_client(item)
    return [k for k, v in cl["items"].items() if v == item][0]


# What a client user or worker would send for a record of its own: the only thing that may
# stop it on another client's record is the scope. rec: the record id; a: the actor.
def body_for(method, pattern, rec, a):
    if pattern == "/v1/items/:id/submit":
        return {"epoch": item_client(rec)["epoch"] if item_state(rec) == "assigned" else 1,
                "result": {"x": 1}}
    if pattern == "/v1/items/:id/renew":
        return {"epoch": item_client(rec)["epoch"] if item_state(rec) == "assigned" else 1}
    if pattern == "/v1/items/:id/release":
        return {"epoch": item_client(rec)["epoch"] if item_state(rec) == "assigned" else 1,
                "reason": "break"}
    if pattern in ("/v1/items/:id/rework", "/v1/items/:id/fail", "/v1/items/:id/cancel"):
        return {"reason": "probe"}
    if pattern == "/v1/items/:id/milestones":
        return {"title": "probe", "due_at": "2030-01-01T00:00:00Z"}
    if pattern == "/v1/items/:id/milestones/:id":
        return {"deliverable": "probe"}
    if pattern == "/v1/engagements/:id/time":
        return {"duration_ms": 60000, "worker_id": CLIENTS[a["ci"]]["worker_id"]}
    if pattern == "/v1/engagements/:id/time/start":
        return {"worker_id": CLIENTS[a["ci"]]["worker_id"]}
    if pattern == "/v1/time/:id":
        return {"duration_ms": 1000, "started_at": "2020-01-07T10:00:00Z", "reason": "probe"}
    if pattern == "/v1/engagements/:id/periods":
        return {"kind": "week", "start": "2020-01-13"}
    if pattern == "/v1/workers/:id/status":
        return {"status": "away"}
    if pattern == "/v1/engagements/:id/defects":
        return {"defects": []}
    if pattern == "/v1/engagements/:id/sampling":
        return {"mode": "none"}
    if pattern == "/v1/items/:id/decision":
        return {"epoch": 1, "decision": "accept"}
    if pattern in ("/v1/clients/:id", "/v1/services/:id", "/v1/engagements/:id"):
        return {"name": "probe"}
    if pattern == "/v1/workers/:id":
        return {"capacity": 1}
    if pattern == "/v1/users/:id":
        return {"name": "probe"}
    if pattern == "/v1/engagements/:id/rates":
        return {"currency": "USD"}
    if pattern == "/v1/clients/:id/billing":
        return {"language": "en"}
    if method == "POST":
        return {}
    return None


# Every route: the kind of record its :id names (None: no id), or for a route without an
# id the probes a client-scoped actor sends about other clients' records. A route of
# router.c missing here fails the test: describe it before it ships.
PROBES = {
    "GET /v1/health": "public", "GET /metrics": "public", "GET /": "public",
    "GET /web/*": "public",
    "POST /v1/clients": None, "GET /v1/clients": None, "GET /v1/clients/:id": "client",
    "PATCH /v1/clients/:id": "client", "POST /v1/clients/:id/deactivate": "client",
    "POST /v1/clients/:id/activate": "client",
    "POST /v1/services": None, "GET /v1/services": None, "GET /v1/services/:id": "service",
    "PATCH /v1/services/:id": "service",
    "POST /v1/engagements": None, "GET /v1/engagements": None,
    "GET /v1/engagements/:id": "engagement", "GET /v1/engagements/:id/staffing": "engagement",
    "GET /v1/engagements/:id/queue": "engagement", "PATCH /v1/engagements/:id": "engagement",
    "POST /v1/engagements/:id/deactivate": "engagement",
    "POST /v1/engagements/:id/activate": "engagement",
    "POST /v1/users": None, "GET /v1/users": None, "GET /v1/users/:id": "user",
    "POST /v1/users/:id/tokens": "user", "PATCH /v1/users/:id": "user",
    "POST /v1/users/:id/deactivate": "user", "POST /v1/users/:id/activate": "user",
    "POST /v1/workers": None, "GET /v1/workers": None, "GET /v1/workers/:id": "worker",
    "POST /v1/workers/:id/status": "worker", "PATCH /v1/workers/:id": "worker",
    "POST /v1/workers/:id/deactivate": "worker", "POST /v1/workers/:id/activate": "worker",
    "POST /v1/items": None, "GET /v1/items": None, "GET /v1/items/:id": "item",
    "GET /v1/items/:id/history": "item", "GET /v1/items/:id/unmasked": "item", "POST /v1/items/:id/submit": "item",
    "POST /v1/items/:id/accept": "item", "POST /v1/items/:id/rework": "item",
    "POST /v1/items/:id/cancel": "item", "POST /v1/items/:id/review": "item",
    "POST /v1/items/:id/fail": "item", "POST /v1/items/:id/renew": "item",
    "POST /v1/work/next": None, "POST /v1/purge": None,
    "GET /v1/audit": None, "GET /v1/audit/verify": None,
    "GET /v1/audit/head": None, "GET /v1/audit/proof/inclusion": None,
    "GET /v1/audit/proof/consistency": None,
    "GET /v1/staff/erlang": None, "GET /v1/staff/skill-plan": None,
    "GET /v1/keys": None, "POST /v1/keys/rotate": None, "DELETE /v1/clients/:id": "client",
    "GET /v1/tokens": None, "GET /v1/tokens/:id": "token", "DELETE /v1/tokens/:id": "token",
    "POST /v1/tokens/:id/revoke": "token",
    # the browser's sign-in (test_sessions.sh tests it with cookies): public, and the
    # session's own routes, which a bearer token or the local socket is never signed in to
    "POST /v1/session": "public", "POST /v1/password": "public",
    "GET /v1/session": "session", "DELETE /v1/session": "session",
    "POST /v1/users/:id/password": "user", "POST /v1/users/:id/password-link": "user",
    "DELETE /v1/users/:id/sessions": "user",
    # fields (issue 10): an engagement's declared payload and result fields
    "GET /v1/engagements/:id/fields": "engagement", "PUT /v1/engagements/:id/fields": "engagement",
    # keying (issue 10): settings and decisions of an engagement, an item's answers
    "GET /v1/engagements/:id/keying": "engagement", "PUT /v1/engagements/:id/keying": "engagement",
    "GET /v1/engagements/:id/consensus": "engagement", "GET /v1/items/:id/answers": "item",
    # the engagement is named by the query (QUERY below holds its ":id")
    "GET /v1/quality/report": "engagement",
    # KPO deliverables: an item's milestones (the PATCH's second :id is the item's id too:
    # the item's scope answers before the milestone is looked up) and its review chain
    "POST /v1/items/:id/milestones": "item", "GET /v1/items/:id/milestones": "item",
    "PATCH /v1/items/:id/milestones/:id": "item", "GET /v1/items/:id/chain": "item",
    # review sampling (test_review.sh tests its flow)
    "GET /v1/engagements/:id/defects": "engagement", "PUT /v1/engagements/:id/defects": "engagement",
    "GET /v1/engagements/:id/sampling": "engagement",
    "PUT /v1/engagements/:id/sampling": "engagement",
    "GET /v1/engagements/:id/lots": "engagement", "GET /v1/review": None,
    "POST /v1/review/next": None, "POST /v1/items/:id/decision": "item",
    # gold items (test_gold.sh tests them whole): staff only; both ids of the switch are
    # the engagement's here, which staff's probe body stops first (400)
    "POST /v1/engagements/:id/gold": "engagement", "GET /v1/engagements/:id/gold": "engagement",
    "GET /v1/engagements/:id/gold/settings": "engagement",
    "PUT /v1/engagements/:id/gold/settings": "engagement",
    "POST /v1/engagements/:id/gold/:id/deactivate": "engagement",
    "POST /v1/engagements/:id/gold/:id/activate": "engagement",
    "GET /v1/workers/:id/quality": "worker", "POST /v1/workers/:id/requalify": "worker",
    # webhooks (test_webhooks.sh tests delivery): a client's own endpoints; the redeliver's
    # second id is the endpoint's too (the endpoint's scope answers before the delivery)
    "POST /v1/webhooks": None, "GET /v1/webhooks": None, "GET /v1/webhooks/:id": "webhook",
    "DELETE /v1/webhooks/:id": "webhook", "POST /v1/webhooks/:id/deactivate": "webhook",
    "POST /v1/webhooks/:id/activate": "webhook", "POST /v1/webhooks/:id/rotate": "webhook",
    "GET /v1/webhooks/:id/deliveries": "webhook",
    "POST /v1/webhooks/:id/deliveries/:id/redeliver": "webhook",
    # imports (test_imports.sh tests them whole): the matrix's JSON body is refused (400,
    # a CSV or JSON Lines upload is wanted) once the engagement's scope let it through
    "POST /v1/engagements/:id/imports": "engagement",
    "GET /v1/imports/:id": "import", "GET /v1/imports/:id/errors": "import",
    # exports (test_exports.sh tests the files): the engagement's scope decides
    "GET /v1/engagements/:id/export": "engagement",
    # release, worker states and offers (issue 13; test_release.sh, test_offers.sh)
    "POST /v1/items/:id/release": "item",
    "GET /v1/engagements/:id/offers": "engagement", "PUT /v1/engagements/:id/offers": "engagement",
    "GET /v1/offers": None, "POST /v1/offers/:id/accept": "offer",
    "POST /v1/offers/:id/decline": "offer",
    # the OpenAPI document (test_openapi.sh checks it against this route table)
    "GET /v1/openapi.json": "public",
    # time and periods (test_time.sh tests them whole), the cost side, assessments
    "POST /v1/engagements/:id/time": "engagement", "GET /v1/engagements/:id/time": "engagement",
    "POST /v1/engagements/:id/time/start": "engagement", "POST /v1/time/stop": None,
    "GET /v1/time/:id": "time", "PATCH /v1/time/:id": "time",
    "POST /v1/engagements/:id/periods": "engagement",
    "GET /v1/engagements/:id/periods": "engagement", "GET /v1/periods/:id": "period",
    "POST /v1/periods/:id/approve": "period", "POST /v1/periods/:id/lock": "period",
    "GET /v1/engagements/:id/cost": "engagement",
    "POST /v1/assessments": None, "GET /v1/assessments": None,
    "GET /v1/assessments/:id": "assessment",
    # the operations dashboard (issue 9): a client user's answer lists its own engagements
    # only (own_only reads "engagements"); the event stream is read up to its first event
    "GET /v1/dashboard": None, "GET /v1/dashboard/events": "stream",
    # billing (test_invoices.sh tests the flow): rate cards and savings by engagement,
    # settings by client, invoices by invoice, the draft by its (locked) period
    "PUT /v1/engagements/:id/rates": "engagement", "GET /v1/engagements/:id/rates": "engagement",
    "GET /v1/engagements/:id/savings": "engagement", "GET /v1/engagements/:id/margin": "engagement",
    "PUT /v1/clients/:id/billing": "client", "GET /v1/clients/:id/billing": "client",
    "POST /v1/periods/:id/invoice": "bill_period", "GET /v1/invoices": None,
    "GET /v1/invoices/:id": "invoice", "GET /v1/invoices/:id/csv": "invoice",
    "GET /v1/invoices/:id/pdf": "invoice", "GET /v1/invoices/:id/refs": "invoice",
    "GET /v1/invoices/:id/entries": "invoice", "POST /v1/invoices/:id/issue": "invoice",
    "POST /v1/invoices/:id/pay": "invoice", "POST /v1/invoices/:id/credit": "invoice",
    # routing (issue 13; test_routing.sh tests widening): staff, by engagement
    "GET /v1/engagements/:id/routing": "engagement", "PUT /v1/engagements/:id/routing": "engagement",
    # the floor's Prometheus series per engagement (the public /metrics has totals only)
    "GET /v1/metrics": None,
}
# Query strings a route needs to answer 200 at all.
QUERY = {"/v1/staff/erlang": "?contacts=10&aht=300&interval=1800",
         "/v1/staff/skill-plan": "?skill=data_entry", "/v1/audit/proof/inclusion": "?seq=1",
         "/v1/audit/proof/consistency": "?first=1", "/web/*": "",
         "/v1/quality/report": "?engagement=:id",
         "/v1/engagements/:id/export": "?format=csv", "/v1/invoices/:id/entries": "?line=1"}

for m, p, pol in routes:
    check(f"{m} {p}" in PROBES, f"route {m} {p} is covered by the cross-client probes")
    check(pol == "POL_PUBLIC" or pol_names.get(pol) in RULES,
          f"route {m} {p}: action {pol} is in docs/api.md's access table")
for k in PROBES:
    check(k in [f"{m} {p}" for m, p, _ in routes], f"probe {k} names a route of router.c")

CELLS = 0          # requests of the matrix
CROSS = 0          # of them: a client user or worker about another client's record
CROSS_ROUTES = set()
CROSS_ALL = set()  # every request of a client user or worker about another client's record


def in_scope_own(a, rec_ci):
    return a["ci"] is not None and rec_ci == a["ci"]


def classify(status):
    return "2xx" if 200 <= status < 300 else str(status)


def expect_cell(a, method, pattern, path, rule, rec_ci, body, kind, rec):
    """One request of the matrix, and the checks its answer must pass."""
    global CELLS, CROSS
    CELLS += 1
    st, js = call(method, path, a["tok"], body, who=a["name"])
    cell = f"{method} {path} as {a['name']}"
    if a["ci"] is not None and rec_ci is not None and rec_ci != a["ci"]:
        CROSS_ALL.add((TRANSPORT, a["name"], method, path))
    if a["role"] is None:
        return check(st == 401, f"{cell}: no token answers 401, got {st}")
    if rule == "—":
        return check(st == 403, f"{cell}: the table says — (403), got {st}")
    cross = a["ci"] is not None and rec_ci is not None and rec_ci != a["ci"]
    foreign = foreign_token(a, kind, rec)
    if cross or foreign:
        if cross:
            CROSS += 1
            CROSS_ROUTES.add(f"{method} {pattern}")
        whose = "another client's record" if cross else f"user {TOKS[rec]['uid']}'s token"
        if not check(st == 404, f"{cell}: {whose} answers 404, got {st}"
                     f" {json.dumps(js)[:200]}"):
            return False
        return same_as_missing(a, method, (pattern + QUERY.get(pattern, "")).replace(":id", NOID),
                               body, js, cell)
    if method != "GET":
        # Writes on records the actor may reach carry a probe field (so the world stays
        # as set up): past the role, the strict body refuses it.
        return check(st == 400, f"{cell}: {rule} passes the role, the probe body is 400,"
                     f" got {st}")
    want = 200
    if a["role"] == "worker" and rule == "leased to self":
        want = 200 if kind == "item" and rec == CLIENTS[a["ci"]]["items"]["assigned"] else 404
    if a["role"] == "worker" and rule == "self":
        want = 200 if rec == a["wid"] else 404
    if a["role"] == "worker" and rule == "self" and kind == "engagement":
        want = 200  # time.read: its own entries of an engagement of its client
    if a["role"] == "worker" and rule == "self" and kind == "time":
        want = 200 if TIME_WORKER.get(rec) == a["wid"] else 404
    return check(st == want, f"{cell}: {rule} answers {want}, got {st}")


# An id no record has: another client's record must answer exactly as this one does, so
# that an error says nothing about what exists (nor its state: a paused engagement, a
# closed item).
NOID = "999999999"
MISSING = {}


def same_as_missing(a, method, path, body, js, cell):
    key = (a["name"], method, path, json.dumps(body, sort_keys=True))
    if key not in MISSING:
        MISSING[key] = call(method, path, a["tok"], body, who=a["name"])
    st, ref = MISSING[key]
    # The ids differ ("no item 7", "no item 999999999"); everything else must not.
    def norm(j):
        return re.sub(r"\d+", "N", json.dumps((j or {}).get("error"), sort_keys=True))
    return check(st == 404 and norm(ref) == norm(js),
                 f"{cell}: answers as a missing record does: {json.dumps(js)[:160]} vs "
                 f"{st} {json.dumps(ref)[:160]}")


def stream_first(path, token):
    """An event stream read up to its first event: (status, JSON of the event or body)."""
    if TRANSPORT == "unix":
        conn = UnixConnection("localhost")
    else:
        u = urllib.parse.urlsplit(BASE)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
    hdrs = {"Authorization": "Bearer " + token} if token else {}
    try:
        conn.request("GET", path, headers=hdrs)
        resp = conn.getresponse()
        if resp.status != 200:
            text = resp.read().decode("utf-8", "replace")
            return resp.status, text
        for _ in range(100):
            line = resp.fp.readline().decode("utf-8", "replace")
            if line.startswith("data: "):
                return 200, line[6:]
            if not line:
                break
        return 200, ""
    except (http.client.HTTPException, OSError) as e:
        return 0, f"no answer: {e!r}"
    finally:
        conn.close()


def stream_probe(a, method, pattern):
    """GET /v1/dashboard/events: the role's rule, and a client's own engagements only."""
    global CELLS
    CELLS += 1
    st, text = stream_first(pattern, a["tok"])
    SEEN.append({"who": a["name"], "method": method, "path": pattern, "sent": pattern,
                 "status": st, "text": text})
    cell = f"{method} {pattern} as {a['name']}"
    rule = RULES[pol_names.get("POL_DASHBOARD_READ", "dashboard.read")].get(a["role"], "") \
        if a["role"] else ""
    if a["role"] is None:
        return check(st == 401, f"{cell}: no token answers 401, got {st}")
    if rule == "—":
        return check(st == 403, f"{cell}: the table says — (403), got {st}")
    if not check(st == 200 and text, f"{cell}: {rule} streams a first event, got {st}"):
        return False
    try:
        js = json.loads(text)
    except ValueError:
        return bad(f"{cell}: the first event is not JSON: {text[:120]}")
    if a["ci"] is not None:
        own_only(a, js, pattern)
    return True


def run_matrix(actors):
    for method, pattern, pol in routes:
        spec = PROBES.get(f"{method} {pattern}", "missing")
        if spec == "missing":
            continue
        action = pol_names.get(pol, "public")
        q = QUERY.get(pattern, "")
        if spec == "public":
            path = pattern.replace("*", "index.html") + q
            for a in actors:
                st, js = call(method, path, a["tok"], who=a["name"])
                check(st < 500, f"{method} {path} as {a['name']}: no 5xx, got {st}")
            continue
        if spec == "stream":
            for a in actors:
                stream_probe(a, method, pattern)
            continue
        if spec == "session":
            for a in actors:
                st, js = call(method, pattern, a["tok"], who=a["name"])
                check(st == 401, f"{method} {pattern} as {a['name']}: no session, 401, got {st}")
            continue
        for a in actors:
            rule = RULES[action].get(a["role"], "") if a["role"] else ""
            if spec is None:
                list_probes(a, method, pattern, rule, q)
                continue
            for rec, rec_ci in records(spec):
                path = (pattern + q).replace(":id", str(rec))
                cross = a["ci"] is not None and rec_ci is not None and rec_ci != a["ci"]
                if method == "GET":
                    body = None
                elif cross or foreign_token(a, spec, rec):
                    body = body_for(method, pattern, rec, a)
                else:
                    body = {"__probe": True}
                expect_cell(a, method, pattern, path, rule, rec_ci, body, spec, rec)


def own_only(a, js, path):
    """A 2xx list of a client-scoped actor holds only records of its own client."""
    cl = CLIENTS[a["ci"]]
    rows = js.get("data", js.get("engagements", [])) if isinstance(js, dict) else []
    if isinstance(js, dict) and "engagements" in js and "workers" in js:
        bad(f"GET {path} as {a['name']}: a client-scoped dashboard shows the workers")
        return
    for row in rows:
        cid = row.get("client_id", row.get("id") if "/v1/clients" in path else None)
        if cid is not None and cid != cl["id"]:
            bad(f"GET {path} as {a['name']}: lists client {cid}'s record {row.get('id')}")
            return
        # A worker's list holds its leases only (docs/api.md), as GET /v1/items/:id does.
        if a["role"] == "worker" and "/v1/items" in path and \
                (row.get("lease") or {}).get("worker_id") != cl["worker_id"]:
            bad(f"GET {path} as {a['name']}: lists item {row.get('id')} not leased to it")
            return
    ok(path)


TOKEN_KEYS = {"id", "prefix", "user_id", "user", "created_at", "expires_at", "last_used_at",
              "revoked", "revoked_at"}


def token_rows(a, js, path, want_own):
    """A token list: the documented fields only (no text, no hash), no token text anywhere;
    for anyone but an admin only its own tokens, with its matrix token among them when
    want_own (else none at all: another user's user_id lists nothing)."""
    rows = js.get("data") if isinstance(js, dict) else None
    if not check(isinstance(rows, list), f"GET {path} as {a['name']}: a list, got {js}"):
        return
    text = json.dumps(js)
    leaked = [t[:12] for t in SECRETS if t in text]
    check(not leaked, f"GET {path} as {a['name']}: token texts in the answer: {leaked}")
    for row in rows:
        check(set(row) == TOKEN_KEYS, f"GET {path} as {a['name']}: token {row.get('id')} "
              f"has the fields {sorted(row)}, not {sorted(TOKEN_KEYS)}")
        if a["role"] == "admin":
            continue
        t = TOKS.get(row.get("id"))
        check(row.get("user_id") == a["uid"] and (t is None or t["uid"] == a["uid"]),
              f"GET {path} as {a['name']} (user {a['uid']}): lists token {row.get('id')} "
              f"of user {row.get('user_id')}")
    ids = {r.get("id") for r in rows}
    if a["role"] == "admin":
        check(set(TOKS) <= ids, f"GET {path} as admin: every token, missing "
              f"{sorted(set(TOKS) - ids)}")
    elif want_own:
        mine = {tid for tid, t in TOKS.items() if t["uid"] == a["uid"]}
        check(mine <= ids, f"GET {path} as {a['name']}: its own tokens {sorted(mine)} "
              f"listed, got {sorted(ids)}")
    else:
        check(not rows, f"GET {path} as {a['name']}: another user's tokens: none, got "
              f"{sorted(ids)}")


def list_probes(a, method, pattern, rule, q):
    """Routes without an id: plain, and aimed at the other clients' records."""
    global CELLS, CROSS
    if method == "GET":
        paths = [pattern + q]
        if a["ci"] is not None:
            for o in CLIENTS:
                if o["i"] == a["ci"]:
                    continue
                sep = "&" if q else "?"
                if pattern in ("/v1/items", "/v1/engagements", "/v1/users"):
                    paths.append(f"{pattern}?client_id={o['id']}")
                if pattern == "/v1/items":
                    paths += [f"{pattern}?engagement_id={o['eng']['bpo']}",
                              f"{pattern}?worker_id={o['worker_id']}",
                              f"{pattern}?external_ref={o['can']['ref'][0]}",
                              f"{pattern}?ref_contains={o['can']['ref'][0][:12]}",
                              f"{pattern}?state=assigned&client_id={o['id']}"]
                if pattern in ("/v1/items", "/v1/engagements"):
                    # a repeated parameter: neither copy widens the scope
                    own = CLIENTS[a["ci"]]["id"]
                    paths += [f"{pattern}?client_id={own}&client_id={o['id']}",
                              f"{pattern}?client_id={o['id']}&client_id={own}"]
                if pattern == "/v1/staff/skill-plan":
                    paths.append(pattern + q + sep + "days=1")
                if pattern == "/v1/tokens":
                    paths += [f"{pattern}?user_id={o['user_id']}",
                              f"{pattern}?user_id={o['wuser_id']}"]
        if pattern == "/v1/tokens" and a["role"] is not None:
            # Another user of one's own client, and staff: no more than another client's.
            others = sorted({t["uid"] for t in TOKS.values() if t["ci"] is None or
                             t["ci"] == a["ci"]} - {a["uid"]})
            extra = [f"{pattern}?user_id={u}" for u in others] if a["role"] != "admin" else []
            for path in extra:
                CELLS += 1
                st, js = call(method, path, a["tok"], who=a["name"])
                if check(st == 200, f"GET {path} as {a['name']}: {rule} answers 200, got {st}"):
                    token_rows(a, js, path, False)
        for path in paths:
            CELLS += 1
            st, js = call(method, path, a["tok"], who=a["name"])
            cell = f"GET {path} as {a['name']}"
            if a["ci"] is not None and path != pattern + q:
                CROSS_ALL.add((TRANSPORT, a["name"], method, path))
            if a["role"] is None:
                check(st == 401, f"{cell}: no token answers 401, got {st}")
            elif rule == "—":
                check(st == 403, f"{cell}: the table says — (403), got {st}")
            else:
                if path != pattern + q:
                    CROSS += 1
                    CROSS_ROUTES.add(f"{method} {pattern}")
                if not check(st == 200, f"{cell}: {rule} answers 200, got {st}"):
                    continue
                if pattern == "/v1/tokens":
                    token_rows(a, js, path, "user_id=" not in path)
                elif a["ci"] is not None:
                    own_only(a, js, path)
        return
    # Creates and work/next: for a client-scoped actor, aimed at another client.
    bodies = [{"__probe": True}]
    if a["ci"] is not None:
        bodies = []
        for o in CLIENTS:
            if o["i"] == a["ci"]:
                continue
            if pattern == "/v1/items":
                bodies.append({"engagement_id": o["eng"]["bpo"], "payload": {"x": 1}})
                bodies.append({"engagement_id": o["eng"]["kpo"], "payload": {"x": 1}})
            elif pattern in ("/v1/work/next", "/v1/review/next"):
                bodies.append({"worker_id": o["worker_id"]})
            elif pattern == "/v1/engagements":
                bodies.append({"client_id": o["id"], "service_code": "data_entry",
                               "name": "x", "sla_seconds": 60})
            elif pattern == "/v1/users":
                bodies.append({"name": f"x{secrets.token_hex(3)}", "role": "client",
                               "client_id": o["id"]})
            elif pattern == "/v1/webhooks":
                bodies.append({"client_id": o["id"], "url": "http://127.0.0.1:9/x",
                               "events": ["item.done"]})
            elif pattern == "/v1/time/stop":
                bodies.append({"worker_id": o["worker_id"]})
            elif pattern == "/v1/assessments":
                bodies.append({"client_id": o["id"], "answers": ANSWERS})
            else:
                bodies.append({"__probe": True})
    for body in bodies:
        CELLS += 1
        st, js = call(method, pattern, a["tok"], body, who=a["name"])
        cell = f"{method} {pattern} {json.dumps(body)} as {a['name']}"
        if a["ci"] is not None:
            CROSS_ALL.add((TRANSPORT, a["name"], method, pattern + json.dumps(body)))
        if a["role"] is None:
            check(st == 401, f"{cell}: no token answers 401, got {st}")
        elif rule == "—":
            check(st == 403, f"{cell}: the table says — (403), got {st}")
        elif a["ci"] is None:
            check(st == 400, f"{cell}: {rule} passes the role, the probe body is 400, got {st}")
        else:
            CROSS += 1
            CROSS_ROUTES.add(f"{method} {pattern}")
            if check(st == 404, f"{cell}: aimed at another client answers 404, got {st}"
                     f" {json.dumps(js)[:200]}"):
                ref = dict(body)
                for k in ("engagement_id", "worker_id", "client_id"):
                    if k in ref:
                        ref[k] = int(NOID)
                same_as_missing(a, method, pattern, ref, js, cell)


run_matrix(ACTORS)
# The local socket: a request there that carries a token acts as that token's user
# (docs/api.md), so the client users and workers are held to the same matrix.
TRANSPORT = "unix"
check(call("GET", "/v1/users", None)[0] == 200, "the socket without a token is the local admin")
run_matrix([a for a in ACTORS if a["ci"] is not None])
TRANSPORT = None
# Every revoke of another user's token answered 404: each matrix token still works.
for tid, t in TOKS.items():
    st, js = call("GET", f"/v1/tokens/{tid}", t["tok"])
    check(st == 200 and js.get("revoked") is False,
          f"token {tid} of user {t['uid']} still works after the matrix: {st} {js}")

# Methods the table does not route, on every path (another client's records for the ids):
# 405 for everyone, before the token is looked at.
OTHER_METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"]
by_path = {}
for m, p, _ in routes:
    by_path.setdefault(p, set()).add(m)
for pattern, methods in by_path.items():
    spec = PROBES.get(f"{sorted(methods)[0]} {pattern}")
    plain = (None, "public", "session", "stream")  # no :id in the path
    recs = records(spec) if spec not in plain else [(None, None)]
    rec = [r for r, ci in recs if ci != 0][0] if spec not in plain else None
    recs = records(spec) if spec not in (None, "public", "session") else [(None, None)]
    # a kind with no records in this world (billing's periods without the time routes): NOID
    rec = next((r for r, ci in recs if ci != 0), NOID) if spec not in (None, "public", "session") else None
    path = pattern.replace("*", "index.html")
    if rec is not None:
        path = path.replace(":id", str(rec))
    for m in OTHER_METHODS:
        if m in methods or (m == "HEAD" and "GET" in methods):
            continue
        for a in (ACTORS[0], ACTORS[4], ACTORS[5]):
            CELLS += 1
            st, js = call(m, path, a["tok"], {} if m in ("POST", "PATCH", "PUT") else None,
                          who=a["name"])
            check(st == 405, f"{m} {path} as {a['name']}: not routed, 405, got {st}")

# Client 1 sends client 0's very request with client 0's Idempotency-Key: keys are per
# user, so it runs as client 1's own request (404: not its engagement), never a replay of
# client 0's answer.
st, js = call("POST", "/v1/items", CLIENTS[1]["utok"],
              {"engagement_id": CLIENTS[0]["eng"]["bpo"], "payload": {"x": 1}},
              headers={"Idempotency-Key": "replay-probe"}, who="client1")
st0, js0 = call("POST", "/v1/items", CLIENTS[0]["utok"],
                {"engagement_id": CLIENTS[0]["eng"]["bpo"], "payload": {"x": 1}},
                headers={"Idempotency-Key": "replay-probe"}, who="client0")
st1, js1 = call("POST", "/v1/items", CLIENTS[1]["utok"],
                {"engagement_id": CLIENTS[0]["eng"]["bpo"], "payload": {"x": 1}},
                headers={"Idempotency-Key": "replay-probe"}, who="client1")
check(st == 404 and st0 == 201 and st1 == 404,
      f"another user's Idempotency-Key replays nothing: {st} {st0} {st1} {js1}")
if st0 == 201:
    call("POST", f"/v1/items/{js0['id']}/cancel", MGR, {})

# Reads a client's own people make in the ordinary course: lists, records, histories, the
# work/next reasons. Their answers join the canary scan (and must hold their own canaries,
# or the scan proves nothing).
for cl in CLIENTS:
    u, w = f"client{cl['i']}", f"worker{cl['i']}"
    for path in ["/v1/items?limit=500", "/v1/engagements", "/v1/clients", "/v1/services",
                 f"/v1/clients/{cl['id']}"] + \
            [f"/v1/items/{i}" for i in cl["items"].values()] + \
            [f"/v1/items/{i}/history" for i in cl["items"].values()]:
        call("GET", path, cl["utok"], who=u)
    for path in ["/v1/items?limit=500", f"/v1/workers/{cl['worker_id']}",
                 f"/v1/items/{cl['items']['assigned']}",
                 f"/v1/items/{cl['items']['assigned']}/history",
                 f"/v1/engagements/{cl['eng']['bpo']}", f"/v1/engagements/{cl['eng']['kpo']}",
                 "/v1/staff/erlang" + QUERY["/v1/staff/erlang"]]:
        call("GET", path, cl["wtok"], who=w)

# work/next's reasons. The low worker sees client 0's queued BPO item above its level:
# below_level, naming client 0's engagement. Once worker 0 holds that item, only the
# other clients' work is queued: not_cleared, naming none of it.
c0 = CLIENTS[0]
st, js = call("POST", "/v1/work/next", LOW, who="worker0")
check(st == 200 and js.get("reason") == "below_level", f"low worker: below_level, got {js}")
js = must(*call("POST", "/v1/work/next", c0["wtok"], who="worker0"), 200, "work/next")
check(js.get("id") == c0["items"]["queued"], "worker 0 leases client 0's queued item")
st, js = call("POST", "/v1/work/next", LOW, who="worker0")
check(st == 200 and js.get("reason") == "not_cleared", f"low worker: not_cleared, got {js}")
for cl in CLIENTS:
    call("POST", "/v1/work/next", cl["wtok"], {}, who=f"worker{cl['i']}")
for path in ["/v1/audit?limit=500", "/v1/items?limit=500"] + \
        [f"/v1/items/{i}" for cl in CLIENTS for i in cl["items"].values()]:
    call("GET", path, AUD, who="auditor")

# A worker cleared for clients 0 and 1 works an item of client 1 to submitted; staff then
# remove its clearance for client 1. Its list is its leases (docs/api.md): neither the
# submitted item nor, once the clearance is gone, anything of client 1 — GET answers 404
# for both already.
c1 = CLIENTS[1]
wb = must(*call("POST", "/v1/workers", MGR, {
    "login": "w01", "name": "Both", "skills": [{"code": "data_entry", "level": 5}],
    "languages": [{"code": "en", "level": 5}], "country": "PH", "time_zone": "UTC",
    "capacity": 5, "cost_per_hour": {"amount_minor": 1, "currency": "USD"},
    "clearances": [CLIENTS[0]["id"], c1["id"]]}), 201, "worker of two clients")
BOTH = token_for("w01")
ib = new_item(c1, "bpo")
js = must(*call("POST", "/v1/work/next", BOTH), 200, "work/next of two clients")
check(js.get("id") == ib, f"the worker of two clients leases client 1's item {ib}")
rc_ = canary(1, "result")
c1["can"]["result"].append(rc_)
must(*call("POST", f"/v1/items/{ib}/submit", BOTH, {"epoch": js["epoch"],
                                                   "result": {"a": rc_}}), 200, "submit")
st, js = call("GET", "/v1/items?limit=500", BOTH, who="worker01")
check(st == 200 and ib not in [r["id"] for r in js["data"]],
      f"a worker's list holds no item it submitted (GET /v1/items/{ib} is 404 for it): "
      f"{[r['id'] for r in js['data']]}")
must(*call("PATCH", f"/v1/workers/{wb['id']}", MGR, {"clearances": [CLIENTS[0]["id"]]}),
     200, "clearance removed")
# From now on it is client 0's worker only: any answer holding client 1's data is a leak.
for path in ("/v1/items?limit=500", f"/v1/items?client_id={c1['id']}",
             f"/v1/items?worker_id={wb['id']}", f"/v1/items?engagement_id={c1['eng']['bpo']}",
             f"/v1/items?state=submitted", f"/v1/items/{ib}", f"/v1/items/{ib}/history",
             f"/v1/engagements/{c1['eng']['bpo']}"):
    st, js = call("GET", path, BOTH, who="worker0")
    rows = js.get("data", []) if isinstance(js, dict) else []
    check(st in (200, 404) and not [r for r in rows if r.get("client_id") == c1["id"]],
          f"GET {path} by a worker no longer cleared for client 1: nothing of it, got {st} "
          f"{json.dumps(js)[:200]}")

# A client user moved to another client (PATCH client_id) speaks for the new one from the
# very next request: its token no longer reads the old client's items.
c0 = CLIENTS[0]
mv = must(*call("POST", "/v1/users", ADMIN, {"name": "mover", "role": "client",
                                             "client_id": c0["id"]}), 201, "mover")
MOVER = token_for("mover")
st, js = call("GET", f"/v1/items/{c0['items']['done']}", MOVER)
check(st == 200, f"the mover reads client 0's item before the move, got {st}")
must(*call("PATCH", f"/v1/users/{mv['id']}", ADMIN, {"client_id": CLIENTS[1]["id"]}), 200,
     "move")
st, js = call("GET", f"/v1/items/{c0['items']['done']}", MOVER, who="client1")
check(st == 404, f"the moved user reads client 0's item: 404 at once, got {st}")
st, js = call("GET", "/v1/items?limit=500", MOVER, who="client1")
check(st == 200 and {r["client_id"] for r in js["data"]} <= {CLIENTS[1]["id"]},
      f"the moved user lists client 1's items only")
must(*call("POST", f"/v1/users/{mv['id']}/deactivate", ADMIN), 200, "deactivate mover")
st, js = call("GET", "/v1/items?limit=500", MOVER, who="client1")
check(st == 401, f"a deactivated user's token answers 401 at once, got {st}")

# ------------------------------------------------------------------ (3) forbidden fields

INJECT = {"client_id": None, "role": "admin", "state": "done", "worker_id": None,
          "assigned_worker_id": None, "lease": None, "epoch": 99, "id": 999999,
          "created_at": "2001-01-01T00:00:00.000Z", "active": False}
FIELD_CASES = 0


def inject_values(other):
    v = dict(INJECT)
    v["client_id"] = other["id"]
    v["worker_id"] = other["worker_id"]
    v["assigned_worker_id"] = other["worker_id"]
    v["lease"] = {"worker_id": other["worker_id"], "epoch": 99}
    return v


def try_fields(what, method, path, tok, base, legit, read_back, who):
    """Each forbidden field added to base: 400, or a 2xx whose record does not take it."""
    global FIELD_CASES
    vals = inject_values(CLIENTS[1])
    for field, val in vals.items():
        if field in legit:
            continue
        FIELD_CASES += 1
        body = dict(base)
        body[field] = val
        st, js = call(method, path, tok, body, who=who)
        if st == 400:
            err = (js or {}).get("error", {})
            check(err.get("code") == "invalid" and field in err.get("message", ""),
                  f"{what} with {field}: 400 invalid naming it, got {err}")
            continue
        if 200 <= st < 300:
            rec = read_back(js)
            check(rec is not None and rec.get(field) != val,
                  f"{what} with {field}={val!r}: answered {st} and the record took it: "
                  f"{json.dumps(rec)[:200]}")
            continue
        bad(f"{what} with {field}: expected 400 (or no effect), got {st} {json.dumps(js)[:200]}")
    st, js = call(method, path, tok, base, who=who)
    check(200 <= st < 300, f"{what}: the same body without them succeeds, got {st} "
          f"{json.dumps(js)[:200]}")
    return js


def get_item(js):
    return call("GET", f"/v1/items/{js['id']}", ADMIN)[1] if js and js.get("id") else None


def getter(kind):
    return lambda js: call("GET", f"/v1/{kind}/{js['id']}", ADMIN)[1] if js and js.get("id") else None


def run_fields():
    me = CLIENTS[0]
    sfx = secrets.token_hex(3)
    # Creates.
    try_fields("POST /v1/clients", "POST", "/v1/clients", ADMIN,
               {"code": f"fc{sfx}", "name": "F"}, set(), getter("clients"), "admin")
    try_fields("POST /v1/services", "POST", "/v1/services", ADMIN,
               {"code": f"fs{sfx}", "name": "F", "kind": "bpo", "category": "f"}, set(),
               getter("services"), "admin")
    try_fields("POST /v1/engagements", "POST", "/v1/engagements", MGR,
               {"client_id": me["id"], "service_code": "data_entry", "name": "F",
                "sla_seconds": 60}, {"client_id"}, getter("engagements"), "manager")
    try_fields("POST /v1/users", "POST", "/v1/users", ADMIN,
               {"name": f"fu{sfx}", "role": "client", "client_id": me["id"]},
               {"client_id", "role"}, getter("users"), "admin")
    wbase = {"login": f"fw{sfx}", "name": "F", "skills": [], "country": "PH",
             "time_zone": "UTC", "cost_per_hour": {"amount_minor": 1, "currency": "USD"},
             "clearances": [me["id"]]}
    try_fields("POST /v1/workers", "POST", "/v1/workers", MGR, wbase, set(),
               getter("workers"), "manager")
    # An item create by a client user: client_id, state, worker, lease, epoch, id, created_at.
    js = try_fields("POST /v1/items", "POST", "/v1/items", me["utok"],
                    {"engagement_id": me["eng"]["kpo"], "payload": {"f": 1}}, set(), get_item,
                    "client0")
    fresh = js["id"]
    rec = get_item(js)
    check(rec["client_id"] == me["id"] and rec["state"] == "queued" and rec["epoch"] == 0
          and rec["lease"] is None and not rec["created_at"].startswith("2001"),
          f"the item created beside forbidden fields is the engagement's client's, queued, "
          f"unleased: {json.dumps(rec)[:200]}")
    # PATCHes.
    try_fields("PATCH /v1/clients/:id", "PATCH", f"/v1/clients/{me['id']}", ADMIN,
               {"name": "Client 0"}, set(), getter("clients"), "admin")
    try_fields("PATCH /v1/services/:id", "PATCH", "/v1/services/1", ADMIN,
               {"category": "data"}, set(), getter("services"), "admin")
    try_fields("PATCH /v1/engagements/:id", "PATCH", f"/v1/engagements/{me['eng']['bpo']}",
               MGR, {"default_priority": 5}, set(), getter("engagements"), "manager")
    try_fields("PATCH /v1/users/:id", "PATCH", f"/v1/users/{me['user_id']}", ADMIN,
               {"name": "cli0-user"}, {"role", "client_id"}, getter("users"), "admin")
    try_fields("PATCH /v1/workers/:id", "PATCH", f"/v1/workers/{me['worker_id']}", MGR,
               {"capacity": 3}, set(), getter("workers"), "manager")
    # A worker's own status: no clearances, no other worker.
    for extra in ({"clearances": [CLIENTS[1]["id"]]}, {"skills": []}, {"capacity": 99}):
        st, js = call("POST", f"/v1/workers/{me['worker_id']}/status", me["wtok"],
                      dict({"status": "available"}, **extra), who="worker0")
        check(st == 400, f"worker status with {list(extra)[0]}: 400, got {st}")
    try_fields("POST /v1/workers/:id/status", "POST", f"/v1/workers/{me['worker_id']}/status",
               me["wtok"], {"status": "available"}, set(), getter("workers"), "worker0")
    # Switches.
    for kind, rid, tok, who in (("clients", me["id"], MGR, "manager"),
                                ("engagements", me["eng"]["bpo"], MGR, "manager"),
                                ("workers", me["worker_id"], MGR, "manager"),
                                ("users", me["user_id"], ADMIN, "admin")):
        for verb in ("deactivate", "activate"):
            try_fields(f"POST /v1/{kind}/:id/{verb}", "POST", f"/v1/{kind}/{rid}/{verb}", tok,
                       {}, set(), getter(kind), who)
    try_fields("POST /v1/users/:id/tokens", "POST", f"/v1/users/{me['user_id']}/tokens", ADMIN,
               {}, set(), lambda js: {}, "admin")
    # Item commands, each on an item in the state it needs, by the least privileged caller.
    # work/next by the worker: the fresh KPO item above is the only queued one of client 0.
    js = try_fields("POST /v1/work/next", "POST", "/v1/work/next", me["wtok"], {},
                    {"worker_id"}, lambda js: js, "worker0")
    check(js.get("id") == fresh, f"work/next after the refused bodies leases item {fresh}")
    epoch = js.get("epoch")
    try_fields("POST /v1/items/:id/renew", "POST", f"/v1/items/{fresh}/renew", me["wtok"],
               {"epoch": epoch}, {"epoch"}, get_item, "worker0")
    # KPO milestones: the client sets one, the worker holding the item writes its deliverable.
    js = try_fields("POST /v1/items/:id/milestones", "POST", f"/v1/items/{fresh}/milestones",
                    me["utok"], {"title": "t", "due_at": "2030-01-01T00:00:00Z"}, set(),
                    lambda js: js, "client0")
    try_fields("PATCH /v1/items/:id/milestones/:id", "PATCH",
               f"/v1/items/{fresh}/milestones/{js.get('id')}", me["wtok"],
               {"deliverable": "d"}, set(), lambda js: js, "worker0")
    try_fields("POST /v1/items/:id/submit", "POST", f"/v1/items/{fresh}/submit", me["wtok"],
               {"epoch": epoch, "result": {"r": 1}}, {"epoch"}, get_item, "worker0")
    # KPO: the senior review (staff) comes before the client's return and approval.
    try_fields("POST /v1/items/:id/review", "POST", f"/v1/items/{fresh}/review", MGR,
               {}, set(), get_item, "manager")
    try_fields("POST /v1/items/:id/rework", "POST", f"/v1/items/{fresh}/rework", me["utok"],
               {"reason": "again"}, set(), get_item, "client0")
    st, js = call("GET", f"/v1/items/{fresh}", ADMIN)
    check(js["state"] == "queued", "the reworked item is queued")
    st, js = call("POST", "/v1/work/next", me["wtok"], who="worker0")
    st, js = call("POST", f"/v1/items/{fresh}/submit", me["wtok"],
                  {"epoch": js.get("epoch"), "result": {"r": 2}}, who="worker0")
    must(*call("POST", f"/v1/items/{fresh}/review", MGR, {}), 200, "senior review")
    try_fields("POST /v1/items/:id/accept", "POST", f"/v1/items/{fresh}/accept", me["utok"],
               {}, set(), get_item, "client0")
    i2 = new_item(me, "bpo")
    try_fields("POST /v1/items/:id/cancel", "POST", f"/v1/items/{i2}/cancel", me["utok"],
               {"reason": "x"}, set(), get_item, "client0")
    i3 = new_item(me, "bpo")
    try_fields("POST /v1/items/:id/fail", "POST", f"/v1/items/{i3}/fail", MGR,
               {"reason": "x"}, set(), get_item, "manager")
    # work/next by the worker for another worker, and the assigned worker of the lease.
    st, js = call("POST", "/v1/work/next", me["wtok"], {"worker_id": CLIENTS[1]["worker_id"]},
                  who="worker0")
    check(st == 404, f"work/next for another client's worker: 404, got {st}")
    # Revokes, on tokens made for them (the matrix's stay valid): a client user its own
    # through the forbidden fields, then a worker its own with DELETE; each is 401 at once.
    tid = mint(me["user_id"], me["i"])
    vict = TOKS.pop(tid)["tok"]
    js = try_fields("POST /v1/tokens/:id/revoke", "POST", f"/v1/tokens/{tid}/revoke",
                    me["utok"], {}, set(), lambda js: js, "client0")
    check(js.get("id") == tid and js.get("revoked") is True, f"the revoke answers the token, "
          f"revoked: {js}")
    check(call("GET", "/v1/tokens", vict)[0] == 401, "a token revoked by its user: 401")
    tid = mint(me["wuser_id"], me["i"])
    vict = TOKS.pop(tid)["tok"]
    st, js = call("DELETE", f"/v1/tokens/{tid}", CLIENTS[1]["wtok"], who="worker1")
    check(st == 404, f"DELETE another client's worker's token: 404, got {st}")
    st, js = call("DELETE", f"/v1/tokens/{tid}", me["wtok"], who="worker0")
    check(st == 200 and js.get("revoked") is True, f"DELETE its own token: 200, got {st} {js}")
    check(call("GET", "/v1/tokens", vict)[0] == 401, "a token deleted by its user: 401")


run_fields()

# No token's text in any answer but the one that made it (a list shows a prefix only).
for s in SEEN:
    if s["method"] == "POST" and re.fullmatch(r"/v1/users/\d+/tokens", s["path"]):
        continue
    leaked = [t[:12] for t in SECRETS if t in s["text"]]
    check(not leaked, f"token texts {leaked} in the answer to {s['method']} {s['path']}")

# ------------------------------------------------------------------ (2) the canary scan

own_seen = {cl["i"]: set() for cl in CLIENTS}
SCANNED = 0
for s in SEEN:
    who = s["who"]
    if who is None:
        continue
    SCANNED += 1
    m = re.match(r"(client|worker)(\d)$", who)
    for c, (ci, field) in CANARIES.items():
        if c not in s["text"]:
            continue
        if c in s["sent"]:
            continue  # echoed back to the one who sent it: not a leak
        if m and int(m.group(2)) == ci:
            own_seen[ci].add(field)
            continue
        if m:
            bad(f"canary of client {ci} ({field}) in the answer to {who}: {s['method']} "
                f"{s['path']} -> {s['status']}")
        elif who == "none":
            bad(f"canary of client {ci} ({field}) in an answer without a token: "
                f"{s['method']} {s['path']}")
        elif who == "auditor" and field in ("payload", "result", "milestone"):
            bad(f"{field} canary of client {ci} in the answer to the auditor: {s['method']} "
                f"{s['path']}")
for cl in CLIENTS:
    # The scan sees each client's own data where it belongs, so its silence means something.
    check(own_seen[cl["i"]] >= set(FIELDS),
          f"client {cl['i']}'s own people saw its canaries: {sorted(own_seen[cl['i']])}")

print(f"matrix: {len(routes)} routes x {len(ACTORS)} actors (no token, admin, manager, "
      f"auditor, {NCLI} clients x client user and worker): {CELLS} requests, {CROSS} "
      f"aimed at another client's records over {len(CROSS_ROUTES)} routes")
print(f"cross-client: {len(CROSS_ALL)} requests by client users and workers about another "
      f"client's records (TCP and socket), {CROSS} of them past the role check")
print(f"canaries: {len(CANARIES)} planted, {SCANNED} answers scanned")
print(f"forbidden fields: {FIELD_CASES} bodies")
print(f"tokens: {len(TOKS)} in the matrix, {len(SECRETS)} texts looked for in every answer; "
      f"socket: {CUT_SENDS} sends cut short by an answer before the body")
print(f"{PASS} passed, {FAIL} failed")
sys.exit(1 if FAIL else 0)
