#!/usr/bin/env bash
# Lighthouse on the pages a learner uses, anonymous and signed in, as a phone on a slow link would load them:
# performance, accessibility, best practices, and the installability audit. Lighthouse 11, because 12 dropped the
# PWA category and its installable-manifest audit. Needs Debian's chromium and the npm registry (it installs
# lighthouse into a scratch folder). Prints a Markdown section on stdout. Run from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."

APP_PORT=${APP_PORT:-18191}
JAR=target/pillars.jar
. bench/lib.sh
run_setup
stable_jar_copy "$work/pillars.jar"
(cd "$work" && npm install --silent --no-audit --no-fund lighthouse@11 >&2)

PILLARS_DATA="$work/data" PORT=$APP_PORT PILLARS_ACCESS_LOG=false MALLOC_ARENA_MAX=2 \
  java $(shipped_jvm) -jar "$work/pillars.jar" >"$work/app.log" 2>&1 &
pids+=($!)
await_health "$APP_PORT" || { cat "$work/app.log" >&2; exit 1; }
base="http://localhost:$APP_PORT"
cookie=$(demo_cookie "$APP_PORT")
quiz=/modules/protection-of-civilians/quiz
csrf=$(curl -fs -H "Cookie: $cookie" "$base$quiz" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
attempt=$(curl -fs -o /dev/null -w '%{redirect_url}' -H "Cookie: $cookie" --data-urlencode "_csrf=$csrf" "$base$quiz" | sed "s|^$base||")

# audit NAME PATH [COOKIE]: one table row
audit() {
  local headers='{}'
  [ -n "${3:-}" ] && headers="{\"Cookie\":\"$3\"}"
  local try
  for try in 1 2 3; do  # Lighthouse sometimes loses the trace of a load (NO_NAVSTART): that run says nothing, run it again
    CHROME_PATH=/usr/bin/chromium "$work/node_modules/.bin/lighthouse" "$base$2" --quiet --output=json \
      --output-path="$work/$1.json" --form-factor=mobile --extra-headers="$headers" \
      --only-categories=performance,accessibility,best-practices,pwa \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking --disable-component-update --disable-sync" \
      >/dev/null 2>"$work/$1.err" && break
    [ "$try" = 3 ] && { cat "$work/$1.err" >&2; exit 1; }
  done
  node -e '
    const r = require(process.argv[1]), c = r.categories, a = r.audits, s = k => Math.round(c[k].score * 100);
    const below = Object.keys(c).flatMap(k => c[k].auditRefs.filter(x => x.weight > 0 && a[x.id].score !== null && a[x.id].score < 1).map(x => x.id));
    console.log(`| ${process.argv[2]} | ${new URL(r.finalDisplayedUrl).pathname} | ${s("performance")} | ${s("accessibility")} | ${s("best-practices")} | ${a["installable-manifest"].score === 1 ? "yes" : "no"} | ${a["first-contentful-paint"].displayValue} | ${a["largest-contentful-paint"].displayValue} | ${a["total-blocking-time"].displayValue} | ${below.join(", ") || "none"} |`);
  ' "$work/$1.json" "$1"
}

cat <<MD
## Lighthouse: the learner's pages on a phone

- Run: $(date -u +%Y-%m-%dT%H:%MZ); Lighthouse $("$work/node_modules/.bin/lighthouse" --version), mobile form factor with
  its default simulated throttling (slow 4G, 4x CPU slowdown), Debian's Chromium; the demo learner for signed-in pages.

| page | path | performance | accessibility | best practices | installable | FCP | LCP | TBT | audits below 1 |
|---|---|---|---|---|---|---|---|---|---|
MD
audit catalogue /
audit login /login
audit module /modules/protection-of-civilians
audit lesson /modules/protection-of-civilians/tiers-and-phases
audit "home (signed in)" /home "$cookie"
audit "lesson (signed in)" /modules/protection-of-civilians/tiers-and-phases "$cookie"
audit "quiz (signed in)" "$quiz" "$cookie"
audit "quiz form (signed in)" "$attempt" "$cookie"
