# Benchmarks: built by 'make bench', never by 'make check'.
