; Desk (项目台账) — the Windows installer, for Inno Setup 6.3 or newer.
;
; Build the program first, then compile this script (both from the repository root):
;     python build\build.py
;     iscc /DAppVersion=0.1.0 build\installer.iss
; The installer lands in build\dist\installer\Desk-<version>-setup.exe (git-ignored).
;
; What it does: installs build\dist\Desk into Program Files\Desk (administrator rights,
; as IT installs it once per PC), adds a Start-menu entry and (ticked by default) a
; desktop shortcut, and offers to open .desk ledger files with Desk on a double-click.
; What it never does: touch the clerk's data. Ledgers, settings and backups live in
; %LOCALAPPDATA%\Desk (or beside a portable copy) and are neither installed, replaced nor
; removed; there is deliberately no [UninstallDelete] section.
;
; Chinese wizard: Inno Setup does not ship ChineseSimplified.isl with every release. Pass
; one with /DChineseIsl=path (the Windows workflow fetches it); without it the script uses
; the compiler's copy when present, else Inno's English wizard — Desk's own texts below are
; Chinese either way.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "项目台账 Desk"
#define AppExe "desk.exe"
#define Bundle SourcePath + "dist\Desk"

[Setup]
; The AppId must never change: upgrades and the uninstaller find Desk by it.
AppId={{5D2B7C1E-8F4A-4E39-A6D1-3C9B0E7F2A64}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Desk
AppComments=招商引资与项目建设台账：项目、线索、任务，认定核查，签名月报报送与验证。
VersionInfoVersion={#AppVersion}
VersionInfoDescription={#AppName} 安装程序
DefaultDirName={autopf}\Desk
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#SourcePath}dist\installer
OutputBaseFilename=Desk-{#AppVersion}-setup
SetupIconFile={#SourcePath}..\resources\icons\desk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
ChangesAssociations=yes
CloseApplications=yes
RestartApplications=no

[Languages]
#ifdef ChineseIsl
Name: "chs"; MessagesFile: "{#ChineseIsl}"
#elif FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
Name: "chs"; MessagesFile: "compiler:Default.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "在桌面创建“项目台账”快捷方式"; GroupDescription: "快捷方式："
Name: "associate"; Description: "双击 .desk 台账文件时用 Desk 打开"; GroupDescription: "文件关联："

[InstallDelete]
; An upgrade replaces the program's own folder whole, so no file of an older Desk lingers.
; Only the bundle's _internal folder: never anything a clerk could have saved.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; The bundle as build\build.py made it; a portable.txt someone left in it stays out (an
; installed Desk keeps its data in the user's folder, Program Files is not writable).
Source: "{#Bundle}\*"; DestDir: "{app}"; Excludes: "portable.txt"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "招商引资与项目建设台账"
Name: "{autodesktop}\项目台账"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "招商引资与项目建设台账"; Tasks: desktopicon

[Registry]
; .desk → Desk.Ledger, opened with "desk.exe --ledger <file>". Removed again on uninstall;
; the .desk files themselves are the clerk's and are never touched.
Root: HKA; Subkey: "Software\Classes\.desk"; ValueType: string; ValueName: ""; ValueData: "Desk.Ledger"; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.desk\OpenWithProgids"; ValueType: string; ValueName: "Desk.Ledger"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Desk.Ledger"; ValueType: string; ValueName: ""; ValueData: "Desk 台账"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Desk.Ledger\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Desk.Ledger\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" --ledger ""%1"""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".desk"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "启动项目台账"; Flags: nowait postinstall skipifsilent
