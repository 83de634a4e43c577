#!/usr/bin/env bash
# 500 simulated learners, each with its own account and think times, against a few learners as the baseline.
# Prints a Markdown section on stdout. Run from the repository root: bench/learners.sh
set -euo pipefail
cd "$(dirname "$0")/.."

LEARNERS=${LEARNERS:-500}
LOAD_SECONDS=${LOAD_SECONDS:-60}
RAMP=${RAMP:-30}
BASE_LEARNERS=${BASE_LEARNERS:-20}
BASE_SECONDS=${BASE_SECONDS:-30}
BASE_RAMP=${BASE_RAMP:-10}   # 2 logins/s: each baseline login meets an idle hashing pool
THINK_MIN=${THINK_MIN:-1000}
THINK_MAX=${THINK_MAX:-3000}
APP_PORT=${APP_PORT:-18580}
JAR=${JAR:-target/pillars.jar}
[ -f "$JAR" ] || mvn -q -B package -DskipTests >&2

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
. bench/lib.sh   # the scripts run from the repository root
CP="$work/pillars.jar"
stable_jar_copy "$CP"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

JVM_FLAGS=${JVM_FLAGS-$(shipped_jvm)}   # the shipped settings unless told otherwise (JVM_FLAGS= for the defaults)
PILLARS_DATA="$work/data" PORT=$APP_PORT PILLARS_ACCESS_LOG=false PILLARS_RELOAD=false PILLARS_COURSES=bench/courses \
  MALLOC_ARENA_MAX=2 java $JVM_FLAGS -jar "$CP" >"$work/app.log" 2>&1 &
pid=$!
pids+=($pid)
for _ in $(seq 1 120); do curl -fs "http://localhost:$APP_PORT/health" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "http://localhost:$APP_PORT/health" >/dev/null || { cat "$work/app.log" >&2; exit 1; }
pg_port=$(grep -o 'embedded PostgreSQL ready on localhost:[0-9]*' "$work/app.log" | grep -o '[0-9]*$')

# Accounts: 0 .. LEARNERS-1 for the load, then BASE_LEARNERS for the baseline, then 16 for the warm-up; each
# group starts with fresh accounts (nothing read, no attempts).
java -cp "$CP" bench/Learners.java setup "$pg_port" $((LEARNERS + BASE_LEARNERS + 16)) >/dev/null
drive() { timeout $(($3 + $4 + 90)) java -cp "$CP" bench/Learners.java run "$APP_PORT" "$@"; }

rss() { ps -o rss= -p "$pid" | awk '{printf "%.0f", $1 / 1024}'; }
heap() { heap_after_full_gc "$pid"; }   # Java heap in use after a full GC, MiB
cpu_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $5 + $6}' /proc/stat; }   # busy idle (ticks)

rss_start=$(rss); heap_start=$(heap)
drive $((LEARNERS + BASE_LEARNERS)) 16 1 10 0 20 >/dev/null   # warm-up (JIT): 16 learners without think time
drive "$LEARNERS" "$BASE_LEARNERS" "$BASE_RAMP" "$BASE_SECONDS" "$THINK_MIN" "$THINK_MAX" >"$work/base" 2>"$work/base.err"
rss_base=$(rss)

( while sleep 5; do rss >>"$work/rss"; echo >>"$work/rss"; done ) &
sampler=$!
pids+=($sampler)
c0=$(cpu_busy)
drive 0 "$LEARNERS" "$RAMP" "$LOAD_SECONDS" "$THINK_MIN" "$THINK_MAX" >"$work/load" 2>"$work/load.err"
c1=$(cpu_busy)
kill "$sampler" 2>/dev/null || true
rss_end=$(rss); rss_peak=$(awk 'NF' "$work/rss" | sort -n | tail -1); rss_peak=$(( rss_peak > rss_end ? rss_peak : rss_end ))
busy=$(echo "$c0 $c1" | awk '{b = $3 - $1; i = $4 - $2; printf "%.0f", 100 * b / (b + i)}')
sleep 5; heap_end=$(heap); rss_after_gc=$(rss)
submitted=$(psql -h localhost -p "$pg_port" -U postgres -d pillars -tAc "SELECT count(*) FROM attempts t JOIN accounts a ON a.id = t.account_id WHERE a.username LIKE 'learner-bench-%' AND t.submitted_at IS NOT NULL" 2>/dev/null || echo "?")
certs=$(psql -h localhost -p "$pg_port" -U postgres -d pillars -tAc "SELECT count(*) FROM certificates c JOIN accounts a ON a.id = c.account_id WHERE a.username LIKE 'learner-bench-%'" 2>/dev/null || echo "?")

val() { awk -v k="$2" '$1 == k {print $2}' "$1"; }
kind() { awk -v k="$2" -v f="$3" '$1 == "kind" && $2 == k {for (i = 3; i < NF; i += 2) if ($i == f) print $(i + 1)}' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.1f", a / b; else print "–"}'; }
rows() {
  for k in login page read start submit; do
    bp50=$(kind "$work/base" $k p50); bp99=$(kind "$work/base" $k p99)
    lp50=$(kind "$work/load" $k p50); lp99=$(kind "$work/load" $k p99)
    echo "| $k | $(kind "$work/base" $k n) | $bp50 | $bp99 | $(kind "$work/load" $k n) | $lp50 | $lp99 | $(kind "$work/load" $k max) | $(ratio "$lp50" "$bp50") | **$(ratio "$lp99" "$bp99")** | $(kind "$work/load" $k errors) |"
  done
}
err_rate() { awk -v e="$(val "$1" window_errors)" -v n="$(val "$1" window_requests)" 'BEGIN {printf "%.2f", n ? 100 * e / n : 0}'; }
first_errors() { if [ -s "$1" ]; then echo; echo "First errors reported by the driver ($2):"; echo; echo '```'; head -5 "$1"; echo '```'; fi; }

cat <<MD
## ${LEARNERS} learners at once vs ${BASE_LEARNERS}

- Run: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1);
  the driver (\`bench/Learners.java\`, one JVM, a thread per learner, one shared \`HttpClient\` on HTTP/1.1),
  the server (JVM settings \`${JVM_FLAGS:-the defaults}\`, $(nproc) HTTP instances, \`bench/courses\`) and its embedded PostgreSQL share it.
  Load average before the run: $load_before.
- Each simulated learner has its own account, arrives at a random moment of a ramp-up, logs in once
  (\`POST /api/auth/token\`, argon2id), then walks the six bench modules lesson by lesson: \`GET\` the lesson page,
  \`POST\` it read, and after a module's last lesson starts and submits its quiz (all right with probability 0.6,
  else 70 %, a fail); every request is followed by a think time of ${THINK_MIN}-${THINK_MAX} ms, uniformly at random.
  Times are per request, from the driver, on loopback.
- Load: $LEARNERS learners arriving over ${RAMP} s, then measured for ${LOAD_SECONDS} s (page, read, start, submit: requests
  started in those ${LOAD_SECONDS} s; login: all of them, during the ramp-up). Baseline, same server and driver, measured
  just before: $BASE_LEARNERS learners arriving over ${BASE_RAMP} s, measured for ${BASE_SECONDS} s. Before both, a 10 s JIT warm-up
  (16 other learners without think time).

| request | baseline n | p50 ms | p99 ms | load n | p50 ms | p99 ms | max ms | p50 ratio | p99 ratio | load errors |
|---|---|---|---|---|---|---|---|---|---|---|
$(rows)

- Load window: $(val "$work/load" window_requests) requests in ${LOAD_SECONDS} s, **$(val "$work/load" rate) requests/s**, error rate
  **$(err_rate "$work/load") %** ($(val "$work/load" window_errors) errors; over the whole run including the ramp-up:
  $(val "$work/load" all_errors) of $(val "$work/load" all_requests)). Baseline: $(val "$work/base" rate) requests/s, error rate $(err_rate "$work/base") %.
- Learners logged in: $(val "$work/load" loggedin) of $LEARNERS, $(val "$work/load" active_at_window) of them before the
  window opened; last login answered at $(val "$work/load" last_login_s) s. Quiz attempts submitted by all simulated
  learners (warm-up, baseline, load): $submitted; certificates: $certs. Machine CPU busy during the load run
  (ramp-up and window): $busy %.
- Server resident memory (\`ps -o rss\`, the Java process; PostgreSQL not included): **$rss_start MiB** after start,
  $rss_base MiB after warm-up and baseline, peak $rss_peak MiB (sampled every 5 s), **$rss_end MiB** at the end.
  Java heap in use after a full GC (\`jcmd GC.run\`): $heap_start MiB after start, $heap_end MiB at the end
  (RSS then $rss_after_gc MiB).
$(first_errors "$work/load.err" load)$(first_errors "$work/base.err" baseline)
MD
