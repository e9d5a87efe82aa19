#!/usr/bin/env python3
"""webhook_receiver.py - a webhook receiver on loopback for test_webhooks.sh.

usage: webhook_receiver.py PORTFILE LOGFILE PLAN
PLAN is a comma-separated list of answers for the first requests, in order:
  500       answer 500
  sleep:S   sleep S seconds, then answer 200 (past the sender's timeout: a time-out)
  slow:S    sleep S seconds, then answer 200 (slow but within the timeout)
  200       answer 200
After the plan: 200, or 500 while the file LOGFILE.fail exists.
Each request is appended to LOGFILE as a JSON line on arrival: n, path, signature header,
event id header, body (text), and the status answered (null for a time-out,
whose answer the sender never reads).
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORTFILE, LOGFILE, PLAN = sys.argv[1], sys.argv[2], sys.argv[3].split(",") if sys.argv[3] else []
lock = threading.Lock()
count = [0]


def log(rec):
    with lock:
        with open(LOGFILE, "a") as f:
            f.write(json.dumps(rec) + "\n")


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode()
        with lock:
            i = count[0]
            count[0] += 1
        step = PLAN[i] if i < len(PLAN) else ("500" if os.path.exists(LOGFILE + ".fail") else "200")
        status = 500 if step == "500" else 200
        # logged on arrival, so the log's order is the order requests came in
        log({"n": i, "path": self.path, "sig": self.headers.get("Alihdaya-Signature"),
             "event": self.headers.get("Alihdaya-Event-Id"), "body": body,
             "status": None if step.startswith("sleep:") else status})
        if step.startswith("sleep:") or step.startswith("slow:"):
            time.sleep(float(step.split(":")[1]))
        try:
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        except (BrokenPipeError, ConnectionResetError):
            pass


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
