#!/bin/sh
# Builds the Debian image the installer tests run the one-liner in (no registry is needed):
# a minimal bookworm from Debian's mirror with debootstrap, plus curl, ca-certificates and openssl —
# what a fresh server has before the kombify installer runs. No Node: the installer brings its own.
# Imported as kombify/debian-node:test. Needs root and debootstrap. Safe to run again.
set -eu
IMAGE="${KOMBIFY_DEBIAN_IMAGE:-kombify/debian-node:test}"
SUITE=bookworm
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "image $IMAGE already present"
  exit 0
fi
command -v debootstrap >/dev/null 2>&1 || {
  echo "debootstrap is needed to build $IMAGE (apt-get install -y debootstrap)" >&2
  exit 1
}

# The mirror apt already uses (deb822 .sources or one-line .list), unless one is given.
mirror="${KOMBIFY_DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    mirror=$(awk '/^URIs:/ { uri = $2 } /^Suites:/ && / '"$SUITE"'( |$)/ && uri { print uri; exit }' "$f")
    [ -n "$mirror" ] && break
  done
fi
if [ -z "$mirror" ]; then
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '$1 == "deb" && $3 == "'"$SUITE"'" { print $2; exit }')
fi
mirror="${mirror:-http://deb.debian.org/debian}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "building $IMAGE with debootstrap from $mirror (about a minute)…"
debootstrap --variant=minbase --include=curl,ca-certificates,openssl "$SUITE" "$work/root" "$mirror" \
  >"$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2
  echo "debootstrap failed" >&2
  exit 1
}
# Smaller image: package caches and docs are not needed to run the installer.
rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"* \
  "$work/root/usr/share/doc" "$work/root/usr/share/man" "$work/root/usr/share/locale"
tar -C "$work/root" -c . | docker import \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
echo "built $IMAGE"
