#!/usr/bin/env bash
# Runs every fuzz target of the module, one after the other, for FUZZTIME
# each (default 5m), with FUZZPARALLEL workers (default 1), and prints one
# line per target with its exec count and outcome. A target given as
# PKG:NAME arguments limits the run to those. Exits non-zero when any
# target finds a failure; the failing input is left in PKG/testdata/fuzz.
set -uo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-5m}
FUZZPARALLEL=${FUZZPARALLEL:-1}
GO=${GO:-go}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	while IFS= read -r line; do
		file=${line%%:*}
		name=$(sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/' <<<"${line#*:}")
		targets+=("./$(dirname "$file"):$name")
	done < <(grep -rE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(' . | sed 's|^\./||' | sort)
fi

failed=0
for t in "${targets[@]}"; do
	pkg=${t%%:*} name=${t#*:}
	log=$(mktemp)
	start=$(date +%s)
	if $GO test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" -parallel "$FUZZPARALLEL" >"$log" 2>&1; then
		outcome=ok
	else
		outcome=FAIL
		failed=1
	fi
	execs=$(grep -oE 'execs: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
	printf '%-40s %-28s %-4s %6ss execs=%s\n' "$pkg" "$name" "$outcome" "$(( $(date +%s) - start ))" "${execs:-?}"
	[ "$outcome" = ok ] || sed -n '1,40p' "$log"
	rm -f "$log"
done
exit $failed
