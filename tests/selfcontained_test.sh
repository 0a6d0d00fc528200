#!/bin/bash
# The repository stands alone: code, docs, scenarios and plugins cite files that exist here
# (docs/..., data/..., tests/data/...), never the project's outer folders (../shared,
# shared/..., MODEL.md, ARCHITECTURE.md, STYLE.md). Usage: selfcontained_test.sh REPO_ROOT
set -uo pipefail
cd "$1" || exit 1
fails=0
files=$(find README.md Makefile CMakeLists.txt cmake core include docs data plugins scenarios examples bench tests \
  -type f \( -name '*.[ch]' -o -name '*.md' -o -name '*.yaml' -o -name '*.lua' -o -name '*.sh' -o -name '*.py' \
  -o -name '*.cmake' -o -name '*.in' -o -name '*.txt' -o -name Makefile \) \
  ! -path 'tests/golden/*' ! -path 'tests/selfcontained_test.sh' | sort)
outer=$(grep -nE '\.\./shared|(^|[^a-z_])shared/[a-z]|MODEL\.md|ARCHITECTURE\.md|STYLE\.md' $files)
if [ -n "$outer" ]; then
  echo "FAIL: citations of files outside the repository:"
  echo "$outer"
  fails=1
fi
# every docs/, data/ and tests/data/ file named anywhere exists
for f in $(grep -ohE '(^|[^A-Za-z0-9_./-])(docs|data|tests/data)/[A-Za-z0-9_./-]+\.(md|csv|yaml|lua)(\.gz)?' $files |
  sed -E 's/^[^dt]//' | sort -u); do
  [ -e "$f" ] || { echo "FAIL: cited but missing: $f ($(grep -lF "$f" $files | head -n 3 | tr '\n' ' '))"; fails=1; }
done
[ $fails -eq 0 ] && echo "selfcontained_test: no outside citations; every cited docs/ and data/ file exists"
exit $fails
