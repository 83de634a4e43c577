#!/usr/bin/env bash
# Quiz submission cycles vs a bare insert+update handler; login timing; page latency while logins hash.
# Prints a Markdown section on stdout. Run from the repository root: bench/quiz-and-login.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_ROUND=${SECONDS_PER_ROUND:-10}
ROUNDS=${ROUNDS:-5}
# each side runs this long before the timed rounds: with 3 s the baseline was still being compiled (its rate
# rose from ~500 to ~2,000 cycles/s over three rounds), so the ratio measured the JIT, not the code
WARMUP_SECONDS=${WARMUP_SECONDS:-120}
APP_PORT=${APP_PORT:-18180}
BASE_PORT=${BASE_PORT:-18181}
INSTANCES=$(nproc)
CP=target/pillars.jar
. bench/lib.sh   # shipped_jvm
# the shipped JVM settings unless told otherwise (JAVA_OPTS= for the defaults): with the defaults HotSpot never
# compiles the request validator's one huge method (-XX:-DontCompileHugeMethods), and a quiz cycle ran it interpreted
JAVA_OPTS=${JAVA_OPTS-$(shipped_jvm)}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
[ -f "$CP" ] || mvn -q -B package -DskipTests >&2

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

PILLARS_DATA="$work/data" PORT=$APP_PORT PILLARS_ACCESS_LOG=false PILLARS_RELOAD=false PILLARS_COURSES=bench/courses \
  PILLARS_HTTP_INSTANCES=$INSTANCES MALLOC_ARENA_MAX=2 java $JAVA_OPTS -jar "$CP" >"$work/app.log" 2>&1 &
app_pid=$!
pids+=($app_pid)
for _ in $(seq 1 120); do curl -fs "http://localhost:$APP_PORT/health" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "http://localhost:$APP_PORT/health" >/dev/null || { cat "$work/app.log" >&2; exit 1; }
pg_port=$(grep -o 'embedded PostgreSQL ready on localhost:[0-9]*' "$work/app.log" | grep -o '[0-9]*$')

driver() { java -cp "$CP" bench/QuizDriver.java "$APP_PORT" "$BASE_PORT" "$pg_port" "$@"; }
driver setup >/dev/null
java -cp "$CP" bench/InsertBaseline.java "$BASE_PORT" "$pg_port" "$INSTANCES" >"$work/baseline.log" 2>&1 &
base_pid=$!
pids+=($base_pid)
for _ in $(seq 1 60); do grep -q "insert baseline on port" "$work/baseline.log" && break; sleep 0.5; done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mean() { tr ' ' '\n' | awk 'NF {s+=$1; n++} END {printf "%.1f", s/n}'; }

quiz=$(java -Dapp.pid="$app_pid" -Dbaseline.pid="$base_pid" -cp "$CP" bench/QuizDriver.java "$APP_PORT" "$BASE_PORT" "$pg_port" \
  quiz "$SECONDS_PER_ROUND" "$ROUNDS" "$WARMUP_SECONDS")
echo "$quiz" >&2
pillars_runs=$(echo "$quiz" | awk '/^pillars/ {print $2}' | tr '\n' ' ')
baseline_runs=$(echo "$quiz" | awk '/^baseline/ {print $2}' | tr '\n' ' ')
pillars=$(echo "$pillars_runs" | tr ' ' '\n' | awk NF | median)
baseline=$(echo "$baseline_runs" | tr ' ' '\n' | awk NF | median)
quiz_ratio=$(awk -v a="$pillars" -v b="$baseline" 'BEGIN {printf "%.2f", a / b}')
attempts=$(psql -h localhost -p "$pg_port" -U postgres -d pillars -tAc "SELECT count(*) FROM attempts WHERE module_id = 'bench' AND submitted_at IS NOT NULL" 2>/dev/null || echo "?")

logins=$(driver logins)
wrong_pw=$(echo "$logins" | awk '/^wrongpassword/ {$1=""; print}' | tr ' ' '\n' | awk NF | median)
unknown=$(echo "$logins" | awk '/^unknownuser/ {$1=""; print}' | tr ' ' '\n' | awk NF | median)
login_ratio=$(awk -v a="$unknown" -v b="$wrong_pw" 'BEGIN {printf "%.2f", a / b}')

to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}'; }
latency() { # -> "rps p50 p99"
  local out
  out=$(wrk -t2 -c16 -d"${SECONDS_PER_ROUND}s" --latency "http://localhost:$APP_PORT/modules/bench/only")
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') $(echo "$out" | awk '$1=="50%" {print $2}' | to_ms) $(echo "$out" | awk '$1=="99%" {print $2}' | to_ms)"
}
wrk -t2 -c16 -d3s "http://localhost:$APP_PORT/modules/bench/only" >/dev/null
idle1=$(latency)
driver loginload "$((SECONDS_PER_ROUND + 2))" >"$work/load1" & lp=$!; sleep 1
busy1=$(latency); wait $lp
idle2=$(latency)
driver loginload "$((SECONDS_PER_ROUND + 2))" >"$work/load2" & lp=$!; sleep 1
busy2=$(latency); wait $lp
rate1=$(awk '/^logins/ {print $2}' "$work/load1"); rate2=$(awk '/^logins/ {print $2}' "$work/load2")
p99_idle=$(printf '%s\n%s\n' "$(echo "$idle1" | cut -d' ' -f3)" "$(echo "$idle2" | cut -d' ' -f3)" | awk '{s+=$1} END {printf "%.2f", s/NR}')
p99_busy=$(printf '%s\n%s\n' "$(echo "$busy1" | cut -d' ' -f3)" "$(echo "$busy2" | cut -d' ' -f3)" | awk '{s+=$1} END {printf "%.2f", s/NR}')
p99_ratio=$(awk -v a="$p99_busy" -v b="$p99_idle" 'BEGIN {printf "%.1f", a / b}')

cat <<MD
## Quiz submission vs a bare insert, logins, and pages while logins hash

- Run: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; driver,
  servers and PostgreSQL share it. $INSTANCES HTTP instances on each server; 16 learners in
  parallel, each looping; the server runs the shipped JVM settings (\`$JAVA_OPTS\`); median of $ROUNDS alternating rounds of ${SECONDS_PER_ROUND} s after a ${WARMUP_SECONDS} s warm-up of each.
- A **quiz cycle** is what a learner's attempt costs: start an attempt, then submit 10 answers. Pillars does it
  through the full stack (bearer token checked, session trusted from memory while its notifications are live,
  the request checked against openapi.yaml, one statement that finds or opens the attempt within its limit,
  grading, the answers stored, the result written with its feedback). The baseline
  (\`bench/InsertBaseline.java\`) does the same two writes to the same table behind bare handlers.

| what | cycles/s (median) | runs | ratio |
|---|---|---|---|
| bare insert + update (baseline) | $baseline | $baseline_runs| 1.00 |
| Pillars start + submit | $pillars | $pillars_runs| **$quiz_ratio** |

Submitted bench attempts in the database after the run: $attempts.

**Same answer, same time.** Median time of a refused login over 30 tries each, the two kinds alternating
request by request after 4 warm-up tries (one client, sequential):

| what | ms (median) | ratio |
|---|---|---|
| known user, wrong password | $wrong_pw | 1.00 |
| unknown user | $unknown | **$login_ratio** |

**Pages while logins hash.** The lesson page under \`wrk -t2 -c16\`, alone and while 4 clients log in
continuously (argon2id, 19 MiB, t=2, on a pool of at most half the cores):

| what | requests/s | p50 ms | p99 ms | logins/s |
|---|---|---|---|---|
| pages alone, round 1 | $(echo "$idle1" | awk '{print $1 " | " $2 " | " $3}') | – |
| pages with logins, round 1 | $(echo "$busy1" | awk '{print $1 " | " $2 " | " $3}') | $rate1 |
| pages alone, round 2 | $(echo "$idle2" | awk '{print $1 " | " $2 " | " $3}') | – |
| pages with logins, round 2 | $(echo "$busy2" | awk '{print $1 " | " $2 " | " $3}') | $rate2 |

p99 with logins / p99 alone: **$p99_ratio** (mean of the two rounds). Hashing takes CPU from a 2-core machine,
so pages slow down; what must not happen is a stall (seconds of p99, errors), which the pool limit prevents.
MD
