#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so keytar talks to a real Secret Service.
set -euo pipefail
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "[veil] dbus-run-session or gnome-keyring-daemon missing (apt-get install gnome-keyring dbus-daemon dbus-user-session): keychain tests will report themselves skipped" >&2
  exec "$@"
fi
keyring_home=$(mktemp -d /tmp/veil-keyring.XXXXXX)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
# shellcheck disable=SC2016
dbus-run-session -- sh -c 'eval "$(printf "\n" | gnome-keyring-daemon --unlock --components=secrets)"; export GNOME_KEYRING_CONTROL VEIL_KEYRING=gnome-keyring; exec "$@"' sh "$@"
