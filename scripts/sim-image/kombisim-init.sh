#!/bin/sh
# PID 1 of a KombiSim node: a Debian "machine" reachable by real SSH, optionally running the kombify
# agent enrolled as a simulated worker. Everything it needs comes from the container's environment
# (set by the host agent's sim.node.create job):
#   KOMBISIM_PASSWORD          root's password, set on first boot only (a user may change it later)
#   KOMBISIM_AUTHORIZED_KEYS   public keys, one per line, installed on first boot
#   KOMBISIM_LATENCY_MS / KOMBISIM_LOSS_PERCENT   netem on eth0, applied on every boot (the qdisc
#                              lives in the network namespace, which a restart recreates)
#   KOMBIFY_EDGE_URL, KOMBIFY_ENROLLMENT_TOKEN, KOMBIFY_WORKER_NAME   the agent (deploy target)
set -eu
state=/var/lib/kombisim
mkdir -p "$state" /run/sshd

if [ ! -f "$state/initialized" ]; then
  echo "root:${KOMBISIM_PASSWORD:-kombisim}" | chpasswd
  if [ -n "${KOMBISIM_AUTHORIZED_KEYS:-}" ]; then
    mkdir -p /root/.ssh && chmod 700 /root/.ssh
    printf '%s\n' "$KOMBISIM_AUTHORIZED_KEYS" >/root/.ssh/authorized_keys
    chmod 600 /root/.ssh/authorized_keys
  fi
  # Host keys of this node only: ed25519 and ECDSA take milliseconds (RSA would take a second of
  # CPU per node, which ten nodes starting together on a small machine feel).
  for type in ed25519 ecdsa; do
    ssh-keygen -q -t "$type" -N '' -f "/etc/ssh/ssh_host_${type}_key" </dev/null
  done
  touch "$state/initialized"
fi

if [ -n "${KOMBISIM_LATENCY_MS:-}${KOMBISIM_LOSS_PERCENT:-}" ]; then
  tc qdisc replace dev eth0 root netem delay "${KOMBISIM_LATENCY_MS:-0}ms" loss "${KOMBISIM_LOSS_PERCENT:-0}%" ||
    echo "kombisim: could not apply netem (the node needs NET_ADMIN)" >&2
fi

if [ -n "${KOMBIFY_EDGE_URL:-}" ]; then
  (
    data=/var/lib/kombify-agent
    agent="/usr/local/bin/node /opt/kombify/kombify-agent.mjs"
    if [ ! -f "$data/identity.json" ] && [ -n "${KOMBIFY_ENROLLMENT_TOKEN:-}" ]; then
      $agent enroll --edge "$KOMBIFY_EDGE_URL" --token "$KOMBIFY_ENROLLMENT_TOKEN" \
        --name "${KOMBIFY_WORKER_NAME:-$(hostname)}" --data-dir "$data" >"$state/enroll.log" 2>&1 ||
        echo "kombisim: agent enrollment failed, see $state/enroll.log" >&2
    fi
    # The agent reconnects by itself; this loop only restarts it if it exits.
    while [ -f "$data/identity.json" ]; do
      $agent run --data-dir "$data" >>/var/log/kombify-agent.log 2>&1 || true
      sleep 2
    done
  ) &
fi

exec /usr/sbin/sshd -D -e
