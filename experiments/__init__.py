"""cogov.experiments — running many simulations: one run (``targets.simulate``), one execution path
(``runner.run_tasks`` in memory, ``runner.run_sweep`` to a resumable results folder), one seed rule
(``seeds.replicate_seed``), designs, backends and the Parquet store."""
