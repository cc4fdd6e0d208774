#!/usr/bin/env bash
# Installs the Debian packages the test suite drives: chromium (Playwright cannot download its own browser
# here), postgresql (the store's tests start a throwaway server on loopback), a Java runtime (the Spark SQL
# export is tested on pyspark in local mode) and a Korean font. Best effort: without root
# the affected tests skip and say why.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)  # pyspark 3.5 (the [spark] extra) runs on 17
# Korean glyphs for screenshots taken by the browser tests (without them Hangul renders as empty boxes)
[ -d /usr/share/fonts/truetype/nanum ] || need+=(fonts-nanum)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "system-deps: not root, cannot install ${need[*]}; their tests will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
  || echo "system-deps: could not install ${need[*]}" >&2
exit 0
