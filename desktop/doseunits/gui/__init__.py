"""The desktop window (PySide6). It displays and edits; the billing lives in doseunits.core."""
