#!/bin/sh
# Writes the same private Janus config as the launcher (token_auth, only VideoRoom + WebSockets) from env, then runs Janus.
set -eu
: "${JANUS_API_SECRET:?JANUS_API_SECRET must be set (the signaling server sends it)}"
: "${JANUS_TOKEN_SECRET:?JANUS_TOKEN_SECRET must be set (the HMAC key of member tokens)}"
for s in "$JANUS_API_SECRET" "$JANUS_TOKEN_SECRET"; do
  printf '%s' "$s" | grep -Eq '^[A-Za-z0-9_.~+=-]{16,256}$' || { echo "janus: secrets must be 16-256 of [A-Za-z0-9_.~+=-]" >&2; exit 2; }
done
WS_PORT="${JANUS_WS_PORT:-8188}"
RTP_RANGE="${JANUS_RTP_PORT_RANGE:-20000-20199}"
LIB="$(dirname "$(find /usr/lib -path '*/janus/plugins/libjanus_videoroom.so' | head -1)")/.."
DIR="$(mktemp -d)"
all_but() { ls "$1" 2>/dev/null | grep '\.so$' | grep -vx "${2:-}" | paste -sd, -; }
NAT=""
[ -n "${JANUS_PUBLIC_IP:-}" ] && NAT="nat_1_1_mapping = \"$JANUS_PUBLIC_IP\""
# ICE-lite: clients run the checks against Janus's advertised address, a round trip sooner; off for a Janus that can
# only be reached through checks of its own (behind a NAT with no public address or mapping).
case "${JANUS_ICE_LITE:-true}" in true) LITE=true ;; false) LITE=false ;; *) echo "janus: JANUS_ICE_LITE must be true or false" >&2; exit 2 ;; esac
cat > "$DIR/janus.jcfg" <<CFG
general: {
  configs_folder = "$DIR"
  plugins_folder = "$LIB/plugins"
  transports_folder = "$LIB/transports"
  events_folder = "$LIB/events"
  loggers_folder = "$LIB/loggers"
  debug_level = 4
  server_name = "veil-janus"
  api_secret = "$JANUS_API_SECRET"
  token_auth = true
  token_auth_secret = "$JANUS_TOKEN_SECRET"
  admin_secret = "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  session_timeout = 60
}
media: {
  rtp_port_range = "$RTP_RANGE"
}
nat: {
  nice_debug = false
  ice_ignore_list = "vmnet"
  ice_lite = $LITE
  $NAT
}
plugins: {
  disable = "$(all_but "$LIB/plugins" libjanus_videoroom.so)"
}
transports: {
  disable = "$(all_but "$LIB/transports" libjanus_websockets.so)"
}
events: {
  disable = "$(all_but "$LIB/events")"
}
loggers: {
  disable = "$(all_but "$LIB/loggers")"
}
CFG
cat > "$DIR/janus.plugin.videoroom.jcfg" <<CFG
general: {
  admin_key = "${JANUS_ADMIN_KEY:-$JANUS_API_SECRET}"
  string_room_ids = false
}
CFG
cat > "$DIR/janus.transport.websockets.jcfg" <<CFG
general: {
  json = "plain"
  ws = true
  ws_port = $WS_PORT
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
CFG
exec janus -F "$DIR" -o
