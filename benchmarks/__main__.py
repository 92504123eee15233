"""Run the benchmark suite and print the table of ratios: ``python -m benchmarks [--rows N]``."""

from benchmarks.suite import main

main()
