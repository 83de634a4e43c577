#!/usr/bin/env bash
# The server's memory with the shipped JVM settings (pom.xml's pillars.jvm) vs the JVM's defaults, under the same
# load: the lesson page read logged in (gzip, as browsers ask), 32 connections, alternating rounds on two servers
# running side by side; and the README's Maven run (exec:exec) under one round of it.
# Prints a Markdown section on stdout. Run from the repository root: bench/memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh   # LESSON and CONNECTIONS: the load; demo_cookie, shipped_jvm, stable_jar_copy
ROUNDS=${ROUNDS:-4}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-15}
JAR=${JAR:-target/pillars.jar}
wrk_run_setup
CP="$work/pillars.jar"
stable_jar_copy "$CP"
FLAGS=$(shipped_jvm)
[ -n "$FLAGS" ] || { echo "no pillars.jvm in pom.xml" >&2; exit 1; }

start() { # name port env-and-flags...: starts a server, echoes its pid
  local name=$1 port=$2; shift 2
  free_port "$port"
  env PILLARS_DATA="$work/$name" PORT="$port" PILLARS_ACCESS_LOG=false PILLARS_RELOAD=false "$@" >"$work/$name.log" 2>&1 &
  echo $!
}
free_port() { if curl -fs "http://localhost:$1/health" >/dev/null 2>&1; then echo "port $1 is taken already" >&2; exit 1; fi; }
wait_up() { # port pid: until the server answers; stops the run if its process ends first
  for _ in $(seq 1 180); do
    curl -fs "http://localhost:$1/health" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "the server for port $1 exited" >&2; exit 1; }
    sleep 0.5
  done; echo "port $1 did not come up" >&2; exit 1; }
sample() { while kill -0 "$1" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null; sleep 1; done >"$2"; }
round() { wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Cookie: $2" -H "Accept-Encoding: gzip" "http://localhost:$1$LESSON" \
  | awk '/Requests\/sec/ {r=$2} $1=="99%" {p=$2} /Non-2xx/ {bad=1} END {if (bad) print "non-2xx"; else print r, p}'; }
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
peak() { sort -n "$1" | tail -1 | awk '{printf "%.0f", $1 / 1024}'; }
# heap after each collection (MiB), from -Xlog:gc: "... 40M->12M(96M) ..."; first and last quarter of the load
after_gc() { grep -o '[0-9]*M->[0-9]*M' "$1" | sed 's/.*->//; s/M//' | awk -v q="$2" '{a[NR]=$1} END {
  n=NR; if (n < 8) {print "–"; exit}; k=int(n/4); lo=(q=="first") ? 1 : n-k+1; hi=(q=="first") ? k : n;
  min=1e9; max=0; for (i=lo; i<=hi; i++) {if (a[i]<min) min=a[i]; if (a[i]>max) max=a[i]}; printf "%d-%d", min, max}'; }

PORT_D=18380; PORT_S=18381; PORT_M=18382
pid_d=$(start default $PORT_D java -Xlog:gc:file="$work/default.gc" -jar "$CP"); pids+=($pid_d)
pid_s=$(start shipped $PORT_S MALLOC_ARENA_MAX=2 java $FLAGS -Xlog:gc:file="$work/shipped.gc" -jar "$CP"); pids+=($pid_s)
wait_up $PORT_D $pid_d; wait_up $PORT_S $pid_s
cookie_d=$(demo_cookie $PORT_D); cookie_s=$(demo_cookie $PORT_S)
[ -n "$cookie_d" ] && [ -n "$cookie_s" ] || { echo "could not log in as the demo learner" >&2; exit 1; }
rss_idle_d=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$pid_d/status); rss_idle_s=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$pid_s/status)
round $PORT_D "$cookie_d" >/dev/null; round $PORT_S "$cookie_s" >/dev/null   # JIT warm-up (DURATION s each)
[ "$WARMUP" -gt "$DURATION" ] && { wrk -t2 -c"$CONNECTIONS" -d"$((WARMUP - DURATION))s" -H "Cookie: $cookie_d" "http://localhost:$PORT_D$LESSON" >/dev/null
  wrk -t2 -c"$CONNECTIONS" -d"$((WARMUP - DURATION))s" -H "Cookie: $cookie_s" "http://localhost:$PORT_S$LESSON" >/dev/null; }
: >"$work/default.gc.mark"; gc_from_d=$(grep -c . "$work/default.gc" || true); gc_from_s=$(grep -c . "$work/shipped.gc" || true)
sample $pid_d "$work/default.rss" & pids+=($!)
sample $pid_s "$work/shipped.rss" & pids+=($!)
rd=(); rs=(); pd=(); ps_=()
for _ in $(seq 1 "$ROUNDS"); do
  read -r r p <<<"$(round $PORT_D "$cookie_d")"; [ "$r" != non-2xx ] || { echo "errors from the default-flags server" >&2; exit 1; }; rd+=("$r"); pd+=("$p")
  read -r r p <<<"$(round $PORT_S "$cookie_s")"; [ "$r" != non-2xx ] || { echo "errors from the shipped-flags server" >&2; exit 1; }; rs+=("$r"); ps_+=("$p")
done
tail -n +"$((gc_from_d + 1))" "$work/default.gc" >"$work/default.load.gc"; tail -n +"$((gc_from_s + 1))" "$work/shipped.gc" >"$work/shipped.load.gc"
heap_end_s=$(heap_after_full_gc $pid_s); heap_end_d=$(heap_after_full_gc $pid_d)
kill $pid_d $pid_s 2>/dev/null || true

# the README's run command; the server is the JVM that Maven starts
free_port $PORT_M
PILLARS_DATA="$work/maven" PORT=$PORT_M PILLARS_ACCESS_LOG=false PILLARS_RELOAD=false mvn -q -B exec:exec >"$work/maven.log" 2>&1 &
pid_mvn=$!; pids+=($pid_mvn)
wait_up $PORT_M $pid_mvn
pid_m=$(pgrep -P "$pid_mvn" -f "org.pillars.Main" | head -1)
[ -n "$pid_m" ] || { echo "no server JVM under Maven" >&2; exit 1; }
pids+=($pid_m)
cookie_m=$(demo_cookie $PORT_M)
sample $pid_m "$work/maven.rss" & pids+=($!)
round $PORT_M "$cookie_m" >/dev/null
read -r rm pm <<<"$(round $PORT_M "$cookie_m")"
maven_self=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$pid_mvn/status 2>/dev/null || echo "?")
kill $pid_m 2>/dev/null || true   # the server first: Maven does not always stop it when told to stop
wait $pid_mvn 2>/dev/null || true

d=$(med "${rd[@]}"); s=$(med "${rs[@]}")
cat <<MD
## Memory: the shipped JVM settings vs the JVM's defaults

- Run: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1).
  Two servers side by side, each with its embedded PostgreSQL (not counted): one with no JVM flags
  (\`java -jar\`), one with the shipped settings (\`MALLOC_ARENA_MAX=2 java \$(pillars.jvm) -jar\`:
  \`$FLAGS\`). Load: the lesson page logged in, gzip, \`wrk -t2 -c$CONNECTIONS -d${DURATION}s\`, $ROUNDS alternating
  rounds after a ${WARMUP} s warm-up of each ($((ROUNDS * DURATION)) s of load per server). RSS sampled every second.

| JVM settings | requests/s (median) | runs | p99 runs | RSS after start | RSS peak under load | heap after GC, first quarter | last quarter |
|---|---|---|---|---|---|---|---|
| defaults (baseline) | $d | ${rd[*]} | ${pd[*]} | $rss_idle_d MiB | $(peak "$work/default.rss") MiB | $(after_gc "$work/default.load.gc" first) MiB | $(after_gc "$work/default.load.gc" last) MiB |
| shipped | $s | ${rs[*]} | ${ps_[*]} | $rss_idle_s MiB | **$(peak "$work/shipped.rss") MiB** | $(after_gc "$work/shipped.load.gc" first) MiB | $(after_gc "$work/shipped.load.gc" last) MiB |
| **shipped / defaults** | **$(awk -v a="$s" -v b="$d" 'BEGIN {printf "%.2f", a / b}')** | | | | | | |

- Heap in use after a full GC at the end: $heap_end_s MiB shipped, $heap_end_d MiB with the defaults.
- The README's run command (\`mvn -q compile exec:exec\`, the server in a JVM of its own with the same settings), one
  ${DURATION} s round after one of warm-up: $rm requests/s, p99 $pm, server JVM RSS peak **$(peak "$work/maven.rss") MiB**
  (Maven's own JVM, which only waits for it: $maven_self MiB).

Goals (issue 11): at most 256 MiB resident for the server JVM under this load and under \`bench/learners.sh\`,
at most 10 % fewer requests/s than with the defaults, heap after GC flat over the run.
MD
