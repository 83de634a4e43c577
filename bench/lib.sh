# Shared by the bench scripts: source it after setting JAR and work.

# Copies $JAR to $1 once nothing has written it for 5 s: a build elsewhere may be rewriting it, and a copy keeps
# the run on one jar whatever happens to target/ meanwhile.
stable_jar_copy() {
  for _ in $(seq 1 120); do
    [ $(( $(date +%s) - $(stat -c %Y "$JAR") )) -ge 5 ] && break; sleep 1
  done
  cp "$JAR" "$1"
}

# Java heap in use after a full GC, MiB, of the JVM with pid $1 (any collector: its generations' or regions' "used").
heap_after_full_gc() {
  jcmd "$1" GC.run >/dev/null 2>&1 || { echo "?"; return; }
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/generation +total|heap +total/ {for (i = 1; i < NF; i++) if ($i == "used") {v = $(i + 1); sub(/K,?$/, "", v); s += v}}
    END {printf "%.0f", s / 1024}'
}

# For a script that drives servers with wrk: wrk present, $JAR built, a scratch folder $work, and every pid put
# in $pids killed on exit (with the folder removed).
wrk_run_setup() {
  command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
  run_setup
}

# For a script that starts servers: $JAR built, a scratch folder $work, and every pid put in $pids killed on exit
# (with the folder removed).
run_setup() {
  [ -f "$JAR" ] || mvn -q -B package -DskipTests >&2
  work=$(mktemp -d)
  pids=()
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT
}

# Waits until the server on port $1 answers /health (at most 60 s); fails otherwise.
await_health() {
  for _ in $(seq 1 240); do curl -fs "http://localhost:$1/health" >/dev/null 2>&1 && return 0; sleep 0.25; done
  return 1
}

# The page load of issue 11, one definition for lesson-page.sh and memory.sh: this lesson, this many connections.
LESSON=${LESSON:-/modules/protection-of-civilians/tiers-and-phases}
CONNECTIONS=${CONNECTIONS:-32}

# The demo learner's session cookie from the server on port $1, logged in through the form as a browser would.
demo_cookie() {
  curl -fs -o /dev/null -D - --data-urlencode username=learner --data-urlencode password=learner-demo-pillars \
    --data-urlencode next=/home "http://localhost:$1/login" | grep -io 'pillars_token=[^;]*' | head -1
}

# The server's JVM settings as shipped (pom.xml's pillars.jvm, which README and exec:exec use).
shipped_jvm() { sed -n 's:.*<pillars.jvm>\(.*\)</pillars.jvm>.*:\1:p' pom.xml; }
