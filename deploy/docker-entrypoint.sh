#!/bin/sh
# Creates the shop from the sample the first time (an empty volume), then runs `tanya <command>`
# in the shop's folder (the working directory), as PID 1's only child so signals reach it.
set -eu
here=$(dirname "$0")
if [ ! -d knowledge ]; then
  node "$here/../bin/tanya.js" init .
fi
exec node "$here/../bin/tanya.js" "$@"
