#!/bin/bash
# docs/uncertainty.md's R recipe for psa.csv, run as written on a comparison where only the
# alternative varies a parameter: the matrices dampack's make_psa_obj and BCEA's bcea take
# must have one row per draw and one column per strategy, and the parameters no NA.
# Skipped, with a message, when R (Debian's r-base-core) is not installed.
# Usage: psa_r_test.sh IAPTSIM SOURCE_DIR
set -u
. "$(dirname "$(readlink -f "$0")")/lib.sh"
bin=$(readlink -f "$1")
src=$(readlink -f "$2")
skip_without Rscript psa_r "apt-get install r-base-core to run it"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
cp "$src/tests/data/economics/base_psa.yaml" base.yaml
sed 's/^name: .*/name: "alt, with a comma"/' base.yaml >alt.yaml
echo '  treatment.dna_rate: {dist: beta, mean: 0.12, sd: 0.02}' >>alt.yaml
"$bin" compare base.yaml alt.yaml -o out -q --threads 2 >log 2>&1 || bad "compare: $(head -n 3 log)"
awk '/^```r$/ {on = 1; next} /^```$/ {on = 0} on' "$src/docs/uncertainty.md" >recipe.R
[ -s recipe.R ] && ok || bad "no R block in docs/uncertainty.md"
cat >>recipe.R <<'R'
stopifnot(identical(dim(effect), c(4L, 2L)), identical(dim(cost), c(4L, 2L)))
stopifnot(identical(colnames(cost), c("base_psa", "alt, with a comma")))
stopifnot(nrow(parameters) == 4L, ncol(parameters) == 3L, !anyNA(parameters))
stopifnot(identical(names(parameters), c("treatment.effect_li", "cost.hi_session", "treatment.dna_rate")))
stopifnot(all(psa$people_simulated > 0), !anyNA(psa))
base_dna <- psa$treatment.dna_rate[psa$base == 1]
stopifnot(length(unique(base_dna)) == 1L, length(unique(psa$treatment.dna_rate[psa$base == 0])) == 4L)
cat("shapes ok\n")
R
(cd out && Rscript ../recipe.R) >r.log 2>&1 && grep -q "shapes ok" r.log && ok || bad "the R recipe: $(tail -n 5 r.log)"
finish psa_r
