#!/usr/bin/env bash
# Run by `npm test` (pretest) and by CI: the suites that drive real clients and a real browser
# need system tools besides Node: kcat (librdkafka's CLI), gcc and librdkafka-dev (the
# compatibility suite compiles C clients on librdkafka's API) and Chromium (the dashboard and
# report test). When one is missing and this runs as root on Debian/Ubuntu, it installs it with
# apt-get; otherwise it names what to install and fails: those tests fail without the tools,
# never pass by skipping.
set -euo pipefail

missing=()
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
[ -f /usr/include/librdkafka/rdkafka.h ] || missing+=(librdkafka-dev)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "npm test needs ${missing[*]}, which are not installed." >&2
  echo "On Debian/Ubuntu: sudo apt-get install -y ${missing[*]}  (elsewhere: your system's packages of the same tools)" >&2
  exit 1
fi
echo "installing the test tools that are missing: ${missing[*]} (apt-get)" >&2
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
  echo "could not install ${missing[*]} with apt-get; the tests need them" >&2
  exit 1
fi
