# Shared by .ci/loadbench and .ci/loadbench-ogc (sourced, not run): checks
# for wrk and curl, builds beibeimap and the bare baseline into $tmp, kills
# every server in pids on exit, and defines wait_listening, lua and rps.
# The sourcing script sets prog (its name, for messages) and the wrk knobs
# threads and conns first.

command -v wrk >/dev/null || { echo "$prog: wrk is not installed (apt-get install wrk, or bash .ci/deps)" >&2; exit 2; }
command -v curl >/dev/null || { echo "$prog: curl is not installed" >&2; exit 2; }

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "$prog: building"
go build -o "$tmp/beibeimap" ./cmd/beibeimap
go build -o "$tmp/baseline" .ci/baseline/main.go

# wait_listening FILE: prints the http://ADDR a server announced on stderr.
wait_listening() {
  local file=$1 i
  for i in $(seq 1 1000); do
    if grep -q 'listening on http://' "$file" 2>/dev/null; then
      grep -o 'listening on http://[^ ]*' "$file" | head -1 | sed 's/listening on //'
      return 0
    fi
    sleep 0.01
  done
  echo "$prog: server did not start; its stderr:" >&2
  cat "$file" >&2
  return 1
}

# lua FILE PATH...: writes a wrk script requesting the paths round-robin.
lua() {
  local file=$1; shift
  {
    echo "local paths = {"
    for p in "$@"; do echo "  \"$p\","; done
    echo "}"
    cat <<'LUA'
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA
  } >"$file"
}

# rps DURATION URL SCRIPT: requests/s of wrk against URL with SCRIPT; any
# non-2xx answer fails.
rps() {
  timeout 120 wrk -t"$threads" -c"$conns" -d"$1" -s "$3" "$2" >"$tmp/wrk.out" 2>&1 || {
    echo "$prog: wrk failed:" >&2; cat "$tmp/wrk.out" >&2; return 1; }
  if grep -q 'Non-2xx' "$tmp/wrk.out"; then
    echo "$prog: non-2xx answers:" >&2; cat "$tmp/wrk.out" >&2; return 1
  fi
  awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk.out"
}
