# shellcheck shell=bash
# Shared set-up for scripts/run, scripts/test and scripts/bench. Source it.
#
# Finds (or installs) PostgreSQL and an Odoo 18.0 Python environment, without
# relying on the caller's shell variables, so a fresh clone and CI behave the
# same as a developer's shell.
#
# Settings (all optional):
#   ODOO_SRC            an Odoo 18.0 source tree (folder holding odoo-bin)
#   CUSTOMER_VALUE_HOME where the virtualenv and state live
#                       (default ~/.cache/customer_value, outside the clone)
#   ODOO_DB             database name for scripts/run (default customer_value)
#   ODOO_HTTP_PORT      HTTP port for scripts/run (default 8069)
set -euo pipefail

CV_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CV_USER_HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
CV_HOME="${CUSTOMER_VALUE_HOME:-$CV_USER_HOME/.cache/customer_value}"
CV_VENV="$CV_HOME/venv"
CV_BUILD="$CV_ROOT/.build"
# Odoo takes an addon's technical name from its folder's name; the clone may
# be called anything, so expose the root as <folder>/customer_value. The folder
# is outside the clone (one per clone), so that tools walking the addon never
# meet the link again.
CV_ADDONS="$CV_HOME/addons/$(printf '%s' "$CV_ROOT" | sha1sum | cut -c1-12)"
ODOO_SRC_CANDIDATES=(
    "$CV_HOME/odoo-src"
    /work/odoo-18.0
    /opt/odoo-18.0
    /opt/odoo
    /usr/src/odoo
)

cv_log() { printf '\033[1m[customer_value]\033[0m %s\n' "$*" >&2; }
cv_die() { printf '\033[1;31m[customer_value] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

cv_is_odoo18() {
    [ -f "$1/odoo/release.py" ] && [ -f "$1/requirements.txt" ] &&
        grep -q "version_info = (18, 0" "$1/odoo/release.py"
}

cv_find_odoo_src() {
    local cand
    if [ -n "${ODOO_SRC:-}" ]; then
        cv_is_odoo18 "$ODOO_SRC" || cv_die "ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree (no odoo/release.py for 18.0)."
        CV_ODOO_SRC="$(cd "$ODOO_SRC" && pwd)"
        return
    fi
    if [ -f "$CV_HOME/odoo-src.path" ]; then
        cand="$(cat "$CV_HOME/odoo-src.path")"
        if cv_is_odoo18 "$cand"; then CV_ODOO_SRC="$cand"; return; fi
    fi
    for cand in "${ODOO_SRC_CANDIDATES[@]}"; do
        if cv_is_odoo18 "$cand"; then CV_ODOO_SRC="$cand"; return; fi
    done
    cv_log "No Odoo 18.0 source found; trying to clone the official 18.0 branch"
    mkdir -p "$CV_HOME"
    if git clone --quiet --depth 1 --branch 18.0 https://github.com/odoo/odoo.git "$CV_HOME/odoo-src.tmp" 2>/dev/null; then
        mv "$CV_HOME/odoo-src.tmp" "$CV_HOME/odoo-src"
        CV_ODOO_SRC="$CV_HOME/odoo-src"
        return
    fi
    rm -rf "$CV_HOME/odoo-src.tmp"
    cv_die "No Odoo 18.0 source tree found and github.com is unreachable.
  Fix: put an Odoo 18.0 source tree (the folder with odoo-bin and odoo/) at one of
       ${ODOO_SRC_CANDIDATES[*]}
  or run once with ODOO_SRC=/path/to/odoo-18.0 (the path is then remembered in
  $CV_HOME/odoo-src.path)."
}

cv_setup_postgres() {
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        cv_log "Installing PostgreSQL from Debian"
        command -v apt-get >/dev/null 2>&1 || cv_die "PostgreSQL is missing and apt-get is not available: install PostgreSQL >= 12 and start it."
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql libpq-dev >/dev/null ||
            { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql libpq-dev >/dev/null; } ||
            cv_die "apt-get install postgresql libpq-dev failed."
    fi
    local ver name status
    # the "main" cluster (scripts/load adds clusters of its own beside it)
    read -r ver name status < <(pg_lsclusters --no-header |
        awk '$2 !~ /^cvload/ {print ($2 == "main" ? 0 : 1), $1, $2, $4}' |
        sort -n | cut -d' ' -f2- | head -n 1) || true
    if [ -z "${ver:-}" ]; then
        ver="$(ls /usr/lib/postgresql | sort -n | tail -n 1)"
        cv_log "Creating PostgreSQL cluster $ver/main"
        pg_createcluster "$ver" main >/dev/null
        name=main
        status=down
    fi
    if [ "$status" != "online" ]; then
        cv_log "Starting PostgreSQL $ver/$name"
        pg_ctlcluster "$ver" "$name" start || cv_die "could not start PostgreSQL cluster $ver/$name (see /var/log/postgresql/)."
    fi
    local me
    me="$(id -un)"
    if [ "$me" = root ]; then
        # Odoo connects as the OS user over the unix socket (peer auth).
        # (cd /: the postgres user may not enter the current directory)
        if ! (cd / && su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$me'\"") | grep -q 1; then
            cv_log "Creating PostgreSQL role $me"
            (cd / && su postgres -c "createuser --superuser $me")
        fi
    fi
    psql -d postgres -tAc 'SELECT 1' >/dev/null 2>&1 ||
        cv_die "cannot connect to PostgreSQL as $(id -un): create that role (createuser --superuser $(id -un))."
}

# Headless Chromium from Debian runs the web client tours (HttpCase.start_tour).
cv_setup_browser() {
    command -v chromium >/dev/null 2>&1 && return
    cv_log "Installing Chromium from Debian (for the UI tours)"
    command -v apt-get >/dev/null 2>&1 || cv_die "Chromium is missing and apt-get is not available: install chromium for the UI tours."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null ||
        { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; } ||
        cv_die "apt-get install chromium failed."
}

# Odoo flips its CSS for right-to-left languages (Persian) with the rtlcss
# command, an npm package; without it, those screens stay left-to-right.
CV_RTLCSS_VERSION=4.3.0
cv_setup_rtlcss() {
    local prefix="$CV_HOME/node"
    if [ ! -x "$prefix/node_modules/.bin/rtlcss" ]; then
        command -v npm >/dev/null 2>&1 || cv_die "npm is missing: install Node.js and npm (apt-get install nodejs npm), needed for rtlcss (right-to-left screens)."
        cv_log "Installing rtlcss $CV_RTLCSS_VERSION from the npm registry (right-to-left screens)"
        mkdir -p "$prefix"
        # Node.js trusts only its own CA list, and a --prefix install skips the
        # global npmrc (which may name the system's): give it the system's
        # certificates, for machines behind a TLS-inspecting proxy.
        if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
            export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
        fi
        npm install --silent --no-audit --no-fund --prefix "$prefix" "rtlcss@$CV_RTLCSS_VERSION" >/dev/null ||
            cv_die "npm install rtlcss@$CV_RTLCSS_VERSION failed (is the npm registry reachable?)."
    fi
    export PATH="$prefix/node_modules/.bin:$PATH"
}

cv_setup_venv() {
    local stamp want
    want="$(cat "$CV_ODOO_SRC/requirements.txt" "$CV_ROOT/scripts/requirements-dev.txt" | sha1sum | cut -c1-12)-$CV_ODOO_SRC"
    stamp="$CV_VENV/.customer_value-stamp"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$CV_VENV/bin/python" ]; then
        return
    fi
    cv_log "Building the Python environment in $CV_VENV (a few minutes, once)"
    mkdir -p "$CV_HOME"
    [ -x "$CV_VENV/bin/python" ] || python3 -m venv "$CV_VENV"
    local pip=("$CV_VENV/bin/python" -m pip install -q)
    "${pip[@]}" "setuptools<70" wheel
    # Odoo's pins, with the two adjustments needed on Python 3.11 here: cbor2
    # 5.4.2 does not build (5.6.2 does) and python-ldap needs LDAP headers for
    # auth_ldap, which this addon does not use.
    sed -e 's/^cbor2==5\.4\.2.*/cbor2==5.6.2/' -e '/^python-ldap/d' \
        "$CV_ODOO_SRC/requirements.txt" >"$CV_HOME/odoo-requirements.txt"
    "${pip[@]}" --no-build-isolation -r "$CV_HOME/odoo-requirements.txt"
    # Compat mode: OCA wheels add an odoo/addons folder to site-packages which
    # would otherwise hide the real odoo package.
    "${pip[@]}" --no-build-isolation -e "$CV_ODOO_SRC" --config-settings editable_mode=compat
    "${pip[@]}" -r "$CV_ROOT/scripts/requirements-dev.txt"
    echo "$want" >"$stamp"
    echo "$CV_ODOO_SRC" >"$CV_HOME/odoo-src.path"
}

cv_link_addon() {
    mkdir -p "$CV_ADDONS"
    ln -sfn "$CV_ROOT" "$CV_ADDONS/customer_value"
}

# Odoo's own launcher, run by the environment's Python.
cv_odoo() {
    "$CV_VENV/bin/python" "$CV_ODOO_SRC/odoo-bin" "$@"
}

cv_addons_path() {
    local oca
    oca="$("$CV_VENV/bin/python" -c 'import odoo.addons, os; print(",".join(p for p in odoo.addons.__path__ if os.path.isdir(p)))')"
    echo "$CV_ADDONS,$oca"
}

cv_setup() {
    cv_find_odoo_src
    cv_setup_postgres
    cv_setup_browser
    cv_setup_rtlcss
    cv_setup_venv
    cv_link_addon
    export PATH="$CV_VENV/bin:$PATH"
    CV_ADDONS_PATH="$(cv_addons_path)"
    export CV_ADDONS_PATH
}

# Write an Odoo configuration file for database $1 and HTTP port $2.
cv_write_conf() {
    local conf="$CV_BUILD/odoo-$1.conf"
    mkdir -p "$CV_BUILD"
    cat >"$conf" <<CONF
[options]
addons_path = $CV_ADDONS_PATH
data_dir = $CV_HOME/data
db_name = $1
dbfilter = ^$1\$
list_db = False
http_port = $2
gevent_port = $(($2 + 3))
admin_passwd = admin
without_demo = False
CONF
    echo "$conf"
}

cv_db_exists() {
    [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

cv_db_has_addon() {
    [ "$(psql -d "$1" -tAc "SELECT 1 FROM ir_module_module WHERE name = 'customer_value' AND state = 'installed'" 2>/dev/null)" = 1 ]
}

# Install (or upgrade) the addon in database $1 with config $2; fail when the
# log has a WARNING, ERROR or CRITICAL line, as OCA's CI does.
cv_install_addon() {
    local db=$1 conf=$2 mode=-i log
    cv_db_has_addon "$db" && mode=-u
    log="$CV_BUILD/install-$db.log"
    : >"$log"
    cv_log "Odoo $mode customer_value in database $db (log: $log)"
    if ! cv_odoo -c "$conf" -d "$db" "$mode" customer_value --stop-after-init \
        --logfile="$log" --log-level=info; then
        tail -n 40 "$log" >&2
        cv_die "installing customer_value in $db failed (see $log)."
    fi
    if grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$log" >&2; then
        cv_die "installing customer_value logged the warnings or errors above (see $log)."
    fi
}
