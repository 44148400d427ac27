#!/bin/sh
# private-session.sh [--keyring] COMMAND [ARGS...]
#
# Runs COMMAND (a test binary) in a private D-Bus session bus, so tests can use the real
# QtKeychain without a desktop, a display, a password prompt or the caller's own keyring:
# - default: a bus on which no secret service exists or can be started (a session without a
#   keyring: QtKeychain has nothing to talk to);
# - --keyring: the standard session services plus a throwaway gnome-keyring whose login keyring
#   is created and unlocked from stdin (a real Secret Service).
# The bus, $XDG_RUNTIME_DIR and the keyring files live in a temporary folder deleted afterwards.
#
# COMMAND sees VIGIL_TEST_BUS set to the private bus address (tst_secretstore trusts the bus
# only when that equals DBUS_SESSION_BUS_ADDRESS) and VIGIL_TEST_KEYRING=1 or 0.
# Exits with 77 (CTest SKIP_RETURN_CODE) when a tool is missing (Debian packages dbus-daemon,
# dbus-bin, gnome-keyring, libglib2.0-bin).
set -eu

keyring=0
if [ "${1:-}" = "--keyring" ]; then
    keyring=1
    shift
fi

tools="dbus-run-session dbus-daemon"
[ "$keyring" = 1 ] && tools="$tools gnome-keyring-daemon gdbus"
for tool in $tools; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool is not installed" >&2
        exit 77
    fi
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/vigil-session.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -m 700 "$scratch/run" "$scratch/data" "$scratch/services"
export XDG_RUNTIME_DIR="$scratch/run" XDG_DATA_HOME="$scratch/data" VIGIL_TEST_KEYRING="$keyring"
unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL

config=
if [ "$keyring" = 0 ]; then
    # Only an empty service folder: nothing, gnome-keyring included, can be activated.
    cat >"$scratch/session.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$scratch/run</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$scratch/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
    config="--config-file=$scratch/session.conf"
fi

status=0
dbus-run-session $config -- sh -c '
    VIGIL_TEST_BUS=$DBUS_SESSION_BUS_ADDRESS
    export VIGIL_TEST_BUS
    if [ "$VIGIL_TEST_KEYRING" = 0 ]; then
        exec "$@"
    fi
    # In the foreground, as our child, so it is stopped and waited for below; a daemonized
    # keyring can outlive the bus.
    printf %s vigil-test |
        gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
    keyring=$!
    # The daemon unlocks (or creates) the login keyring first and only then takes the name,
    # so once the name has an owner the keychain is ready. Waiting without activation keeps
    # D-Bus from starting a second daemon.
    if gdbus wait --session --timeout 30 org.freedesktop.secrets; then
        "$@" || status=$?
    else
        echo "gnome-keyring-daemon did not offer org.freedesktop.secrets within 30 s" >&2
        status=1
    fi
    kill "$keyring" 2>/dev/null || true
    wait "$keyring" || true
    exit "${status:-0}"' sh "$@" || status=$?
exit "$status"
