"""DoseUnits: HCPCS billable units, JW/JZ lines and waste notes for single-dose vials."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("doseunits")
except PackageNotFoundError:  # a frozen bundle or a bare source tree
    __version__ = "0.1.0"
