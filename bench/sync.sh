#!/usr/bin/env bash
# 300 learners reconnect after an outage, each sending a phone's outbox (5 attempts, 10 read marks) in one sync,
# against as many learners doing the same work online, one request at a time, in the same run.
# Prints a Markdown section on stdout. Run from the repository root: bench/sync.sh
set -euo pipefail
cd "$(dirname "$0")/.."

LEARNERS=${LEARNERS:-300}
APP_PORT=${APP_PORT:-18190}
JAR=target/pillars.jar
. bench/lib.sh
JAVA_OPTS=${JAVA_OPTS-$(shipped_jvm)}
wrk_run_setup
stable_jar_copy "$work/pillars.jar"
CP="$work/pillars.jar"

PILLARS_DATA="$work/data" PORT=$APP_PORT PILLARS_ACCESS_LOG=false PILLARS_RELOAD=false PILLARS_COURSES=bench/courses \
  PILLARS_HTTP_INSTANCES=$(nproc) MALLOC_ARENA_MAX=2 java $JAVA_OPTS -jar "$CP" >"$work/app.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do curl -fs "http://localhost:$APP_PORT/health" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "http://localhost:$APP_PORT/health" >/dev/null || { cat "$work/app.log" >&2; exit 1; }
pg_port=$(grep -o 'embedded PostgreSQL ready on localhost:[0-9]*' "$work/app.log" | grep -o '[0-9]*$')

out=$(java -cp "$CP" bench/SyncDriver.java "$APP_PORT" "$pg_port" "$LEARNERS" 2>"$work/driver.err") \
  || { cat "$work/driver.err" >&2; exit 1; }
echo "$out" >&2
cat "$work/driver.err" >&2
field() { echo "$out" | awk -v line="$1" -v key="$2" '$1 == line {for (i = 2; i < NF; i++) if ($i == key) print $(i + 1)}'; }
server_errors=$(grep -c '"level":"ERROR"' "$work/app.log" || true)
wall_ratio=$(awk -v a="$(field sync_requests wall_ms)" -v b="$(field online_requests wall_ms)" 'BEGIN {printf "%.2f", a / b}')
items=$((LEARNERS * 15))

cat <<MD
## Reconnecting after an outage: $LEARNERS outboxes at once, against the same work online

- Run: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; driver,
  server and PostgreSQL share it; shipped JVM settings. Driver: \`bench/SyncDriver.java\`, one thread per learner.
- Each learner's work: 5 attempts at a 10-question quiz and 10 lessons marked read. **Online**: $LEARNERS learners
  at once, each one request at a time (start, submit, ..., read, ...). **Reconnect**: $LEARNERS other learners,
  each sending the phone's outbox of those 15 items in one \`POST /api/sync\`, all released in the same instant.
  **Retry**: every outbox sent again, as phones do when an answer is lost. A warm-up of both paths runs first.

| phase | requests | errors | wall ms | p50 ms | p99 ms |
|---|---|---|---|---|---|
| online, one by one (baseline) | $(echo "$out" | awk '$1=="online_requests" {print $2}') | $(field online_requests errors) | $(field online_requests wall_ms) | $(field online_requests p50_ms) | $(field online_requests p99_ms) |
| reconnect, one sync each | $(echo "$out" | awk '$1=="sync_requests" {print $2}') | $(field sync_requests errors) | $(field sync_requests wall_ms) | $(field sync_requests p50_ms) | $(field sync_requests p99_ms) |
| retry of every outbox | $(echo "$out" | awk '$1=="retry_requests" {print $2}') | $(field retry_requests errors) | $(field retry_requests wall_ms) | $(field retry_requests p50_ms) | $(field retry_requests p99_ms) |

Reconnect wall time / online wall time for the same work: **$wall_ratio**. Server log errors: $server_errors.

**Every item stored exactly once.** Of $items items sent, the reconnect stored $(field sync_requests stored); the
retry stored $(field retry_requests stored) more and answered $(field retry_requests duplicate) as duplicates.
In PostgreSQL afterwards (attempts submitted and counting, read marks, attempts counted in module_progress):

| group | attempts | reads | counted |
|---|---|---|---|
| online | $(field online_db attempts) | $(field online_db reads) | $(field online_db counted) |
| reconnect | $(field sync_db attempts) | $(field sync_db reads) | $(field sync_db counted) |

Expected for each group: $((LEARNERS * 5)) attempts, $((LEARNERS * 10)) reads, $((LEARNERS * 5)) counted.
MD
