# Fuzz targets (tests/fuzz/): built and run by make fuzz, never by make check.
