; Inno Setup 6.3+ script: a per-user installer of the DoseUnits one-folder bundle.
; UNTESTED on the project's machines (Linux only): written to be run on Windows as below.
;
; On Windows, from the checkout (PowerShell; Python 3.11 x64 and Inno Setup 6.3+ installed):
;   py -3.11 -m venv .venv
;   .venv\Scripts\pip install -e . -r packaging\requirements.txt pillow==13.0.0
;   .venv\Scripts\python -m PyInstaller --noconfirm --clean `
;       --distpath build\pyinstaller\dist --workpath build\pyinstaller\work packaging\doseunits.spec
;   $env:QT_QPA_PLATFORM="offscreen"; .venv\Scripts\python -c "import subprocess,sys; sys.exit(subprocess.call([r'build\pyinstaller\dist\doseunits\doseunits.exe','--self-test']))"
;   iscc /DAppVersion=0.1.0 packaging\windows\doseunits.iss
; -> dist\doseunits-0.1.0-windows-x64-setup.exe
;
; The spec gives doseunits.exe its version resource (packaging\windows\version_info.py) and
; its icon (Pillow converts the PNG). The .exe is windowed: no console opens with the app,
; and the command line (calc, --self-test) prints nothing, though its exit status holds.
;
; Per user, no administrator rights: installs to %LOCALAPPDATA%\Programs\DoseUnits,
; a Start-menu entry for this user, and an uninstaller in Settings > Apps. Uninstalling
; leaves the user's settings, log and order history in %LOCALAPPDATA%\DoseUnits.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=0.1.0 packaging\windows\doseunits.iss
#endif
; VersionInfoVersion takes numbers only (up to four); pass /DAppNumericVersion=1.2.0 when
; AppVersion has letters in it (1.2.0rc1).
#ifndef AppNumericVersion
  #define AppNumericVersion AppVersion
#endif
; Paths below are relative to this file's folder (packaging\windows).
#define RepoRoot "..\.."

[Setup]
; Never change AppId: upgrades and the uninstaller find the installed copy by it.
AppId={{18617C59-75FC-4DCC-B9A1-AE5C9ABE0F1B}
AppName=DoseUnits
AppVersion={#AppVersion}
AppVerName=DoseUnits {#AppVersion}
AppPublisher=DoseUnits
VersionInfoVersion={#AppNumericVersion}
VersionInfoProductVersion={#AppNumericVersion}
VersionInfoDescription=DoseUnits installer
PrivilegesRequired=lowest
DefaultDirName={userpf}\DoseUnits
DefaultGroupName=DoseUnits
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#RepoRoot}\dist
OutputBaseFilename=doseunits-{#AppVersion}-windows-x64-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\doseunits.exe
UninstallDisplayName=DoseUnits {#AppVersion}
; Close a running DoseUnits before replacing its files.
CloseApplications=yes

[Files]
Source: "{#RepoRoot}\build\pyinstaller\dist\doseunits\*"; DestDir: "{app}"; \
  Flags: ignoreversion recursesubdirs createallsubdirs

; An upgrade replaces the whole bundle: files a newer build no longer has must not linger.
[InstallDelete]
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{userprograms}\DoseUnits"; Filename: "{app}\doseunits.exe"; WorkingDir: "{app}"

[Run]
Filename: "{app}\doseunits.exe"; Description: "Start DoseUnits"; Flags: nowait postinstall skipifsilent
