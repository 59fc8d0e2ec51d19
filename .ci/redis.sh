#!/usr/bin/env bash
# Makes sure a Redis server answers on 127.0.0.1:6379 (as on the developers' machines), so the test of
# rate limits shared between instances runs instead of skipping; installs and starts one if needed.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

ready() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

ready && exit 0
if ! command -v redis-server >/dev/null 2>&1; then
  echo "== installing Redis (Debian)"
  apt-get update -qq
  apt-get install -y -qq redis-server >/dev/null
fi
redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes >/dev/null
for _ in $(seq 1 30); do ready && break; sleep 1; done
ready || { echo "Redis did not start" >&2; exit 1; }
