#!/usr/bin/env bash
# Builds the Debian package from the build directory with CPack, unpacks it into a temporary
# root and checks it the way Debian's tools and a user's machine would: control fields and
# contents, lintian, the desktop and AppStream files, the systemd unit, and the unpacked
# programs themselves (the app offscreen until it is connected to its demo server).
#
# Usage: tst_package.sh BUILD_DIR SOURCE_DIR VERSION APP_ID
# Registered with ctest as tst_package by cmake/Packaging.cmake; exit 77 means skipped.
set -euo pipefail

build=$1
source=$2
version=$3
app_id=$4

if ! command -v dpkg-deb >/dev/null; then
  echo "SKIP: not a Debian system (no dpkg-deb)"
  exit 77
fi
missing=()
for tool in cpack dpkg-shlibdeps lintian desktop-file-validate appstreamcli readelf timeout; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "FAIL: missing ${missing[*]}; run packaging/install-deps.sh"
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tst_package.XXXXXX")
relay_pid=
cleanup() {
  [[ -n "$relay_pid" ]] && kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
step() { printf '\n== %s\n' "$*"; }
read_list() { sed -e 's/#.*//' -e 's/[[:space:]]//g' "$1" | grep -v '^$'; }

# A clean environment for the unpacked programs: nothing from the build tree or the caller's
# session (library paths, QML import paths, settings) may help them.
home="$work/home"
mkdir -p "$home" "$work/runtime"
chmod 700 "$work/runtime"
clean_env=(env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$home" XDG_CONFIG_HOME="$home/.config"
  XDG_DATA_HOME="$home/.local/share" XDG_CACHE_HOME="$home/.cache"
  XDG_RUNTIME_DIR="$work/runtime")

step "build the package: cpack -G DEB"
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  echo "FAIL: cpack (is the build complete? cmake --build $build)"
  exit 1
fi
debs=("$work"/out/vigil_*.deb)
[[ ${#debs[@]} -eq 1 && -f "${debs[0]}" ]] || { echo "FAIL: expected one .deb"; exit 1; }
deb=${debs[0]}
pass "built $(basename "$deb")"

step "control fields"
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == vigil ]] && pass "Package: vigil" || fail "Package: $(field Package)"
[[ $(field Version) == "$version" ]] && pass "Version: $version" ||
  fail "Version: $(field Version), project says $version"
[[ $(field Section) == net ]] && pass "Section: net" || fail "Section: $(field Section)"
[[ $(field Maintainer) == *"<"*"@"*">" ]] && pass "Maintainer: $(field Maintainer)" ||
  fail "Maintainer: $(field Maintainer)"
[[ -n $(field Description) ]] && pass "Description" || fail "no Description"
# Package names in Depends, without versions or alternatives.
mapfile -t depends < <(field Depends | tr ',|' '\n\n' | sed -e 's/(.*)//' -e 's/[[:space:]]//g' |
  grep -v '^$')
has_dep() { printf '%s\n' "${depends[@]}" | grep -qx "$1"; }
mapfile -t runtime < <(read_list "$source/packaging/runtime-deps.txt")
for pkg in "${runtime[@]}"; do
  has_dep "$pkg" || fail "Depends lacks $pkg (packaging/runtime-deps.txt)"
done
pass "Depends has the ${#runtime[@]} packages of packaging/runtime-deps.txt"
for pkg in libqt6core6 libqt6quick6 libqt6network6 libc6; do
  has_dep "$pkg" || fail "Depends lacks $pkg (dpkg-shlibdeps did not run?)"
done
pass "Depends has what dpkg-shlibdeps found: $(field Depends | tr ',' '\n' | grep -c .) entries"

step "contents"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/contents"
for path in /usr/bin/vigil /usr/bin/vigil-relay /usr/bin/vigil-cli \
  "/usr/share/applications/$app_id.desktop" "/usr/share/metainfo/$app_id.metainfo.xml" \
  "/usr/share/icons/hicolor/scalable/apps/$app_id.svg" \
  "/usr/share/icons/hicolor/48x48/apps/$app_id.png" \
  "/usr/share/icons/hicolor/256x256/apps/$app_id.png" \
  /usr/lib/systemd/system/vigil-relay.service /etc/default/vigil-relay \
  /usr/share/doc/vigil/copyright /usr/share/doc/vigil/changelog.gz \
  /usr/share/man/man1/vigil.1.gz /usr/share/man/man1/vigil-relay.1.gz \
  /usr/share/man/man1/vigil-cli.1.gz; do
  grep -qx "$path" "$work/contents" || fail "missing $path"
done
if grep -E '\.(a|la|h|cmake|o)$|/include/|tst_|bench|outbox_stress|/qml/' "$work/contents"; then
  fail "tests, benchmarks, static libraries or headers in the package (listed above)"
else
  pass "no tests, benchmarks, static libraries or headers"
fi

step "maintainer scripts: the service is never enabled or started"
dpkg-deb -e "$deb" "$work/control"
grep -qx /etc/default/vigil-relay "$work/control/conffiles" && pass "conffile /etc/default/vigil-relay" ||
  fail "/etc/default/vigil-relay is not a conffile"
started=$(for script in postinst prerm postrm; do
  sed 's/#.*//' "$work/control/$script" |
    grep -E 'deb-systemd-helper +enable|(systemctl|deb-systemd-invoke) +(enable|start|restart)|--now' |
    sed "s|^|$script: |" || true
done)
if [[ -n "$started" ]]; then
  fail "a maintainer script enables or starts vigil-relay: $started"
else
  pass "nothing enables or starts vigil-relay"
fi

step "lintian"
if lintian --fail-on error --display-info "$deb" >"$work/lintian.log" 2>&1; then
  lintian_ok=1
else
  lintian_ok=0
fi
grep -v 'running with root privileges' "$work/lintian.log" || true
if [[ $lintian_ok -eq 1 ]] && ! grep -q '^E:' "$work/lintian.log"; then
  pass "lintian: no errors ($(grep -c '^W:' "$work/lintian.log" || true) warnings," \
    "$(grep -c '^I:' "$work/lintian.log" || true) info)"
else
  fail "lintian reports errors"
fi

root="$work/root"
dpkg-deb -x "$deb" "$root"

step "binaries: stripped, no RPATH"
for program in vigil vigil-relay vigil-cli; do
  binary="$root/usr/bin/$program"
  readelf -S --wide "$binary" | grep -q '\.debug_info' && fail "$program is not stripped"
  readelf -d "$binary" | grep -qE 'RPATH|RUNPATH' && fail "$program has an RPATH"
done
pass "checked"

step "desktop entry"
desktop="$root/usr/share/applications/$app_id.desktop"
out=$(desktop-file-validate "$desktop" 2>&1) && [[ -z "$out" ]] && pass "desktop-file-validate: clean" ||
  fail "desktop-file-validate: $out"
grep -qx "Icon=$app_id" "$desktop" || fail "Icon is not $app_id"
grep -qx "Exec=vigil" "$desktop" || fail "Exec is not vigil"
# Qt's xcb plugin sets WM_CLASS to (argv[0] base name, applicationName()), both "vigil".
grep -qx "StartupWMClass=vigil" "$desktop" || fail "StartupWMClass is not vigil"

step "AppStream metainfo"
metainfo="$root/usr/share/metainfo/$app_id.metainfo.xml"
appstreamcli validate --no-net --strict "$metainfo" && pass "appstreamcli validate: clean" ||
  fail "appstreamcli validate"
grep -q "<id>$app_id</id>" "$metainfo" || fail "metainfo <id> is not $app_id"
grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" ||
  fail "metainfo <launchable> is not $app_id.desktop"
newest=$(grep -o '<release version="[^"]*"' "$metainfo" | head -n 1 | cut -d'"' -f2)
[[ "$newest" == "$version" ]] && pass "newest release is $version" ||
  fail "newest <release> is '$newest', the project is $version"
zcat "$root/usr/share/doc/vigil/changelog.gz" | head -n 1 | grep -q "^vigil ($version) " &&
  pass "changelog starts with $version" || fail "changelog does not start with vigil ($version)"

step "systemd unit"
unit="$root/usr/lib/systemd/system/vigil-relay.service"
grep -q '^ExecStart=/usr/bin/vigil-relay ' "$unit" || fail "ExecStart does not run /usr/bin/vigil-relay"
grep -qx 'EnvironmentFile=-/etc/default/vigil-relay' "$unit" ||
  fail "the unit does not read /etc/default/vigil-relay"
grep -qx 'DynamicUser=yes' "$unit" || fail "the relay does not run as an unprivileged user"
# The history goes to the state directory unless /etc/default/vigil-relay names a broker
# instead: both come from one variable that file can override (--broker excludes --data-dir).
grep -qx 'Environment="VIGIL_RELAY_STORE=--data-dir %S/vigil-relay"' "$unit" ||
  fail "the unit does not default VIGIL_RELAY_STORE to the state directory"
grep -qx 'ExecStart=/usr/bin/vigil-relay $VIGIL_RELAY_STORE $VIGIL_RELAY_ARGS' "$unit" ||
  fail "ExecStart does not take the store and the options from the environment"
grep -q '^#   VIGIL_RELAY_STORE="--broker redis://' "$root/etc/default/vigil-relay" ||
  fail "/etc/default/vigil-relay does not show how to run as a node with a broker"
if command -v systemd-analyze >/dev/null; then
  # Point the copy at the unpacked program: verify checks that ExecStart exists.
  mkdir -p "$work/unit"
  sed "s|/usr/bin/vigil-relay|$root/usr/bin/vigil-relay|" "$unit" >"$work/unit/vigil-relay.service"
  systemd-analyze verify --man=no "$work/unit/vigil-relay.service" && pass "systemd-analyze verify" ||
    fail "systemd-analyze verify"
  systemd-analyze security --offline=yes --threshold=30 "$work/unit/vigil-relay.service" \
    >"$work/security.log" 2>&1 && pass "$(grep -o 'Overall exposure level.*' "$work/security.log")" ||
    { cat "$work/security.log"; fail "systemd-analyze security: exposure above 3.0"; }
else
  echo "skipped: systemd-analyze is not installed"
fi

step "the unpacked programs"
for program in vigil vigil-relay vigil-cli; do
  out=$("${clean_env[@]}" "$root/usr/bin/$program" --version 2>&1) || true
  [[ "$out" == "$program $version" ]] && pass "$program --version: $out" ||
    fail "$program --version printed '$out'"
done

# The unpacked relay and CLI talk to each other.
"${clean_env[@]}" "$root/usr/bin/vigil-relay" --port 0 --data-dir "$work/relaydata" \
  >"$work/relay.out" 2>"$work/relay.err" &
relay_pid=$!
for _ in $(seq 1 200); do
  grep -q '"event":"listening"' "$work/relay.out" 2>/dev/null && break
  sleep 0.1
done
port=$(grep -o '"port":[0-9]*' "$work/relay.out" | cut -d: -f2 || true)
if [[ -z "$port" ]]; then
  cat "$work/relay.err"
  fail "the unpacked vigil-relay did not start"
elif "${clean_env[@]}" timeout 60 "$root/usr/bin/vigil-cli" --url "ws://127.0.0.1:$port/ws" \
  --data-dir "$work/clidata" health --duration-ms 1000 >"$work/health.out" 2>"$work/health.err" &&
  grep -q '"state":"connected"' "$work/health.out"; then
  pass "vigil-cli health against vigil-relay: connected"
else
  cat "$work/health.out" "$work/health.err"
  fail "vigil-cli health against the unpacked relay"
fi
kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null || true
relay_pid=

# The app finds its QML (compiled in) and the system's QML modules, connects to its built-in
# demo server, saves a screenshot and exits 0.
shot="$work/window.png"
if "${clean_env[@]}" QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software \
  timeout 180 "$root/usr/bin/vigil" --demo --data-dir "$work/appdata" --screenshot "$shot" \
  >"$work/app.out" 2>"$work/app.err" &&
  grep -q 'state connected' "$work/app.err" && [[ -s "$shot" ]]; then
  pass "vigil --demo offscreen: connected, screenshot $(stat -c %s "$shot") bytes"
else
  tail -n 40 "$work/app.err"
  fail "the unpacked vigil --demo did not connect and exit 0"
fi

printf '\n'
if [[ $failures -gt 0 ]]; then
  echo "tst_package: $failures check(s) failed"
  exit 1
fi
echo "tst_package: all checks passed"
