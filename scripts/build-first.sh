#!/bin/sh
# Runs an app's command (its tests) on its own: first builds the app and every workspace package it
# imports with turbo (cached: a no-op when nothing changed, a rebuild of what an edit touched).
# Under turbo itself (`pnpm test` at the root sets TURBO_HASH) the task's dependsOn already built them,
# and a nested build would restore dist/ files that other tasks' processes may be reading.
# Usage, in a package.json script: sh ../../scripts/build-first.sh vitest run
set -e
if [ -z "$TURBO_HASH" ]; then
  TURBO_TELEMETRY_DISABLED=1 turbo run build --filter="$npm_package_name..." --output-logs=errors-only
fi
exec "$@"
