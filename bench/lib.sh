# Shared by the bench scripts: source it after setting JAR and work.

# Copies $JAR to $1 once nothing has written it for 5 s: a build elsewhere may be rewriting it, and a copy keeps
# the run on one jar whatever happens to target/ meanwhile.
stable_jar_copy() {
  for _ in $(seq 1 120); do
    [ $(( $(date +%s) - $(stat -c %Y "$JAR") )) -ge 5 ] && break; sleep 1
  done
  cp "$JAR" "$1"
}
