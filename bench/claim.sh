#!/usr/bin/env bash
# claim.sh - durable claim and complete with concurrent clients (issue 13 "bench/claim"):
# alihdaya over HTTP on SQLite (synchronous=FULL) beside PostgreSQL 15 with a
# SELECT ... FOR UPDATE SKIP LOCKED claim of the same work, and beside pg-boss (npm) on that
# PostgreSQL, in the same run on this machine.
# usage: bench/claim.sh [--seconds N] [--clients N] [--items N] [--bin PATH] [--no-pg] [--no-boss]
#   --seconds N  claiming time of each side (default 60)
#   --clients N  concurrent clients, each one worker of capacity 1 (default 256)
#   --items N    queued items loaded on each side before the run (default 100000)
#   --bin PATH   an alihdaya binary (default: build-bench/alihdaya, RelWithDebInfo, no sanitizers)
#   --no-pg      leave PostgreSQL out (both peers)
#   --no-boss    leave pg-boss out (it is also left out, with a message, when node >= 20 or
#                `npm ci` of bench/claim/package-lock.json is not to be had)
# The work, identical on both sides: four queues (engagements) of ITEMS/4 items each, loaded
# in this order: data_entry>=1 priority 1, data_entry>=3 priority 5, review>=2 priority 3,
# review>=4 priority 8; worker i (1-based) has data_entry level 1+(i-1)%4 and review level
# 1+((i-1)/4)%4. A claim takes the best item the worker qualifies for (skill at or above the
# level; priority first, then age) and commits; a complete (alihdaya: submit) commits again.
# Afterwards both stores are counted: every claimed item claimed exactly once, none left
# claimed, no worker above its capacity at any point of its claim/complete history, every
# claim by a worker at or above the level. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=60
N=256
ITEMS=100000
PG=1
BOSS=1
BIN=
usage() { echo "usage: bench/claim.sh [--seconds N] [--clients N] [--items N] [--bin PATH] [--no-pg] [--no-boss]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) SECS=${2:-}; shift 2 ;;
    --clients) N=${2:-}; shift 2 ;;
    --items) ITEMS=${2:-}; shift 2 ;;
    --bin) BIN=${2:-}; shift 2 ;;
    --no-pg) PG=0; BOSS=0; shift ;;
    --no-boss) BOSS=0; shift ;;
    *) usage ;;
  esac
done
num() { case $2 in ''|*[!0-9]*) echo "$1: a positive number" >&2; exit 2 ;; esac
        [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] || { echo "$1: $3 to $4" >&2; exit 2; }; }
num --seconds "$SECS" 1 3600
num --clients "$N" 1 1000
num --items "$ITEMS" 4 2000000

# The benchmark's own dependencies (libpq for the PostgreSQL client), never scripts/install.sh's.
need=()
for p in libpq-dev libcurl4-openssl-dev libjansson-dev sqlite3 jq; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
done
PGBIN=/usr/lib/postgresql/15/bin
[ $PG = 1 ] && [ ! -x $PGBIN/postgres ] && need+=(postgresql-15)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# pg-boss from npm, pinned by bench/claim/package-lock.json, installed with `npm ci` into
# build-bench/claim-node (not web/; again only when the lockfile changed). pg-boss 10 needs
# node 20 (Debian 12's nodejs is 18). Without node or the registry the peer is left out with
# a message and the rest runs; BOSS_WHY says why in the table.
BOSS_DIR=$PWD/build-bench/claim-node
BOSS_WHY=
if [ $BOSS = 1 ]; then
  nv=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if ! command -v npm >/dev/null 2>&1 || [ "$nv" -lt 20 ]; then
    BOSS_WHY="node >= 20 with npm not found (node major: $nv)"
  elif ! cmp -s bench/claim/package-lock.json "$BOSS_DIR/node_modules/.alihdaya-lock" 2>/dev/null; then
    mkdir -p "$BOSS_DIR" && cp bench/claim/package.json bench/claim/package-lock.json "$BOSS_DIR/"
    if (cd "$BOSS_DIR" && timeout 300 npm ci --no-audit --no-fund --loglevel=error > npm-ci.log 2>&1); then
      cp bench/claim/package-lock.json "$BOSS_DIR/node_modules/.alihdaya-lock"
    else
      BOSS_WHY="npm ci failed (registry unreachable?), $(grep -m1 "npm error" "$BOSS_DIR/npm-ci.log"), all of it in $BOSS_DIR/npm-ci.log"
    fi
  fi
  if [ -n "$BOSS_WHY" ]; then
    echo "pg-boss: SKIPPED, $BOSS_WHY; the other sides run" >&2
    BOSS=0
  else
    echo "pg-boss: $(node -p "require('$BOSS_DIR/node_modules/pg-boss/package.json').version") (node $(node --version))"
  fi
fi
if [ -z "$BIN" ]; then
  cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo -DALIHDAYA_SANITIZE=OFF >/dev/null
  cmake --build build-bench -j2 --target alihdaya >/dev/null
  BIN=build-bench/alihdaya
fi
BIN=$(readlink -f "$BIN")
TMP=$(mktemp -d /tmp/alihdaya-bench-claim.XXXXXX)
chmod 755 "$TMP"
GEN=$TMP/claim
cc -std=c17 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror -I/usr/include/postgresql \
   -o "$GEN" bench/claim/claim.c -lcurl -ljansson -lpq
SERVER=
PGDATA=
cleanup() {
  [ -n "$SERVER" ] && kill -TERM "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  [ -n "$PGDATA" ] && runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
# CPU seconds of a process and of its reaped children (PostgreSQL's backends), from /proc.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.2f", ($12 + $13 + $14 + $15) / hz}' "/proc/$1/stat"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
field() { sed -n "s/.*[ ^]$1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" | head -1; }
PER=$((ITEMS / 4))
ITEMS=$((PER * 4))
echo "bench/claim: $ITEMS items, $N clients, $SECS s each; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- alihdaya: a fresh data directory, four engagements, N workers, the items imported.
D=$TMP/data
$BIN init --data "$D" >/dev/null
$BIN client create --data "$D" --code bench --name Bench >/dev/null
eng() { $BIN engagement create --data "$D" --client 1 --service data_entry --name "$1" --sla 24h \
          --lease 10m --skill "$2" --priority "$3" >/dev/null; }
eng E1 data_entry:1 1
eng E2 data_entry:3 5
eng E3 review:2 3
eng E4 review:4 8
$BIN user create --data "$D" --name client1 --role client --client 1 >/dev/null
CT=$($BIN token create --data "$D" --user client1)
: > "$TMP/tokens"
for i in $(seq 1 "$N"); do
  $BIN worker create --data "$D" --login "w$i" --name "W$i" --country PH --clear 1 --capacity 1 \
       --skill "data_entry:$((1 + (i - 1) % 4))" --skill "review:$((1 + ((i - 1) / 4) % 4))" >/dev/null
  $BIN token create --data "$D" --user "w$i" >> "$TMP/tokens"
done
$BIN serve --data "$D" --port 0 > "$TMP/serve.out" 2> "$TMP/serve.err" &
SERVER=$!
for _ in $(seq 1 200); do grep -q listening "$TMP/serve.out" && break; sleep 0.05; done
PORT=$(sed -n 's/.*:\([0-9]*\) (data.*/\1/p' "$TMP/serve.out")
[ -n "$PORT" ] || { cat "$TMP/serve.err"; exit 1; }
for e in 1 2 3 4; do
  awk -v n="$PER" -v e="$e" 'BEGIN{print "external_ref,name"; for (i = 1; i <= n; i++) printf "E%dR%07d,Item %d\n", e, i, i}' > "$TMP/e$e.csv"
  st=$(curl -s -S -o "$TMP/import.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $CT" \
       -H 'Content-Type: text/csv' -H 'Expect:' -T "$TMP/e$e.csv" "http://127.0.0.1:$PORT/v1/engagements/$e/imports")
  [ "$st" = 202 ] || fail "import $e: $st $(cat "$TMP/import.json")"
  # The 202 comes before the rows (an import runner creates them): follow the job until done.
  id=$(jq -r .id "$TMP/import.json")
  while [ "$(jq -r .state "$TMP/import.json")" = running ]; do
    sleep 0.2
    curl -s -S -o "$TMP/import.json" -H "Authorization: Bearer $CT" "http://127.0.0.1:$PORT/v1/imports/$id"
  done
  [ "$(jq -r .state "$TMP/import.json")" = done ] && [ "$(jq -r .created "$TMP/import.json")" = "$PER" ] ||
    fail "import $e: $(cat "$TMP/import.json")"
done
echo "alihdaya: loaded; load $(cut -d' ' -f1-3 /proc/loadavg)"
C0=$(cpu $SERVER)
A_OUT=$("$GEN" http "http://127.0.0.1:$PORT" "$SECS" "$TMP/tokens")
A_CPU=$(awk -v a="$C0" -v b="$(cpu $SERVER)" 'BEGIN{printf "%.2f", b - a}')
A_OUT="$A_OUT server_cpu_s=$A_CPU"
echo "$A_OUT" | sed 's/^/alihdaya: /'
echo "alihdaya: done; load $(cut -d' ' -f1-3 /proc/loadavg)"
kill -TERM $SERVER; wait $SERVER || true; SERVER=

# Counted in the store afterwards (worker ids 1..N are the lanes' workers in order).
DB=$D/alihdaya.db
A_CLAIMS=$(echo "$A_OUT" | field claims)
read -r a_assign a_items a_twice a_open a_cap a_inelig < <(sqlite3 -separator ' ' "$DB" "
  SELECT (SELECT count(*) FROM item_events WHERE action = 'assign'),
         (SELECT count(DISTINCT item_id) FROM item_events WHERE action = 'assign'),
         (SELECT count(*) FROM (SELECT item_id FROM item_events WHERE action = 'assign'
                                GROUP BY item_id HAVING count(*) > 1)),
         (SELECT count(*) FROM items WHERE state = 'assigned'),
         (SELECT count(*) FROM (SELECT e.worker_id, sum(CASE e.action WHEN 'assign' THEN 1 ELSE -1 END)
                                  OVER (PARTITION BY e.worker_id ORDER BY e.id) AS held
                                FROM item_events e WHERE e.action IN ('assign', 'submit')) h
                          JOIN workers w ON w.id = h.worker_id WHERE h.held > w.capacity OR h.held < 0),
         (SELECT count(*) FROM item_events e JOIN items i ON i.id = e.item_id
           WHERE e.action = 'assign' AND NOT CASE i.engagement_id
             WHEN 1 THEN 1 WHEN 2 THEN 1 + (e.worker_id - 1) % 4 >= 3
             WHEN 3 THEN 1 + ((e.worker_id - 1) / 4) % 4 >= 2 ELSE 1 + ((e.worker_id - 1) / 4) % 4 >= 4 END)")
echo "alihdaya: counted in the store: $a_assign claims of $a_items items, $a_twice claimed twice," \
     "$a_open left claimed, $a_cap over capacity, $a_inelig below the level"
[ "$a_assign" = "$A_CLAIMS" ] && [ "$a_items" = "$A_CLAIMS" ] && [ "$a_twice" = 0 ] && [ "$a_open" = 0 ] &&
  [ "$a_cap" = 0 ] && [ "$a_inelig" = 0 ] || fail "alihdaya's store disagrees"

# ---- PostgreSQL 15: a cluster of its own in TMP, loopback only, fsync and synchronous_commit
# on (the defaults), room for N connections; the same workers, skills and items.
P_OUT=
B_OUT=
X_OUT=
if [ $PG = 1 ]; then
  PGDATA=$TMP/pg
  mkdir -p "$PGDATA" && chown postgres "$PGDATA"
  runuser -u postgres -- $PGBIN/initdb -D "$PGDATA" -A trust -U bench >/dev/null
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -w -l "$PGDATA/log" \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c max_connections=$((N + 20))" start >/dev/null
  PSQL=(runuser -u postgres -- $PGBIN/psql -X -q -h 127.0.0.1 -p "$PGPORT" -U bench -d postgres -v ON_ERROR_STOP=1)
  "${PSQL[@]}" <<EOF
CREATE TABLE workers (id int PRIMARY KEY, capacity int NOT NULL, active int NOT NULL DEFAULT 0);
CREATE TABLE worker_skills (worker_id int NOT NULL REFERENCES workers(id), skill text NOT NULL,
  level int NOT NULL, PRIMARY KEY (worker_id, skill));
CREATE TABLE items (id bigint PRIMARY KEY, queue int NOT NULL, skill text NOT NULL, level int NOT NULL,
  priority int NOT NULL, created_at timestamptz NOT NULL, state text NOT NULL DEFAULT 'queued',
  worker_id int, claims int NOT NULL DEFAULT 0, claimed_at timestamptz, done_at timestamptz,
  payload jsonb NOT NULL, result jsonb);
INSERT INTO workers (id, capacity) SELECT i, 1 FROM generate_series(1, $N) i;
INSERT INTO worker_skills SELECT i, 'data_entry', 1 + (i - 1) % 4 FROM generate_series(1, $N) i;
INSERT INTO worker_skills SELECT i, 'review', 1 + ((i - 1) / 4) % 4 FROM generate_series(1, $N) i;
INSERT INTO items (id, queue, skill, level, priority, created_at, payload)
  SELECT g, q.queue, q.skill, q.level, q.priority, now() + g * interval '1 microsecond',
         jsonb_build_object('external_ref', format('E%sR%s', q.queue, lpad(r::text, 7, '0')), 'name', 'Item ' || r)
  FROM (VALUES (1, 'data_entry', 1, 1), (2, 'data_entry', 3, 5), (3, 'review', 2, 3), (4, 'review', 4, 8))
       AS q(queue, skill, level, priority),
       generate_series(1, $PER) r, LATERAL (SELECT (q.queue - 1) * $PER + r AS g) x;
-- The queues (alihdaya's engagements): what a worker needs for each, and its priority.
CREATE TABLE queues (id int PRIMARY KEY, skill text NOT NULL, level int NOT NULL, priority int NOT NULL);
INSERT INTO queues VALUES (1, 'data_entry', 1, 1), (2, 'data_entry', 3, 5), (3, 'review', 2, 3), (4, 'review', 4, 8);
-- The queue index of a SKIP LOCKED queue: each queue's open items in claim order.
CREATE INDEX items_queue ON items (queue, priority DESC, created_at, id) WHERE state = 'queued';
-- A claim: room on the worker, then the worker's eligible queues (skill at or above the
-- level) by priority, the oldest open item of the first that has one locked with SKIP
-- LOCKED (each queue has one priority, so this is priority then age over all of them;
-- one index of all queues instead makes a low-skilled worker skip every item it cannot
-- take, 140 ms a claim at 300,000 items), marked; one statement, one durable commit.
CREATE FUNCTION bench_claim(w int) RETURNS bigint LANGUAGE plpgsql AS \$\$
DECLARE it bigint; q int;
BEGIN
  UPDATE workers SET active = active + 1 WHERE id = w AND active < capacity;
  IF NOT FOUND THEN RETURN -1; END IF;
  FOR q IN SELECT k.id FROM queues k JOIN worker_skills s ON s.worker_id = w AND s.skill = k.skill
            WHERE s.level >= k.level ORDER BY k.priority DESC, k.id LOOP
    SELECT i.id INTO it FROM items i WHERE i.queue = q AND i.state = 'queued'
     ORDER BY i.priority DESC, i.created_at, i.id LIMIT 1 FOR UPDATE SKIP LOCKED;
    EXIT WHEN it IS NOT NULL;
  END LOOP;
  IF it IS NULL THEN
    UPDATE workers SET active = active - 1 WHERE id = w;
    RETURN 0;
  END IF;
  UPDATE items SET state = 'assigned', worker_id = w, claims = claims + 1, claimed_at = clock_timestamp()
   WHERE id = it;
  RETURN it;
END \$\$;
CREATE FUNCTION bench_complete(it bigint, w int) RETURNS int LANGUAGE plpgsql AS \$\$
BEGIN
  UPDATE items SET state = 'submitted', done_at = clock_timestamp(), result = '{"a":1}'
   WHERE id = it AND worker_id = w AND state = 'assigned';
  IF NOT FOUND THEN RETURN 0; END IF;
  UPDATE workers SET active = active - 1 WHERE id = w;
  RETURN 1;
END \$\$;
VACUUM ANALYZE;
CHECKPOINT;
EOF
  echo "postgresql: loaded; load $(cut -d' ' -f1-3 /proc/loadavg)"
  PM=$(head -1 "$PGDATA/postmaster.pid")
  C0=$(cpu "$PM")
  P_OUT=$("$GEN" pg "host=127.0.0.1 port=$PGPORT user=bench dbname=postgres" "$SECS" "$N")
  sleep 0.5 # the backends exit and are reaped (their CPU time joins the postmaster's children)
  P_CPU=$(awk -v a="$C0" -v b="$(cpu "$PM")" 'BEGIN{printf "%.2f", b - a}')
  P_OUT="$P_OUT server_cpu_s=$P_CPU"
  echo "$P_OUT" | sed 's/^/postgresql: /'
  echo "postgresql: done; load $(cut -d' ' -f1-3 /proc/loadavg)"
  P_CLAIMS=$(echo "$P_OUT" | field claims)
  read -r p_assign p_twice p_open p_cap p_inelig p_active < <("${PSQL[@]}" -tA -F ' ' -c "
    WITH ev AS (SELECT worker_id w, claimed_at t, 1 d FROM items WHERE claims > 0
                UNION ALL SELECT worker_id, done_at, -1 FROM items WHERE done_at IS NOT NULL),
         h AS (SELECT w, sum(d) OVER (PARTITION BY w ORDER BY t, d ROWS UNBOUNDED PRECEDING) held FROM ev)
    SELECT (SELECT count(*) FROM items WHERE claims > 0),
           (SELECT count(*) FROM items WHERE claims > 1),
           (SELECT count(*) FROM items WHERE state = 'assigned'),
           (SELECT count(*) FROM h JOIN workers k ON k.id = h.w WHERE h.held > k.capacity OR h.held < 0),
           (SELECT count(*) FROM items i JOIN worker_skills s ON s.worker_id = i.worker_id AND s.skill = i.skill
             WHERE i.claims > 0 AND s.level < i.level),
           (SELECT count(*) FROM workers WHERE active <> 0)")
  echo "postgresql: counted in the database: $p_assign items claimed, $p_twice claimed twice," \
       "$p_open left claimed, $p_cap over capacity, $p_inelig below the level, $p_active workers holding"
  [ "$p_assign" = "$P_CLAIMS" ] && [ "$p_twice" = 0 ] && [ "$p_open" = 0 ] && [ "$p_cap" = 0 ] &&
    [ "$p_inelig" = 0 ] && [ "$p_active" = 0 ] || fail "PostgreSQL's counts disagree"
  "${PSQL[@]}" -tA -c "SELECT 'postgresql: dead tuples in items after the run: ' || n_dead_tup FROM pg_stat_user_tables WHERE relname = 'items'"

  # ---- pg-boss on the same cluster, twice, each in a database of its own: its schema, four
  # queues e1..e4 (one partition each), the same items in the same order and priorities
  # through boss.insert(); then the same lanes (bench/claim/boss.mjs says how a worker's
  # eligibility and capacity are expressed with it). As shipped: pg-boss 10's only
  # index for fetching is (name, start_after) INCLUDE (priority, created_on, id), so each
  # fetch reads and sorts its whole queue (75,000 jobs: a seq scan and an external merge
  # sort, 128 ms alone); and with one index in the order of its fetch, (name, priority
  # DESC, created_on, id) WHERE state < 'active' (0.1 ms; pg-boss 12, which needs node 22,
  # ships the like of it as job_i11): the schema a careful user would add, the library's
  # code unchanged.
  boss_side() { # DB INDEX(0|1) -> BOUT
    local db=$1 ix=$2 t0 b_load b_cpu claims tag="pg-boss"
    [ "$ix" = 1 ] && tag="pg-boss+index"
    "${PSQL[@]}" -c "CREATE DATABASE $db"
    BPSQL=(runuser -u postgres -- $PGBIN/psql -X -q -h 127.0.0.1 -p "$PGPORT" -U bench -d "$db" -v ON_ERROR_STOP=1)
    BCONN="postgres://bench@127.0.0.1:$PGPORT/$db"
    t0=$(date +%s.%N)
    b_load=$(node bench/claim/boss.mjs load "$BOSS_DIR" "$BCONN" "$PER") || fail "$tag: load: $b_load"
    [ "$b_load" = "queued=$ITEMS" ] || fail "$tag: load: $b_load, not queued=$ITEMS"
    if [ "$ix" = 1 ]; then
      "${BPSQL[@]}" -c "CREATE INDEX bench_fetch ON pgboss.job (name, priority DESC, created_on, id) WHERE state < 'active'"
    fi
    "${BPSQL[@]}" -c "VACUUM ANALYZE" -c "CHECKPOINT"
    echo "$tag: loaded $ITEMS jobs in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.0f", b - a}') s; load $(cut -d' ' -f1-3 /proc/loadavg)"
    C0=$(cpu "$PM")
    BOUT=$(node bench/claim/boss.mjs run "$BOSS_DIR" "$BCONN" "$SECS" "$N" "$TMP/$db.log") || fail "$tag: run: $BOUT"
    sleep 0.5
    b_cpu=$(awk -v a="$C0" -v b="$(cpu "$PM")" 'BEGIN{printf "%.2f", b - a}')
    BOUT="$BOUT server_cpu_s=$b_cpu"
    echo "$BOUT" | sed "s/^/$tag: /"
    echo "$tag: done; load $(cut -d' ' -f1-3 /proc/loadavg)"
    claims=$(echo "$BOUT" | field claims)
    # pg-boss keeps no claim history: the lanes' log (worker, job, queue per claim) is
    # checked against the jobs' states, the worker each completion wrote into its output,
    # and started_on/completed_on (each its statement's transaction time) for the capacity.
    "${BPSQL[@]}" -c "CREATE TABLE bench_log (w int NOT NULL, id uuid NOT NULL, q text NOT NULL)" \
      -c "\\copy bench_log FROM '$TMP/$db.log' WITH (FORMAT csv)"
      read -r b_log b_ids b_started b_retried b_open b_mism b_cap b_inelig b_arch < <("${BPSQL[@]}" -tA -F ' ' -c "
        WITH ev AS (SELECT (output->>'w')::int w, started_on t, 1 d FROM pgboss.job WHERE state = 'completed'
                    UNION ALL SELECT (output->>'w')::int, completed_on, -1 FROM pgboss.job WHERE state = 'completed'),
             h AS (SELECT w, sum(d) OVER (PARTITION BY w ORDER BY t, d ROWS UNBOUNDED PRECEDING) held FROM ev)
        SELECT (SELECT count(*) FROM bench_log),
               (SELECT count(DISTINCT id) FROM bench_log),
               (SELECT count(*) FROM pgboss.job WHERE started_on IS NOT NULL),
               (SELECT count(*) FROM pgboss.job WHERE retry_count > 0),
               (SELECT count(*) FROM pgboss.job WHERE state = 'active'),
               (SELECT count(*) FROM pgboss.job j FULL JOIN bench_log l ON l.id = j.id AND l.q = j.name
                 WHERE (j.started_on IS NOT NULL OR l.id IS NOT NULL)
                   AND (l.id IS NULL OR j.id IS NULL OR j.state <> 'completed' OR (j.output->>'w')::int <> l.w)),
               (SELECT count(*) FROM h WHERE held > 1 OR held < 0),
               (SELECT count(*) FROM bench_log WHERE NOT CASE q WHEN 'e1' THEN true
                  WHEN 'e2' THEN 1 + (w - 1) % 4 >= 3 WHEN 'e3' THEN 1 + ((w - 1) / 4) % 4 >= 2
                  ELSE 1 + ((w - 1) / 4) % 4 >= 4 END),
               (SELECT count(*) FROM pgboss.archive)")
      echo "$tag: counted in the database: $b_started jobs claimed ($b_log claims in the lanes' log, $b_ids jobs)," \
           "$b_retried fetched again, $b_open left claimed, $b_mism not completed once by the worker that claimed it," \
           "$b_cap over capacity, $b_inelig below the level, $b_arch archived"
      [ "$b_log" = "$claims" ] && [ "$b_ids" = "$claims" ] && [ "$b_started" = "$claims" ] &&
        [ "$b_retried" = 0 ] && [ "$b_open" = 0 ] && [ "$b_mism" = 0 ] && [ "$b_cap" = 0 ] &&
        [ "$b_inelig" = 0 ] && [ "$b_arch" = 0 ] || fail "$tag: counts disagree"
      "${BPSQL[@]}" -tA -c "SELECT '$tag: dead tuples in its job partitions after the run: ' || sum(n_dead_tup) FROM pg_stat_user_tables WHERE schemaname = 'pgboss'"
  }
  if [ $BOSS = 1 ]; then
    # with the index first: the run as shipped keeps both cores saturated with sorts
    boss_side boss_ix 1; X_OUT=$BOUT
    boss_side boss 0; B_OUT=$BOUT
  fi
  runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -m fast stop >/dev/null; PGDATA=
fi

# ---- The table.
row() { # LABEL OUT
  local o=$2 w
  w=$(echo "$o" | sed -n 's/.*windows_per_s=//p')
  local c s g
  c=$(echo "$o" | field claims); s=$(echo "$o" | field server_cpu_s); g=$(echo "$o" | field generator_cpu_s)
  printf '| %s | %s | %s | %s | %s | %s / %s | %s / %s | %s |\n' "$1" "$c" \
    "$(echo "$o" | field claims_per_s)" "$(echo "$w" | tr , '\n' | sort -n | head -1)" \
    "$(awk -v c="$c" -v s="$s" -v g="$g" 'BEGIN{printf "%.0f (%.1f s; generator %.1f s)", (s>0)?c/s:0, s, g}')" "$(echo "$o" | field claim_p50_ms)" "$(echo "$o" | field claim_p99_ms)" \
    "$(echo "$o" | field complete_p50_ms)" "$(echo "$o" | field complete_p99_ms)" "$w"
}
echo
echo "| $N clients, $SECS s, $ITEMS items | claims | claims/s | lowest 5-s window | claims per server CPU-second | claim p50 / p99 ms | complete p50 / p99 ms | claims/s per 5-s window |"
echo "|---|---:|---:|---:|---|---|---|---|"
row "alihdaya, HTTP, SQLite synchronous=FULL" "$A_OUT"
[ -n "$P_OUT" ] && row "PostgreSQL 15, FOR UPDATE SKIP LOCKED, libpq" "$P_OUT"
BV=
[ -n "$B_OUT$X_OUT" ] && BV=$(node -p "require('$BOSS_DIR/node_modules/pg-boss/package.json').version")
[ -n "$B_OUT" ] && row "pg-boss $BV on that PostgreSQL, as shipped" "$B_OUT"
[ -n "$X_OUT" ] && row "pg-boss $BV + an index in its fetch order" "$X_OUT"
[ -n "$BOSS_WHY" ] && echo "| pg-boss: not measured, $BOSS_WHY | | | | | | | |"
# The ratios: to each peer, and to the best (the higher sustained claims/s; its p99).
ratio() { # LABEL PEER_OUT
  local ar pr ap pp
  ar=$(echo "$A_OUT" | field claims_per_s); pr=$(echo "$2" | field claims_per_s)
  ap=$(echo "$A_OUT" | field claim_p99_ms); pp=$(echo "$2" | field claim_p99_ms)
  echo "ratio alihdaya / $1: claims/s $(awk -v a="$ar" -v b="$pr" 'BEGIN{printf "%.2f", (b>0)?a/b:0}')," \
       "claim p99 $(awk -v a="$ap" -v b="$pp" 'BEGIN{printf "%.3g", (b>0)?a/b:0}')"
}
BEST= BEST_OUT=
for o in P_OUT B_OUT X_OUT; do
  [ -n "${!o}" ] || continue
  if [ -z "$BEST_OUT" ] || [ "$(echo "${!o}" | field claims_per_s)" -gt "$(echo "$BEST_OUT" | field claims_per_s)" ]; then
    BEST_OUT=${!o}
    case $o in P_OUT) BEST=PostgreSQL ;; B_OUT) BEST=pg-boss ;; *) BEST=pg-boss+index ;; esac
  fi
done
if [ -n "$BEST_OUT" ]; then
  echo
  [ -n "$P_OUT" ] && ratio PostgreSQL "$P_OUT"
  [ -n "$B_OUT" ] && ratio pg-boss "$B_OUT"
  [ -n "$X_OUT" ] && ratio pg-boss+index "$X_OUT"
  echo "$(ratio "the best peer ($BEST)" "$BEST_OUT") (target: claims/s >= 10, p99 <= 0.20); load $(cut -d' ' -f1-3 /proc/loadavg)"
fi
