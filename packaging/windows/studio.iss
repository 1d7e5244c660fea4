; Inno Setup 6 script: installs the PyInstaller folder (dist\AudiobookStudio) with a Start-menu entry.
;
; Built by `python packaging/build.py --installer` on Windows, which passes the version, folders and icon:
;   ISCC.exe /DAppVersion=0.2.0rc1 /DAppVersionNumeric=0.2.0.0 /DSourceDir=dist\AudiobookStudio /DOutputDir=dist
;            /DIconFile=...\studio.ico studio.iss
; AppVersion is shown to users and names the setup file; AppVersionNumeric (a.b.c.d, numbers only) is the
; binary version of the setup program's version resource, which rejects pre-release versions like 0.2.0rc1.
;
; Why per-user by default (PrivilegesRequired=lowest): no administrator prompt, installs into
; %LOCALAPPDATA%\Programs\Audiobook Studio; the dialog still offers an all-users install. Projects, settings
; and logs live in the user's folders, not in {app}, so uninstalling never deletes anyone's work.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef AppVersionNumeric
  #define AppVersionNumeric "0.0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\AudiobookStudio"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\pyinstaller\studio\icons\studio.ico"
#endif
#define AppName "Audiobook Studio"
#define AppExe "AudiobookStudio.exe"
#define CliExe "studio.exe"

[Setup]
; The AppId identifies the app for upgrades and uninstall: never change it.
AppId={{8B0E5F3C-2D4A-4C71-9E36-5A1F0C7D9B24}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Audiobook Studio
VersionInfoVersion={#AppVersionNumeric}
VersionInfoTextVersion={#AppVersion}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=AudiobookStudio-{#AppVersion}-windows-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the whole bundle: files of the old version must not linger next to the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autoprograms}\{#AppName} self-test"; Filename: "{cmd}"; \
  Parameters: "/k ""{app}\{#CliExe}"" --self-test"; WorkingDir: "{app}"; IconFilename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
