#!/usr/bin/env python3
# abuse_clients.py - hostile HTTP clients for test_hardening.sh, written with plain sockets so
# nothing between them and the server smooths over what they send.
#   trickle PORT N SECONDS   N connections each sending a request one byte every 0.5 s;
#                            prints "closed C of N max_ms T" (when the server closed them)
#   crowd PORT N HOLD        N connections opened at once and held HOLD seconds; prints
#                            "refused R open O first_ms T body B": R answered 503 and closed
#                            within 1 s, T the slowest of those, B the first 503's JSON body
#   bodies PORT N SIZE       N requests with a SIZE-byte body and no token, 20 at a time;
#                            prints "status:count ..." of the answers (reset: none read)
#   raw PORT                 a request from stdin; prints the answer's status, then its body
import json
import socket
import sys
import threading
import time


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    return s


def trickle(port, n, seconds):
    req = b"POST /v1/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" \
          b"Content-Length: 1000\r\n\r\n" + b"x" * 1000
    socks = [connect(port) for _ in range(n)]
    for s in socks:
        s.setblocking(False)
    t0 = time.monotonic()
    closed = {}
    pos = 0
    while len(closed) < n and time.monotonic() - t0 < seconds:
        for i, s in enumerate(socks):
            if i in closed:
                continue
            try:
                if s.recv(4096) == b"":
                    closed[i] = time.monotonic() - t0
                    continue
            except BlockingIOError:
                pass
            except OSError:
                closed[i] = time.monotonic() - t0
                continue
            try:
                s.send(req[pos % len(req):pos % len(req) + 1])
            except BlockingIOError:
                pass
            except OSError:
                closed[i] = time.monotonic() - t0
        pos += 1
        time.sleep(0.5)
    worst = int(max(closed.values()) * 1000) if closed else -1
    print("closed %d of %d max_ms %d" % (len(closed), n, worst))


def crowd(port, n, hold):
    socks, refused, slowest, body = [], 0, 0, ""
    t0 = time.monotonic()
    for _ in range(n):
        s = connect(port)
        s.setblocking(False)
        socks.append((s, time.monotonic()))
    seen = set()
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        for i, (s, t) in enumerate(socks):
            if i in seen:
                continue
            try:
                d = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                d = b""
            seen.add(i)
            if d.startswith(b"HTTP/1.1 503"):
                refused += 1
                slowest = max(slowest, time.monotonic() - t)
                if not body:
                    body = d.split(b"\r\n\r\n", 1)[1].decode()
        time.sleep(0.02)
    opened = n - len(seen)
    time.sleep(max(0.0, hold - (time.monotonic() - t0)))
    for s, _ in socks:
        s.close()
    print("refused %d open %d first_ms %d body %s" % (refused, opened, int(slowest * 1000),
                                                       json.dumps(json.loads(body)) if body else "-"))


def one_body(port, size, counts, lock):
    head = ("POST /v1/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: %d\r\n\r\n" % size).encode()
    chunk = b"a" * 65536
    status = "reset"
    try:
        s = connect(port)
        s.sendall(head)
        s.settimeout(0.2)
        sent = 0
        while sent < size:
            try:
                sent += s.send(chunk[:min(len(chunk), size - sent)])
            except socket.timeout:
                break  # the server reads no more of it
        s.settimeout(5)
        d = s.recv(4096)
        if d.startswith(b"HTTP/1.1 "):
            status = d[9:12].decode()
        s.close()
    except OSError:
        pass
    with lock:
        counts[status] = counts.get(status, 0) + 1


def bodies(port, n, size):
    counts, lock = {}, threading.Lock()
    for start in range(0, n, 20):
        ts = [threading.Thread(target=one_body, args=(port, size, counts, lock))
              for _ in range(min(20, n - start))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    print(" ".join("%s:%d" % kv for kv in sorted(counts.items())))


def raw(port):
    s = connect(port)
    s.sendall(sys.stdin.buffer.read())
    d = b""
    s.settimeout(5)
    try:
        while True:
            part = s.recv(65536)
            if not part:
                break
            d += part
            if b"\r\n\r\n" in d:
                head, rest = d.split(b"\r\n\r\n", 1)
                length = [int(h.split(b":")[1]) for h in head.split(b"\r\n")
                          if h.lower().startswith(b"content-length:")]
                if length and len(rest) >= length[0]:
                    break
    except OSError:
        pass
    head, _, rest = d.partition(b"\r\n\r\n")
    print(head[9:12].decode() if head.startswith(b"HTTP/1.1 ") else "none")
    print(rest.decode(errors="replace"))


if __name__ == "__main__":
    cmd, port = sys.argv[1], int(sys.argv[2])
    if cmd == "trickle":
        trickle(port, int(sys.argv[3]), float(sys.argv[4]))
    elif cmd == "crowd":
        crowd(port, int(sys.argv[3]), float(sys.argv[4]))
    elif cmd == "bodies":
        bodies(port, int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "raw":
        raw(port)
