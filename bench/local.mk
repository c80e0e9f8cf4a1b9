## Benchmarks: programs under bench/ that print their figures; results are
## recorded by hand in bench/RESULTS.md.  Not run by `make check`.
EXTRA_DIST += bench/RESULTS.md
