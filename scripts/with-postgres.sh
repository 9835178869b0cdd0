#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server, then stop and remove the server.
#
#   scripts/with-postgres.sh .venv/bin/pytest tests/web
#
# The server lives in a temporary folder, listens only on a unix socket there (no TCP
# port to collide with or expose), trusts local connections, and runs with fsync off:
# it holds test data only. DATABASE_URL points the command at it. PostgreSQL refuses to
# run as root, so as root the server runs as the `postgres` system user (created by the
# postgresql package; a dedicated system user is made if it is missing).
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

find_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return
  fi
  # Debian keeps the server binaries out of PATH, one folder per major version.
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then
    echo "$newest"
    return
  fi
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return
  fi
  echo "PostgreSQL server binaries not found: run scripts/install-system-deps.sh" >&2
  exit 2
}

BINDIR=$(find_bindir)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/safeguard-pg.XXXXXX")
DATA="$WORK/data"
SOCKET="$WORK/socket"
LOG="$WORK/server.log"
DBUSER=safeguard
DBNAME=safeguard

AS=()
if [ "$(id -u)" -eq 0 ]; then
  RUNAS=postgres
  if ! id "$RUNAS" >/dev/null 2>&1; then
    RUNAS=safeguard-pg
    id "$RUNAS" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$RUNAS"
  fi
  chown "$RUNAS" "$WORK"
  AS=(runuser -u "$RUNAS" --)
fi

cleanup() {
  local status=$?
  if [ -f "$DATA/postmaster.pid" ]; then
    "${AS[@]}" "$BINDIR/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ $status -ne 0 ] && [ -f "$LOG" ] && [ -n "${SAFEGUARD_PG_SHOW_LOG:-}" ]; then
    cat "$LOG" >&2
  fi
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT INT TERM

"${AS[@]}" mkdir -p "$SOCKET"
"${AS[@]}" "$BINDIR/initdb" -D "$DATA" -U "$DBUSER" --auth=trust --encoding=UTF8 \
  --no-locale --no-instructions >/dev/null
"${AS[@]}" "$BINDIR/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start -o \
  "-c listen_addresses='' -c unix_socket_directories='$SOCKET' -c fsync=off \
   -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
"$BINDIR/createdb" -h "$SOCKET" -U "$DBUSER" "$DBNAME" 2>/dev/null \
  || "${AS[@]}" "$BINDIR/createdb" -h "$SOCKET" -U "$DBUSER" "$DBNAME"

# The socket folder as the host, percent-encoded (dj-database-url's form for sockets).
ENCODED=$(printf '%s' "$SOCKET" | sed 's|/|%2F|g')
export DATABASE_URL="postgres://$DBUSER@$ENCODED/$DBNAME"
echo "PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') on $SOCKET" >&2
"$@"
