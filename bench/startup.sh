#!/usr/bin/env bash
# Start-up time with 100 modules vs the 6 real modules, in one run on this machine.
# Prints a Markdown section on stdout. Run from the repository root: bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

MODULES=${MODULES:-100}
ROUNDS=${ROUNDS:-3}
SOURCE=${SOURCE:-protection-of-civilians}   # the real module copied MODULES times
APP_PORT=${APP_PORT:-18780}
JAR=${JAR:-target/pillars.jar}
[ -f "$JAR" ] || mvn -q -B package -DskipTests >&2

work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
. bench/lib.sh   # the scripts run from the repository root
CP="$work/pillars.jar"
stable_jar_copy "$CP"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# MODULES copies of a real module (English and French), each with its own id in module.md / module.fr.md
many="$work/courses-$MODULES"
mkdir -p "$many"
for i in $(seq -w 1 "$MODULES"); do
  id="$SOURCE-$i"
  cp -r "courses/$SOURCE" "$many/$id"
  for f in "$many/$id"/module*.md; do sed -i "0,/^id: .*/s//id: $id/" "$f"; done
done
real=$(find courses -mindepth 1 -maxdepth 1 -type d | wc -l)

listed() { curl -fs "http://localhost:$APP_PORT/" 2>/dev/null | grep -o 'href="/modules/[^"/]*"' | sort -u | wc -l; }
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""
  for _ in $(seq 1 150); do [ -f "$data/postgres/postmaster.pid" ] || break; sleep 0.2; done; }
# start COURSES EXPECTED: sets RESULT to "ms_to_health ms_to_catalogue self_reported_ms rss_mib content_ms" (no subshell, so
# that the trap always knows the server's pid). Each set of courses has its own data folder: the modules published
# from one set stay published, so two sets on one database would serve both.
start() {
  local t0 th="" tc="" now self rss content
  data="$work/data-$2"
  t0=$(date +%s%N)
  PILLARS_DATA="$data" PORT=$APP_PORT PILLARS_ACCESS_LOG=false PILLARS_RELOAD=false PILLARS_COURSES="$1" \
    java -jar "$CP" >"$work/app.log" 2>&1 &
  pid=$!
  while [ -z "$tc" ]; do
    now=$(date +%s%N)
    [ $(( (now - t0) / 1000000000 )) -lt 180 ] || { cat "$work/app.log" >&2; echo "no start within 180 s" >&2; exit 1; }
    kill -0 "$pid" 2>/dev/null || { cat "$work/app.log" >&2; echo "server exited" >&2; exit 1; }
    if [ -z "$th" ]; then
      curl -fs -o /dev/null "http://localhost:$APP_PORT/health" 2>/dev/null && th=$(( ($(date +%s%N) - t0) / 1000000 ))
    fi
    if [ -n "$th" ] && [ "$(listed)" -eq "$2" ]; then tc=$(( ($(date +%s%N) - t0) / 1000000 )); break; fi
    sleep 0.02
  done
  self=$(grep -o 'started in [0-9]*' "$work/app.log" | grep -o '[0-9]*$' || echo "?")
  rss=$(ps -o rss= -p "$pid" | awk '{printf "%.0f", $1 / 1024}')
  grep -o 'serving [0-9]* module(s), [0-9]* lesson(s) ([0-9]* rendered' "$work/app.log" | sed 's/ (/, /' >"$work/content.$2" || true
  # the courses' share: from the seeds' log line to the content store's (log timestamps, ms)
  content=$(awk '/org.pillars.seeds.Seeds/ {a = substr($0, index($0, "\"time\":\"") + 8, 24)}
    /org.pillars.content.ContentStore/ && /serving/ {b = substr($0, index($0, "\"time\":\"") + 8, 24)}
    function ms(t) {split(substr(t, 12, 12), x, ":"); return (x[1] * 3600 + x[2] * 60 + x[3]) * 1000}
    END {if (a && b) printf "%.0f", ms(b) - ms(a); else print "?"}' "$work/app.log")
  stop
  RESULT="$th $tc $self $rss $content"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# Untimed first starts: initdb, migrations and seeds (with the real modules), then the first sight of the copies.
start courses "$real"; first_ms=$(echo "$RESULT" | cut -d' ' -f2)
start "$many" "$MODULES"; first_many_ms=$(echo "$RESULT" | cut -d' ' -f2)
declare -A runs=([real]="" [many]="")
for _ in $(seq 1 "$ROUNDS"); do   # the two sets alternate, so a busy moment of the machine falls on both alike
  start courses "$real"; runs[real]+="$RESULT;"
  start "$many" "$MODULES"; runs[many]+="$RESULT;"
done
col() { echo "${runs[$1]}" | tr ';' '\n' | awk -v c="$2" 'NF {print $c}'; }
med() { col "$1" "$2" | median; }
list() { col "$1" "$2" | tr '\n' ' ' | sed 's/ $//'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

cat <<MD
## Start-up with $MODULES modules vs the $real real ones

- Run: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1);
  load average before the run: $load_before. \`java -jar\` with the default heap, \`PILLARS_RELOAD=false\`.
- Timed from just before \`java\` is launched (wall clock, shell) until \`GET /health\` answers 200 and until the catalogue
  page \`/\` links to every module (polled every 20 ms with curl). That includes JVM start, the **start of the embedded
  PostgreSQL on an existing data folder** (not \`initdb\`: each set has its own folder, initialised by an untimed first
  start with initdb, migrations, seeds and the first publication of every module: $first_ms ms for the real ones,
  $first_many_ms ms for the $MODULES), the migration check, seeds, loading the courses and the HTTP listeners. Each set had one untimed start before the timed ones; then $ROUNDS rounds, the two sets alternating; medians.
- $MODULES modules: copies of \`courses/$SOURCE\` (English and French, $(find "courses/$SOURCE" -name '*.md' | wc -l) files,
  $(du -sk "courses/$SOURCE" | cut -f1) KiB each) with their ids changed; $(cat "$work/content.$MODULES"). Baseline: \`courses\`,
  $(cat "$work/content.$real").

| what | to /health 200, ms (median) | runs | to catalogue listing all, ms (median) | runs | server's own "started in" ms | of which loading the courses, ms | RSS at ready, MiB |
|---|---|---|---|---|---|---|---|
| $real real modules (baseline) | $(med real 1) | $(list real 1) | $(med real 2) | $(list real 2) | $(med real 3) | $(med real 5) | $(med real 4) |
| $MODULES modules | $(med many 1) | $(list many 1) | $(med many 2) | $(list many 2) | $(med many 3) | $(med many 5) | $(med many 4) |
| ratio | $(ratio "$(med many 1)" "$(med real 1)") | | **$(ratio "$(med many 2)" "$(med real 2)")** | | $(ratio "$(med many 3)" "$(med real 3)") | $(ratio "$(med many 5)" "$(med real 5)") | $(ratio "$(med many 4)" "$(med real 4)") |

"Loading the courses" is the time between the seeds' log line and the content store's "serving N module(s)" line
(log timestamps): reading every module folder's files and comparing their digest with the published version's, then
reading the published versions from PostgreSQL; a folder that changed would be validated and rendered, and on these
timed starts none had ("0 rendered" above).
MD
