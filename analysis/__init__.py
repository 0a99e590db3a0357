"""cogov.analysis — turning runs into numbers: pattern validation and calibration (comparisons, figures and reports with issue #5)."""
