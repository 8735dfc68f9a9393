#!/usr/bin/env bash
# The Operator Connect / Teams Phone Mobile example: the SBC with rules/teams, Microsoft Phone
# System and the operator core played by sipp on loopback, one call each way and one refused.
# Needs sipp and rtpengine (npm run setup:system).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../lib/profile-demo.sh"
export SBC_ADMIN_TOKEN=teams-example-token-change-me

start_sbc "$HERE"
push_rules teams "$HERE"
provision "$HERE/provisioning.jsonl"
# The core calls 408 555 1212 (an Operator Connect number): Teams gets X-MS-SBC, SRTP, strict a= lines.
call "core-to-teams" 127.0.0.30:5061 "$SIPP_SCENARIOS/srtp-callee.xml" \
  127.0.0.20:5060 "$CORE_SCENARIOS/uac-any-final.xml" 4085551212
# A Teams user of Contoso calls out: screened (its number is Contoso's), SRTP turned into RTP.
call "teams-to-core" 127.0.0.20:5060 uas \
  127.0.0.30:5061 "$SIPP_SCENARIOS/srtp-caller.xml" +14085550111 \
  -set caller +14255550100 -set fromhost sip.pstnhub.microsoft.com -set rtp 27862
# A call already anchored in Teams (X-MS-FMC) is not sent back to Teams: 482.
if call "core-to-teams-anchored" 127.0.0.30:5061 "$SIPP_SCENARIOS/srtp-callee.xml" \
  127.0.0.20:5060 "$SIPP_SCENARIOS/core-caller-fmc.xml" 4085551212; then
  echo "an X-MS-FMC call reached Teams" >&2
  exit 1
fi
echo "core-to-teams-anchored: refused, as it must be"
echo "metrics: $(curl -sf -H "Authorization: Bearer $SBC_ADMIN_TOKEN" "http://127.0.0.1:$ADMIN_PORT/metrics" | grep '^sbc_calls_total' | tr '\n' ' ')"
