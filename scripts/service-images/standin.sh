#!/bin/sh
# A clearly named stand-in for software Debian does not package (KOMBIFY_STANDIN): busybox httpd on
# each of KOMBIFY_STANDIN_PORTS, answering every path (health checks included) with a page that
# says what it stands in for. It is not the real thing.
set -eu
mkdir -p /www
printf 'kombify stand-in for %s (not the real software: Debian does not package it)\n' "$KOMBIFY_STANDIN" >/www/index.html
# The paths health checks of these apps commonly ask for.
for path in health healthz ping api/health api/healthz api/status api/ping; do
  mkdir -p "/www/$(dirname "$path")"
  cp /www/index.html "/www/$path"
done
for port in $KOMBIFY_STANDIN_PORTS; do
  /bin/busybox httpd -p "$port" -h /www
done
echo "stand-in for $KOMBIFY_STANDIN on ports $KOMBIFY_STANDIN_PORTS"
exec /bin/busybox sleep 2147483647
