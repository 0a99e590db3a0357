"""cogov.experiments — running many simulations: replicates now; sweeps and clusters with issue #4."""
