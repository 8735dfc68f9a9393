# Shared by examples/zoom/run.sh and examples/teams/run.sh (sourced, not run): starts the SBC with
# the example's sbc.yaml, uploads the shipped profile's main.rules with the example's site file
# (trunks.rules), provisions customers and numbers through the admin API, and places calls with
# sipp playing each peer on its loopback address. Ports can be moved with SIP_PORT, ADMIN_PORT,
# NG_PORT, RTP_MIN and RTP_MAX (the tests do, to run beside other tests).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NODE="$ROOT/node_modules/.bin/node"
SIPP_SCENARIOS="$ROOT/test/interop/sipp"
CORE_SCENARIOS="$ROOT/test/core/sipp"
SIP_PORT="${SIP_PORT:-5060}"
ADMIN_PORT="${ADMIN_PORT:-8080}"
NG_PORT="${NG_PORT:-22222}"
RTP_MIN="${RTP_MIN:-30000}"
RTP_MAX="${RTP_MAX:-30799}"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
command -v sipp >/dev/null || { echo "sipp is missing: run npm run setup:system" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is missing" >&2; exit 1; }

# start_sbc EXAMPLE_DIR: the example's sbc.yaml with the ports above and a scratch data directory.
start_sbc() {
  sed -e "s/port: 5060/port: $SIP_PORT/; s/port: 8080/port: $ADMIN_PORT/; s/ngPort: 22222/ngPort: $NG_PORT/" \
    -e "s/portMin: 30000/portMin: $RTP_MIN/; s/portMax: 30799/portMax: $RTP_MAX/" \
    -e "s#dir: .data/.*#dir: $WORK/data#" "$1/sbc.yaml" >"$WORK/sbc.yaml"
  "$ROOT/bin/sbc" run --config "$WORK/sbc.yaml" --log-level warn >"$WORK/sbc.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 60); do
    curl -sf "http://127.0.0.1:$ADMIN_PORT/health" >/dev/null && return 0
    sleep 0.5
  done
  echo "the SBC did not start:" >&2
  cat "$WORK/sbc.log" >&2
  exit 1
}

# push_rules PROFILE EXAMPLE_DIR: the shipped call handling with the example's site file, activated.
push_rules() {
  mkdir -p "$WORK/rules"
  cp "$ROOT/rules/$1/main.rules" "$2/trunks.rules" "$WORK/rules/"
  local out version
  out=$("$ROOT/bin/sbc" rules push "$WORK/rules" --url "http://127.0.0.1:$ADMIN_PORT" -m "example $1")
  version=$(echo "$out" | sed -n 's/^stored version \([0-9]*\).*/\1/p')
  "$ROOT/bin/sbc" rules activate "$version" --url "http://127.0.0.1:$ADMIN_PORT" >/dev/null
  echo "rules/$1/main.rules with $(basename "$2")/trunks.rules active as version $version"
}

# provision FILE: one JSON object per line, each POSTed to the path its "path" field names.
provision() {
  while IFS= read -r line; do
    [ -z "$line" ] && continue
    local path body
    path=$(echo "$line" | "$NODE" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).path))')
    body=$(echo "$line" | "$NODE" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const o=JSON.parse(s);delete o.path;process.stdout.write(JSON.stringify(o))})')
    curl -sf -H "Authorization: Bearer $SBC_ADMIN_TOKEN" -H 'content-type: application/json' \
      -d "$body" "http://127.0.0.1:$ADMIN_PORT$path" >/dev/null
  done <"$1"
}

# call NAME PEER_ADDR PEER_SCENARIO FROM_ADDR CALLER_SCENARIO SERVICE [sipp args…]: one call, one
# line. PEER_SCENARIO is a scenario file, or `uas` for sipp's built-in answering party.
call() {
  local name="$1" peer="$2" peer_scenario="$3" from="$4" scenario="$5" service="$6"
  shift 6
  local peer_args=(-sf "$peer_scenario")
  [ "$peer_scenario" = uas ] && peer_args=(-sn uas)
  sipp "${peer_args[@]}" -i "${peer%:*}" -p "${peer#*:}" -m 1 -timeout 20s -nostdin >/dev/null 2>&1 &
  local uas=$!
  PIDS+=($uas)
  sleep 0.3
  local csv="$WORK/$name.csv"
  sipp "127.0.0.1:$SIP_PORT" -sf "$scenario" -s "$service" -i "${from%:*}" -p "${from#*:}" -m 1 \
    -d 500 -timeout 20s -nostdin -trace_stat -stf "$csv" "$@" >/dev/null 2>&1 || true
  wait "$uas" 2>/dev/null || true
  local head last col ok
  head=$(head -1 "$csv")
  last=$(tail -1 "$csv")
  col=$(echo "$head" | tr ';' '\n' | grep -nx 'SuccessfulCall(C)' | cut -d: -f1)
  ok=$(echo "$last" | cut -d';' -f"$col")
  echo "$name: $ok of 1 answered"
  [ "$ok" = "1" ]
}
