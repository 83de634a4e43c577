#!/usr/bin/env bash
# Lesson page vs. the same bytes served as a static file by plain Vert.x, in one run on this machine.
# Prints a Markdown section on stdout. Run from the repository root: bench/lesson-page.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
APP_PORT=${APP_PORT:-18080}
STATIC_PORT=${STATIC_PORT:-18081}
LESSON=${LESSON:-/modules/protection-of-civilians/tiers-and-phases}
INSTANCES=$(nproc)

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
[ -f target/pillars.jar ] || mvn -q -B package -DskipTests >&2

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

PILLARS_DATA="$work/data" PORT=$APP_PORT PILLARS_ACCESS_LOG=false PILLARS_RELOAD=false \
  PILLARS_HTTP_INSTANCES=$INSTANCES java -jar target/pillars.jar >"$work/app.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do curl -fs "http://localhost:$APP_PORT/health" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "http://localhost:$APP_PORT/health" >/dev/null || { cat "$work/app.log" >&2; exit 1; }

mkdir -p "$work/static"
curl -fs "http://localhost:$APP_PORT$LESSON" -o "$work/static/lesson.html"
java -cp target/pillars.jar bench/StaticBaseline.java "$work/static" $STATIC_PORT $INSTANCES >"$work/static.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do curl -fs "http://localhost:$STATIC_PORT/lesson.html" >/dev/null 2>&1 && break; sleep 0.5; done
cmp -s "$work/static/lesson.html" <(curl -fs "http://localhost:$STATIC_PORT/lesson.html") || { echo "baseline serves other bytes" >&2; exit 1; }

rps() { # url [header] -> requests/s
  local out
  if [ -n "${2:-}" ]; then out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -H "$2" "$1"); else out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "$1"); fi
  echo "$out" | awk '/Requests\/sec/ {print $2}'
  echo "$out" | grep -q "Non-2xx" && echo "non-2xx answers from $1" >&2 || true
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

app_url="http://localhost:$APP_PORT$LESSON"
static_url="http://localhost:$STATIC_PORT/lesson.html"
wrk -t2 -c"$CONNECTIONS" -d5s "$app_url" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d5s "$static_url" >/dev/null
app_runs=(); static_runs=(); app_gz_runs=()
for _ in $(seq 1 "$ROUNDS"); do
  app_runs+=("$(rps "$app_url")")
  static_runs+=("$(rps "$static_url")")
  app_gz_runs+=("$(rps "$app_url" "Accept-Encoding: gzip")")
done
app=$(printf '%s\n' "${app_runs[@]}" | median)
static=$(printf '%s\n' "${static_runs[@]}" | median)
app_gz=$(printf '%s\n' "${app_gz_runs[@]}" | median)
ratio=$(awk -v a="$app" -v s="$static" 'BEGIN {printf "%.2f", a / s}')
ratio_gz=$(awk -v a="$app_gz" -v s="$static" 'BEGIN {printf "%.2f", a / s}')

html_raw=$(stat -c %s "$work/static/lesson.html")
html_gz=$(curl -fs -H 'Accept-Encoding: gzip' "$app_url" | wc -c)
css_path=$(grep -o '/static/css/app.css?v[^"]*' "$work/static/lesson.html" | head -1 | sed 's/&#x3D;/=/')
css_raw=$(curl -fs "http://localhost:$APP_PORT$css_path" | wc -c)
css_gz=$(curl -fs -H 'Accept-Encoding: gzip' "http://localhost:$APP_PORT$css_path" | wc -c)
icon_gz=$(curl -fs -H 'Accept-Encoding: gzip' "http://localhost:$APP_PORT/static/favicon.svg" | wc -c)

cat <<MD
## Lesson page vs. the same bytes as a static file

- Run: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1);
  wrk and both servers share the machine. ${INSTANCES} HTTP instances each; \`wrk -t2 -c$CONNECTIONS -d${DURATION}s\`,
  median of $ROUNDS alternating rounds after a 5 s warm-up of each.
- Page: \`$LESSON\` (English), rendered by the full stack: router, security headers, language choice,
  Handlebars layout, ETag. Baseline: plain Vert.x \`StaticHandler\` serving the very same bytes from a file.

| what | requests/s (median) | runs | ratio to static |
|---|---|---|---|
| static file, no gzip (baseline) | $static | ${static_runs[*]} | 1.00 |
| lesson page, no gzip | $app | ${app_runs[*]} | **$ratio** |
| lesson page, gzip | $app_gz | ${app_gz_runs[*]} | $ratio_gz |

Goal: at least 0.50 of the static rate. Page weights (bytes on the wire):

| what | raw | gzip |
|---|---|---|
| lesson HTML | $html_raw | $html_gz |
| CSS | $css_raw | $css_gz |
| favicon (SVG) | – | $icon_gz |
| **page + CSS** | $((html_raw + css_raw)) | **$((html_gz + css_gz))** |

Budgets: HTML at most 14 KB gzipped (14,336 B), page with CSS at most 50 KB (51,200 B).

Reading: the like-for-like figure is the first ratio (same bytes, neither side compressing). The gzip row
compresses every response (level 6, reused Deflater) while the static baseline sends its file uncompressed with
sendfile, so its ratio prices the compression too; browsers always ask for gzip, and on a slow link the 2.5x
smaller page matters more than server CPU. CSS and the icon are compressed once at start-up, not per request.
MD
