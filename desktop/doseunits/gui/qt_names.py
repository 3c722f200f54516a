"""Qt's text-alignment flags as the plain ints QPainter.drawText takes.

Touching PySide6's ``Qt`` namespace makes PySide6 build all of its ~90 Python enums at
once (~35 ms, a seventh of a bare window's whole start). What the first frame needs
goes around it: widget properties are set by name through Qt's meta-object
(``label.setProperty("textFormat", "PlainText")``, as Designer does), and the vial
picture's text flags, a plain ``int`` in C++, come from here. The values are Qt's
(qnamespace.h, unchanged since Qt 4); tests/test_qt_names.py checks them against it.
Code that runs later (dialogs, scans) uses ``Qt`` as usual, imported where it runs.
"""

ALIGN_LEFT = 0x0001
ALIGN_RIGHT = 0x0002
ALIGN_HCENTER = 0x0004
ALIGN_VCENTER = 0x0080
ALIGN_CENTER = ALIGN_HCENTER | ALIGN_VCENTER
WORD_WRAP = 0x1000
