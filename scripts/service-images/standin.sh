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
# The health-check commands the real images ship (`traefik healthcheck --ping`, `curl -fsS URL`),
# answered by asking this stand-in's own httpd: a Swarm service restarts a task whose health check
# cannot even run, so without them a stand-in never counts as up.
first=${KOMBIFY_STANDIN_PORTS%% *}
printf '#!/bin/sh\nexec /bin/busybox wget -q -O /dev/null "http://127.0.0.1:%s/ping"\n' "$first" >"/bin/$KOMBIFY_STANDIN"
chmod +x "/bin/$KOMBIFY_STANDIN"
if ! command -v curl >/dev/null 2>&1; then
  # shellcheck disable=SC2016 # the script written out expands $a and $url itself
  printf '#!/bin/sh\nfor a; do url=$a; done\nexec /bin/busybox wget -q -O - "$url"\n' >/bin/curl
  chmod +x /bin/curl
fi
for port in $KOMBIFY_STANDIN_PORTS; do
  /bin/busybox httpd -p "$port" -h /www
done
echo "stand-in for $KOMBIFY_STANDIN on ports $KOMBIFY_STANDIN_PORTS"
exec /bin/busybox sleep 2147483647
