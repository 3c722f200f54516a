#!/usr/bin/env bash
# macOS: DoseUnits.app (PyInstaller, windowed, Info.plist version from the package) and a
# drag-to-Applications .dmg.
# UNTESTED on the project's machines (Linux only): written for macOS 12+ with Python 3.11
# from python.org, run from the checkout:
#   python3.11 -m venv .venv && .venv/bin/pip install -e . -r packaging/requirements.txt pillow==13.0.0
#   packaging/macos/build_dmg.sh
# -> dist/DoseUnits-VERSION-macos-ARCH.dmg (ARCH: arm64 or x86_64, the build machine's)
#
# The spec (packaging/doseunits.spec) makes the .app on macOS: console=False (what
# `pyinstaller --windowed` sets; that flag cannot be combined with a .spec file) and a BUNDLE
# with CFBundleShortVersionString/CFBundleVersion = __version__. The app is ad-hoc signed by
# PyInstaller, not with a Developer ID nor notarized: Gatekeeper asks before the first start
# (right-click > Open). Sign and notarize here if the sites need that.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${PYTHON:-.venv/bin/python}
[ "$(uname -s)" = Darwin ] || { echo "build_dmg.sh: macOS only" >&2; exit 2; }
command -v hdiutil >/dev/null || { echo "build_dmg.sh: hdiutil is missing" >&2; exit 2; }

version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' desktop/doseunits/__init__.py)
pinned=$(sed -n 's/^pyinstaller==//p' packaging/requirements.txt)
have=$("$python" -c "import PyInstaller; print(PyInstaller.__version__)" 2>/dev/null || true)
if [ "$have" != "$pinned" ]; then
  echo "build_dmg.sh: installing PyInstaller $pinned into the venv"
  "$python" -m pip install -q -r packaging/requirements.txt
fi

rm -rf build/pyinstaller
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath build/pyinstaller/dist --workpath build/pyinstaller/work packaging/doseunits.spec
app=build/pyinstaller/dist/DoseUnits.app

# The frozen app's own check before it is packed: engine, catalog, templates, window.
QT_QPA_PLATFORM=offscreen DOSEUNITS_CONFIG_DIR=$(mktemp -d) DOSEUNITS_DATA_DIR=$(mktemp -d) \
  "$app/Contents/MacOS/doseunits" --self-test
/usr/libexec/PlistBuddy -c "Print :CFBundleShortVersionString" "$app/Contents/Info.plist" |
  grep -qx "$version" || { echo "build_dmg.sh: Info.plist version is not $version" >&2; exit 1; }

# The disk image: the app and a link to /Applications to drag it onto.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
mkdir -p dist
dmg=dist/DoseUnits-$version-macos-$(uname -m).dmg
rm -f "$dmg"
hdiutil create -volname "DoseUnits $version" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"
echo "build_dmg.sh: $dmg"
