"""DoseUnits: HCPCS billable units, JW/JZ lines and waste notes for single-dose vials."""

# The one place the version lives; pyproject.toml reads it from here. A constant, not
# importlib.metadata: that lookup cost ~40 ms of every start.
__version__ = "0.1.0"
