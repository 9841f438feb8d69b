#!/usr/bin/env bash
# Publishing probes uploads and cuts covers with ffmpeg/ffprobe. Install
# them where we can (Debian/Ubuntu as root or with sudo); otherwise stop
# with a clear message.
set -euo pipefail
if command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null; then
  exit 0
fi
echo "ffmpeg/ffprobe not found; installing them..." >&2
if command -v apt-get >/dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  if $SUDO apt-get update -qq && $SUDO DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null; then
    exit 0
  fi
fi
cat >&2 <<'MSG'
douyin needs ffmpeg and ffprobe, and they could not be installed automatically.
Install them and try again:
  Debian/Ubuntu:  sudo apt-get install -y ffmpeg
  macOS:          brew install ffmpeg
  Fedora:         sudo dnf install -y ffmpeg
MSG
exit 1
