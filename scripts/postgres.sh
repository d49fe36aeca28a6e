#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests (`make test-scale`, and Trove's
# data tests on PostgreSQL through TROVE_TEST_DATABASE_URL).
#
#   scripts/postgres.sh install        Debian's postgresql + contrib, if missing
#   scripts/postgres.sh start DIR      fresh cluster in DIR/data on 127.0.0.1 and a
#                                      free port; prints exactly one line,
#                                      DATABASE_URL=postgres://trove:trove@127.0.0.1:PORT/trove
#   scripts/postgres.sh stop DIR       fast shutdown; nothing to do if not running
#
# Sourced (`. scripts/postgres.sh`), it defines postgres_install,
# postgres_start DIR and postgres_stop DIR and runs nothing; each runs in a
# subshell of its own under `set -euo pipefail`, so sourcing changes none of
# the caller's shell options. Typical use:
#
#   export "$(scripts/postgres.sh start "$dir")"   # sets DATABASE_URL
#   ...
#   scripts/postgres.sh stop "$dir"
#
# The server runs as the `postgres` system user (PostgreSQL refuses to run as
# root); DIR is chowned to it and must be reachable by it (e.g. under /tmp).
# Everything the server and its tools say goes to DIR/postgres.log; stdout
# carries the URL line only. The cluster is for tests: fsync is off, so a
# crash of the machine may lose it.

# The newest installed PostgreSQL's bin directory (Debian keeps each major
# version under /usr/lib/postgresql/N/bin); empty when there is none.
postgres_bin_dir() (
    set -euo pipefail
    local dir best="" best_major=0 major
    for dir in /usr/lib/postgresql/*/bin; do
        [[ -x "$dir/pg_ctl" && -x "$dir/initdb" && -x "$dir/postgres" ]] || continue
        major="${dir#/usr/lib/postgresql/}"
        major="${major%%/*}"
        [[ "$major" =~ ^[0-9]+$ ]] || continue
        if ((major > best_major)); then
            best_major=$major
            best=$dir
        fi
    done
    printf '%s\n' "$best"
)

postgres_install() (
    set -euo pipefail
    local bin major
    bin="$(postgres_bin_dir)"
    if [[ -n "$bin" ]]; then
        major="${bin#/usr/lib/postgresql/}"
        major="${major%%/*}"
        # pg_trgm (migrations/postgres/0002) comes with the contrib modules.
        if [[ -e "/usr/share/postgresql/$major/extension/pg_trgm.control" ]]; then
            return 0
        fi
    fi
    if [[ "$(id -u)" != 0 ]]; then
        echo "postgres.sh: PostgreSQL is missing and installing it needs root" >&2
        return 1
    fi
    # Clusters already running before the install are not ours to stop; any
    # that Debian's packages create and start now are (the default "main").
    local before=""
    if command -v pg_lsclusters >/dev/null 2>&1; then
        before="$(pg_lsclusters --no-header 2>/dev/null | awk '$4 == "online" {print $1 "/" $2}')"
    fi
    export DEBIAN_FRONTEND=noninteractive
    local apt=(apt-get install -y -q --no-install-recommends
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold
        postgresql postgresql-contrib)
    echo "postgres.sh: installing PostgreSQL (apt-get)" >&2
    if ! "${apt[@]}" >&2; then
        apt-get update -q >&2
        "${apt[@]}" >&2
    fi
    if command -v pg_lsclusters >/dev/null 2>&1; then
        local cluster
        while read -r cluster; do
            [[ -n "$cluster" ]] || continue
            if ! grep -qxF "$cluster" <<<"$before"; then
                pg_ctlcluster "${cluster%%/*}" "${cluster#*/}" stop >&2 || true
            fi
        done < <(pg_lsclusters --no-header 2>/dev/null | awk '$4 == "online" {print $1 "/" $2}')
    fi
    bin="$(postgres_bin_dir)"
    if [[ -z "$bin" ]]; then
        echo "postgres.sh: no pg_ctl under /usr/lib/postgresql/*/bin after installing" >&2
        return 1
    fi
)

# Runs a PostgreSQL program as the postgres system user (root cannot run
# the server), from a directory it may read.
postgres_as_postgres() {
    if [[ "$(id -u)" == 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

postgres_free_port() (
    set -euo pipefail
    local py
    py="$(command -v python3 || true)"
    if [[ -n "$py" ]]; then
        "$py" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
        return 0
    fi
    # No Python: try random high ports until one refuses a connection.
    local port tries
    for tries in $(seq 1 100); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "postgres.sh: found no free port" >&2
    return 1
)

postgres_start() (
    set -euo pipefail
    local dir="${1:?usage: postgres.sh start DIR}"
    postgres_install
    local bin
    bin="$(postgres_bin_dir)"
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd -P)"
    local data="$dir/data" log="$dir/postgres.log"

    # A fresh cluster each time: stop and remove the one a previous run left.
    if [[ -e "$data" ]]; then
        if [[ ! -f "$data/PG_VERSION" ]]; then
            echo "postgres.sh: $data exists and is not a PostgreSQL cluster; not touching it" >&2
            return 1
        fi
        postgres_stop "$dir"
        rm -rf "$data"
    fi

    if [[ "$(id -u)" == 0 ]]; then
        chown postgres: "$dir"
        chmod 700 "$dir"
    fi
    : >"$log"
    [[ "$(id -u)" != 0 ]] || chown postgres: "$log"
    if ! postgres_as_postgres test -w "$dir"; then
        echo "postgres.sh: the postgres user cannot write to $dir (is a parent directory closed to it?)" >&2
        return 1
    fi
    # A Unix socket's path is limited to 107 bytes.
    if ((${#dir} > 90)); then
        echo "postgres.sh: $dir is too long a path for the server's Unix socket" >&2
        return 1
    fi

    local port
    port="$(postgres_free_port)"

    if ! postgres_as_postgres "$bin/initdb" -D "$data" -U postgres --encoding=UTF8 --locale=C \
        --auth-local=trust --auth-host=scram-sha-256 --no-sync >>"$log" 2>&1; then
        echo "postgres.sh: initdb failed; see $log:" >&2
        tail -n 20 "$log" >&2
        return 1
    fi
    # Test settings: loopback only, the socket in DIR, no waiting on the disk.
    cat >>"$data/postgresql.conf" <<EOF

# scripts/postgres.sh: a throwaway server for tests
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
EOF

    if ! postgres_as_postgres "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start >>"$log" 2>&1; then
        echo "postgres.sh: the server did not start; see $log:" >&2
        tail -n 20 "$log" >&2
        return 1
    fi
    if ! postgres_as_postgres "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" \
        -U postgres -d postgres \
        -c "CREATE ROLE trove WITH LOGIN CREATEDB PASSWORD 'trove'" \
        -c "CREATE DATABASE trove OWNER trove" >>"$log" 2>&1; then
        echo "postgres.sh: could not create the trove role and database; see $log:" >&2
        tail -n 20 "$log" >&2
        postgres_stop "$dir" || true
        return 1
    fi
    local url="postgres://trove:trove@127.0.0.1:$port/trove"
    printf '%s\n' "$url" >"$dir/database_url"
    printf 'DATABASE_URL=%s\n' "$url"
)

postgres_stop() (
    set -euo pipefail
    local dir="${1:?usage: postgres.sh stop DIR}"
    local data="$dir/data"
    [[ -f "$data/PG_VERSION" ]] || return 0
    local bin
    bin="$(postgres_bin_dir)"
    [[ -n "$bin" ]] || return 0
    # pg_ctl status: 0 running, 3 not running, 4 no readable data directory.
    if postgres_as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        postgres_as_postgres "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >>"$dir/postgres.log" 2>&1
    fi
)

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    case "${1:-}" in
        install) postgres_install ;;
        start) postgres_start "${2:?usage: postgres.sh start DIR}" ;;
        stop) postgres_stop "${2:?usage: postgres.sh stop DIR}" ;;
        *)
            echo "usage: $0 install | start DIR | stop DIR" >&2
            exit 2
            ;;
    esac
fi
