#!/usr/bin/env bash
# Publish to visible across two servers: a trainer publishes a draft on server A (through the API) and a learner's
# page on server B, on the same database, is polled until it shows the new version. Baseline, in the same run: the
# publish request itself on A (A serves the version when it answers). Prints a Markdown section on stdout.
# Run from the repository root: bench/publish.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-20}
A_PORT=${A_PORT:-18192}
B_PORT=${B_PORT:-18193}
JAR=target/pillars.jar
. bench/lib.sh
run_setup
stable_jar_copy "$work/pillars.jar"

PILLARS_DATA="$work/data" PORT=$A_PORT PILLARS_ACCESS_LOG=false MALLOC_ARENA_MAX=2 java $(shipped_jvm) -jar "$work/pillars.jar" >"$work/a.log" 2>&1 &
pids+=($!)
await_health "$A_PORT" || { cat "$work/a.log" >&2; exit 1; }
pg_port=$(grep -o 'embedded PostgreSQL ready on localhost:[0-9]*' "$work/a.log" | grep -o '[0-9]*$')
DATABASE_URL="postgresql://postgres@localhost:$pg_port/pillars" PILLARS_JWT_KEY_FILE="$work/data/jwt-es256.pem" PORT=$B_PORT \
  PILLARS_ACCESS_LOG=false PILLARS_SEED=false MALLOC_ARENA_MAX=2 java $(shipped_jvm) -jar "$work/pillars.jar" >"$work/b.log" 2>&1 &
pids+=($!)
await_health "$B_PORT" || { cat "$work/b.log" >&2; exit 1; }

token=$(curl -fs -H 'Content-Type: application/json' -d '{"username":"trainer","password":"trainer-demo-pillars"}' \
  "http://localhost:$A_PORT/api/auth/token" | sed 's/.*"token":"\([^"]*\)".*/\1/')
api() { curl -fs -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' ${3:+-d "$3"} "http://localhost:$A_PORT$2"; }
module=protection-of-civilians
lesson_file=01-what-poc-means.md
lesson_page=/modules/$module/what-poc-means
ms() { echo $(( $(date +%s%N) / 1000000 )); }
: >"$work/visible"; : >"$work/request"
for round in $(seq 1 "$ROUNDS"); do
  draft=$(api POST "/api/workspace/modules/$module/draft")
  revision=$(echo "$draft" | sed 's/.*"revision":\([0-9]*\).*/\1/')
  text=$(cat "courses/$module/$lesson_file")
  marker="Published in round $round of the benchmark."
  body=$(printf '%s\n\n%s\n' "$text" "$marker" | python3 -c 'import json,sys; print(json.dumps({"path": sys.argv[1], "text": sys.stdin.read(), "revision": int(sys.argv[2])}))' "$lesson_file" "$revision")
  api POST "/api/workspace/modules/$module/draft/files" "$body" >/dev/null
  t0=$(ms)
  api POST "/api/workspace/modules/$module/draft/publish" '{"confirm": true}' >/dev/null
  t1=$(ms)
  until curl -fs "http://localhost:$B_PORT$lesson_page" | grep -qF "$marker"; do
    [ $(( $(ms) - t0 )) -lt 30000 ] || { echo "round $round: not visible on B within 30 s" >&2; exit 1; }
  done
  t2=$(ms)
  echo $(( t1 - t0 )) >>"$work/request"; echo $(( t2 - t0 )) >>"$work/visible"
done
stat() { sort -n "$1" | awk '{a[NR]=$1} END {printf "%d | %d | %d", a[int((NR+1)/2)], a[int(NR*0.95+0.999)], a[NR]}'; }
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio=$(awk -v a="$(median "$work/visible")" -v b="$(median "$work/request")" 'BEGIN {printf "%.2f", a / b}')

cat <<MD
## Publish to visible across two servers

- Run: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores; two servers (shipped JVM settings) on one embedded
  PostgreSQL, both on this machine. $ROUNDS rounds: a trainer's draft of \`$module\` changes \`$lesson_file\` (a
  sentence added), is published on A through the API (\`POST .../draft/publish\`), and B's lesson page
  \`$lesson_page\` is polled with curl (back to back, a few ms each) until it shows the sentence.
- Baseline: the publish request on A, from sending it to its answer (A serves the new version once it answers):
  validating the draft among all modules, rendering it, storing the version and reading the catalogue back.

| ms | median | p95 | max |
|---|---|---|---|
| publish request on A (baseline) | $(stat "$work/request") |
| publish sent → visible on B | $(stat "$work/visible") |

Visible on B, median, is **$ratio** times the publish request; the goal is at most 2 s.
MD
