#!/bin/sh
# Builds the small local image the tests run containers from (no registry is needed):
# busybox-static from Debian's packages, imported as kombify/busybox:test. Safe to run again.
set -eu
IMAGE="${KOMBIFY_TEST_IMAGE:-kombify/busybox:test}"
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "image $IMAGE already present"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download busybox-static >/dev/null 2>&1 || { apt-get update -qq && apt-get download busybox-static; }
dpkg -x busybox-static_*.deb root
mkdir -p root/bin root/tmp root/www
[ -x root/bin/busybox ] || { echo "busybox-static did not contain /bin/busybox" >&2; exit 1; }
for tool in sh echo sleep cat ls httpd; do ln -sf busybox "root/bin/$tool"; done
echo "kombify test page" > root/www/index.html
tar -C root -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
echo "built $IMAGE"
