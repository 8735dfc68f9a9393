#!/usr/bin/env bash
# The Zoom Phone Cloud Peering example: the SBC with rules/zoom, a Zoom SBC and the operator core
# played by sipp on loopback, one call each way. Needs sipp and rtpengine (npm run setup:system).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../lib/profile-demo.sh"
export SBC_ADMIN_TOKEN=zoom-example-token-change-me

start_sbc "$HERE"
push_rules zoom "$HERE"
provision "$HERE/provisioning.jsonl"
# Zoom calls +1 408 555 1212: to the core in E.164, SRTP turned into RTP, with the per-number header.
call "zoom-to-core" 127.0.0.20:5060 uas \
  127.0.0.11:5061 "$SIPP_SCENARIOS/srtp-caller.xml" +14085551212 \
  -set caller +14085551213 -set fromhost 7006029031.zoom.us -set rtp 27862
# The core calls 408 555 1212 without SDP: Zoom gets an early offer (SRTP, 20 ms) in E.164.
call "core-to-zoom" 127.0.0.11:5061 "$SIPP_SCENARIOS/srtp-callee.xml" \
  127.0.0.20:5060 "$CORE_SCENARIOS/uac-late-offer.xml" 4085551212
echo "metrics: $(curl -sf -H "Authorization: Bearer $SBC_ADMIN_TOKEN" "http://127.0.0.1:$ADMIN_PORT/metrics" | grep '^sbc_calls_total' | tr '\n' ' ')"
