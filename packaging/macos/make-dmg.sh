#!/usr/bin/env bash
# Pack the .app into a compressed disk image with an Applications link (drag to install).
#
#   packaging/macos/make-dmg.sh "dist/Audiobook Studio.app" dist/AudiobookStudio-0.1.0-macos.dmg ["Audiobook Studio"]
#
# Called by `python packaging/build.py --installer` on macOS. Only hdiutil and ditto (both part of macOS) are
# used, so CI needs nothing extra. Signing: PyInstaller signs ad hoc; with MACOS_SIGN_IDENTITY set (a
# "Developer ID Application: ..." identity in the keychain) the app is signed for distribution first.
# Notarization needs Apple credentials and is left to the release manager (xcrun notarytool).
set -euo pipefail

app=${1:?usage: make-dmg.sh APP DMG [VOLUME_NAME]}
dmg=${2:?usage: make-dmg.sh APP DMG [VOLUME_NAME]}
volume=${3:-$(basename "$app" .app)}

[ -d "$app/Contents/MacOS" ] || { echo "make-dmg: $app is not an .app bundle" >&2; exit 1; }

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp --sign "$MACOS_SIGN_IDENTITY" "$app"
  codesign --verify --deep --strict --verbose=2 "$app"
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
# ditto keeps symlinks, permissions and extended attributes (the ad-hoc signatures) intact.
ditto "$app" "$staging/$(basename "$app")"
ln -s /Applications "$staging/Applications"

rm -f "$dmg"
hdiutil create -volname "$volume" -srcfolder "$staging" -fs HFS+ -format UDZO -imagekey zlib-level=9 -ov "$dmg"
hdiutil verify "$dmg"
echo "make-dmg: wrote $dmg"
