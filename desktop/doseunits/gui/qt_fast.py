"""Setting a Qt property by name, as Designer does, and knowing when Qt refused it.

Touching PySide6's ``Qt`` namespace (``Qt.AlignmentFlag.AlignCenter``) makes PySide6
build all of its ~90 Python enums at once: 126 M instructions of the first frame when
the window did. Through Qt's meta-object a property takes the enum's key as a string
(``set_property(label, "alignment", "AlignCenter")``) and no Python enum is built.

``QObject.setProperty`` does not raise: it returns False for a key its enum does not
have, or a value it cannot convert, and for a name the class does not declare it adds
a dynamic property of that name (and returns False). A typo would then pass silently
and the widget keep Qt's default. Here it raises instead, naming the class, the
property and the value, and takes the stray dynamic property off again.

Code that runs after the first frame (painting vials, dialogs, scans) uses ``Qt`` as
usual; doseunits.gui.startup builds its enums then, before anyone types.
"""

from __future__ import annotations

from PySide6.QtCore import QObject


class QtPropertyError(RuntimeError):
    """Qt did not set a property by name: a bug in the caller (a misspelt name or key)."""


def set_property(target: QObject, name: str, value: object) -> None:
    """``target.setProperty(name, value)``, raising QtPropertyError when Qt reports failure.

    ``value`` is what the property takes, or an enum's key by name: ``"AlignCenter"``,
    flags joined by ``|`` (``"TextSelectableByMouse|LinksAccessibleByMouse"``).
    """
    if target.setProperty(name, value):
        return
    kind = type(target).__name__
    if target.metaObject().indexOfProperty(name) < 0:
        target.setProperty(name, None)  # Qt has just added it as a dynamic property
        raise QtPropertyError(f"{kind} has no Qt property {name!r} (to set it to {value!r})")
    raise QtPropertyError(f"Qt refused {value!r} for the {name!r} property of a {kind}")
