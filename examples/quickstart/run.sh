#!/usr/bin/env bash
# Quickstart: starts the SBC with sbc.yaml, loads main.rules, runs a sipp UAS on
# 127.0.0.1:5080 and a sipp UAC against the SBC on 127.0.0.1:5060, prints the result.
# Needs sipp (Debian package sip-tester: npm run setup:system) and curl.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CALLS="${CALLS:-10}"
WORK="$(mktemp -d)"
cd "$WORK"
PIDS=()
NODE="$ROOT/node_modules/.bin/node"
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$ROOT/bin/sbc" run --config "$HERE/sbc.yaml" --log-level warn >"$WORK/sbc.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do
  curl -sf http://127.0.0.1:8080/health >/dev/null && break
  sleep 0.5
done
sleep 1
TOKEN="Authorization: Bearer quickstart-token-change-me"
BODY=$("$NODE" -e 'const fs=require("fs");process.stdout.write(JSON.stringify({files:{"main.rules":fs.readFileSync(process.argv[1],"utf8")},message:"quickstart"}))' "$HERE/main.rules")
VERSION=$(curl -sf -H "$TOKEN" -H 'content-type: application/json' -d "$BODY" \
  http://127.0.0.1:8080/api/v1/rulesets/versions | "$NODE" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).version.version))')
curl -sf -H "$TOKEN" -H 'content-type: application/json' -d "{\"version\":$VERSION}" \
  http://127.0.0.1:8080/api/v1/rulesets/activate >/dev/null
echo "rule set main.rules active as version $VERSION"

sipp -sn uas -i 127.0.0.1 -p 5080 -m "$CALLS" -timeout 30s -nostdin >/dev/null 2>&1 &
UAS=$!
PIDS+=($UAS)
sleep 0.5
sipp 127.0.0.1:5060 -sn uac -s 4085551212 -i 127.0.0.1 -p 5070 -m "$CALLS" -r 5 -timeout 30s -nostdin \
  -trace_stat -stf "$WORK/uac.csv" >/dev/null 2>&1 || true
wait "$UAS" || true
LAST=$(tail -1 "$WORK/uac.csv")
HEAD=$(head -1 "$WORK/uac.csv")
col() { echo "$HEAD" | tr ';' '\n' | grep -nx "$1" | cut -d: -f1; }
OK=$(echo "$LAST" | cut -d';' -f"$(col 'SuccessfulCall(C)')")
FAILED=$(echo "$LAST" | cut -d';' -f"$(col 'FailedCall(C)')")
echo "calls: $CALLS placed, $OK answered, $FAILED failed (sipp UAC -> SBC 127.0.0.1:5060 -> sipp UAS 127.0.0.1:5080)"
echo "metrics: $(curl -sf -H "$TOKEN" http://127.0.0.1:8080/metrics | grep '^sbc_calls_total' | tr '\n' ' ')"
[ "$OK" = "$CALLS" ]
