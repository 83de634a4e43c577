#!/usr/bin/env bash
# Readiness of a country of 20,000 personnel (8 units, 40 cohorts, six modules each) against the cohort report of
# 10,000 learners, in the same run. Prints a Markdown section. Run from the repository root: bench/readiness.sh
set -euo pipefail
cd "$(dirname "$0")/.."

APP_PORT=${APP_PORT:-18481}
PEOPLE=${PEOPLE:-20000}
BASE=${BASE:-10000}
REPEAT=${REPEAT:-9}
JAR=target/pillars.jar
CP=$JAR
. bench/lib.sh   # run_setup, await_health
run_setup

PILLARS_DATA="$work/data" PORT=$APP_PORT PILLARS_ACCESS_LOG=false PILLARS_RELOAD=false PILLARS_COURSES=bench/courses \
  java -Xmx2g -jar "$CP" >"$work/app.log" 2>&1 &
pids+=($!)
await_health "$APP_PORT" || { cat "$work/app.log" >&2; exit 1; }
pg_port=$(grep -o 'embedded PostgreSQL ready on localhost:[0-9]*' "$work/app.log" | grep -o '[0-9]*$')
gen() { java -cp "$CP" bench/Generate.java "$pg_port" "$@"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ms() { awk '{printf "%.0f", $1 * 1000}'; }
token() {
  curl -fs -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"learner-demo-pillars\"}" \
    "http://localhost:$APP_PORT/api/auth/token" | sed 's/.*"token":"\([^"]*\)".*/\1/'
}
time_of() { curl -fs -o /dev/null -w '%{time_total}' -H "$1" "http://localhost:$APP_PORT$2" | ms; }

cohort=$(gen "$BASE" | awk '/^cohort/ {print $2}')
base_auth="Authorization: Bearer $(token "coord-$cohort")"
read -r _ country coordinator <<<"$(gen country "$PEOPLE" | awk '/^country/')"
auth="Authorization: Bearer $(token "$coordinator")"
unit=$(curl -fs -H "$auth" "http://localhost:$APP_PORT/api/readiness/$country" | grep -o '"organisation":[0-9][0-9]*' | head -1 | grep -o '[0-9][0-9]*')
declare -A urls=(
  [report]="/cohorts/$cohort"
  [country]="/readiness/$country"
  [country-api]="/api/readiness/$country"
  [unit]="/readiness/$unit"
)
auth_of() { [ "$1" = report ] && echo "$base_auth" || echo "$auth"; }
for k in report country country-api unit; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "$(auth_of $k)" "http://localhost:$APP_PORT${urls[$k]}")
  [ "$code" = 200 ] || { echo "${urls[$k]} answered $code, not 200" >&2; exit 1; }
  for _ in 1 2 3 4 5; do time_of "$(auth_of $k)" "${urls[$k]}" >/dev/null; done  # warm-up (JIT)
done
declare -A runs
for _ in $(seq 1 "$REPEAT"); do
  for k in report country country-api unit; do runs[$k]="${runs[$k]:-} $(time_of "$(auth_of $k)" "${urls[$k]}")"; done
done
declare -A med
for k in report country country-api unit; do med[$k]=$(echo "${runs[$k]}" | tr ' ' '\n' | awk NF | median); done
r=""
for _ in 1 2 3; do r="$r $(curl -fs -o "$work/readiness.csv" -w '%{time_total}' -H "$auth" "http://localhost:$APP_PORT/readiness/$country/export.csv" | ms)"; done
csv_ms=$(echo "$r" | tr ' ' '\n' | awk NF | median)
lines=$(($(wc -l < "$work/readiness.csv") - 1))
sleep 11; before=$(gen scans | awk '{print $2}')
time_of "$auth" "/readiness/$country" >/dev/null
sleep 11; after=$(gen scans | awk '{print $2}')
scans=$((after - before))
ratio=$(awk -v a="${med[country]}" -v b="${med[report]}" 'BEGIN {printf "%.2f", a / b}')

cat <<MD
## Readiness of a country at scale

- Run: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores; server (\`-Xmx2g\`), PostgreSQL (embedded) and curl share it.
  A synthetic country from \`bench/Generate.java country\`: $PEOPLE personnel in 8 units of 5 cohorts each, six assigned
  modules, about 40 % of person-module pairs completed. Baseline: the cohort report page of one cohort of $BASE
  learners in the same server. Median of $REPEAT loads each (after 5 warm-up loads; the pages alternate within each round).

| page | median | runs (ms) |
|---|---|---|
| cohort report, $BASE learners (baseline) | ${med[report]} ms | ${runs[report]} |
| readiness of the country ($PEOPLE personnel, counts per unit and module) | ${med[country]} ms | ${runs[country]} |
| the same as JSON | ${med[country-api]} ms | ${runs[country-api]} |
| readiness of one unit ($((PEOPLE / 8)) personnel listed with every module) | ${med[unit]} ms | ${runs[unit]} |

Country readiness / cohort report: **$ratio** (goal: the country page in at most 300 ms). CSV of the whole country:
$csv_ms ms for $lines lines. Table and index scans for one country page: $scans. The page runs three statements
whatever the number of people or cohorts (the session check, the caller's organisations, one for the counts per unit
and per module); the locked-out rule reads the attempts granted from \`module_progress\` (V18), not row by row
(before: 715 ms for the country page, with a lookup per row and one statement each for the two counts).
MD
