#!/usr/bin/env bash
# Scan N databases of one PostgreSQL server (default 100) with the built-in
# PostgreSQL 9.x STIG checks, 16 at once, through fleet.Run, and print how
# long it took. Needs the Debian packages postgresql-15 and
# postgresql-15-pgaudit; see builtin/postgrestest.
set -euo pipefail
cd "$(dirname "$0")/.."
STIGSCAN_PG_FLEET="${1:-100}" go test -count=1 -run '^TestFleet$' -v ./builtin/postgrestest/ | grep -E 'database targets|^(ok|FAIL|---)'
