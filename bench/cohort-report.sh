#!/usr/bin/env bash
# The completion report and CSV export at 10,000 and 100,000 learners. Prints a Markdown section.
# Run from the repository root: bench/cohort-report.sh
set -euo pipefail
cd "$(dirname "$0")/.."

APP_PORT=${APP_PORT:-18480}
SIZES=${SIZES:-"10000 100000"}
REPEAT=${REPEAT:-9}
CP=target/pillars.jar
[ -f "$CP" ] || mvn -q -B package -DskipTests >&2

work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

PILLARS_DATA="$work/data" PORT=$APP_PORT PILLARS_ACCESS_LOG=false PILLARS_RELOAD=false PILLARS_COURSES=bench/courses \
  java -Xmx2g -jar "$CP" >"$work/app.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -fs "http://localhost:$APP_PORT/health" >/dev/null 2>&1 && break; sleep 0.5; done
pg_port=$(grep -o 'embedded PostgreSQL ready on localhost:[0-9]*' "$work/app.log" | grep -o '[0-9]*$')
gen() { java -cp "$CP" bench/Generate.java "$pg_port" "$@"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ms() { awk '{printf "%.0f", $1 * 1000}'; }

declare -A page csv bytes statements gentime cohort auth runs
plans=""
for n in $SIZES; do
  t0=$(date +%s.%N)
  cohort[$n]=$(gen "$n" | awk '/^cohort/ {print $2}')
  gentime[$n]=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')
  token=$(curl -fs -H 'Content-Type: application/json' -d "{\"username\":\"coord-${cohort[$n]}\",\"password\":\"learner-demo-pillars\"}" \
    "http://localhost:$APP_PORT/api/auth/token" | sed 's/.*"token":"\([^"]*\)".*/\1/')
  auth[$n]="Authorization: Bearer $token"
  for _ in 1 2 3 4 5; do curl -fs -o /dev/null -H "${auth[$n]}" "http://localhost:$APP_PORT/cohorts/${cohort[$n]}"; done   # warm-up (JIT)
done
# Sizes alternate within each round, so a busy moment of this shared machine falls on all of them alike.
for _ in $(seq 1 "$REPEAT"); do
  for n in $SIZES; do
    runs[$n]="${runs[$n]:-} $(curl -fs -o /dev/null -w '%{time_total}' -H "${auth[$n]}" "http://localhost:$APP_PORT/cohorts/${cohort[$n]}" | ms)"
  done
done
for n in $SIZES; do
  page[$n]="$(echo "${runs[$n]}" | tr ' ' '\n' | awk NF | median) ms (runs:${runs[$n]})"
  r=""
  for _ in 1 2 3; do r="$r $(curl -fs -o "$work/export.csv" -w '%{time_total}' -H "${auth[$n]}" "http://localhost:$APP_PORT/api/cohorts/${cohort[$n]}/export.csv" | ms)"; done
  csv[$n]="$(echo "$r" | tr ' ' '\n' | awk NF | median) ms (runs:$r)"
  bytes[$n]="$(wc -c < "$work/export.csv") bytes, $(($(wc -l < "$work/export.csv") - 1)) lines"
  # backends report their counters when idle for 10 s: wait that long on both sides of the one page load
  sleep 11; before=$(gen scans | awk '{print $2}')
  curl -fs -o /dev/null -H "${auth[$n]}" "http://localhost:$APP_PORT/cohorts/${cohort[$n]}"
  sleep 11; after=$(gen scans | awk '{print $2}')
  statements[$n]=$((after - before))
  plans="$plans
#### $n learners
\`\`\`
$(gen explain "${cohort[$n]}")
\`\`\`"
done
rss=$(ps -o rss= -p "$pid" | awk '{printf "%.0f", $1 / 1024}')
set -- $SIZES
small=$1; large=${2:-$1}
ratio=$(awk -v a="${page[$large]%% *}" -v b="${page[$small]%% *}" 'BEGIN {printf "%.1f", a / b}')

cat <<MD
## Cohort report and export at scale

- Run: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; server (\`-Xmx2g\`), PostgreSQL 18
  (embedded) and curl share it. Synthetic cohorts from \`bench/Generate.java\`: six assigned modules, about 40 % of
  learner-module pairs completed, 30 % in progress, 30 % not started. Times are wall-clock from curl on loopback,
  median of $REPEAT page loads per size (after 5 warm-up loads; the sizes alternate within each round) and 3 exports.

| learners | generated in | report page (first 100 rows, full summary and charts) | CSV export | export size | table/index scans per report page |
|---|---|---|---|---|---|
$(for n in $SIZES; do echo "| $n | ${gentime[$n]} s | ${page[$n]} | ${csv[$n]} | ${bytes[$n]} | ${statements[$n]} |"; done)

Report at $large / report at $small learners: **$ratio** (goal: at most 12). Server resident memory after the run: $rss MiB.
Scans per page are the growth of \`seq_scan + idx_scan\` in \`pg_stat_user_tables\` (the report's tables) around one page
load: six queries (session check, cohort, assignments, one summary aggregate over \`module_progress\`, the page of learners, their cells) whatever the size; a query
per learner would add thousands.

### Query plans of the report queries (EXPLAIN ANALYZE)
$plans
MD
