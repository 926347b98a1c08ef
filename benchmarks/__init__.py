"""Benchmarks: scripts that print figures (never timed tests). See benchmarks/README.md."""
