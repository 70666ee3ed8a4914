#!/bin/sh
# PID 1 of a KombiSim node: a Debian "machine" with its own Docker engine, reachable by real SSH,
# optionally running the kombify agent enrolled as a simulated worker. Everything it needs comes
# from the container's environment (set by the host agent's sim.node.create job):
#   KOMBISIM_PASSWORD          root's password, set on first boot only (a user may change it later);
#                              empty: no password (key-only login)
#   KOMBISIM_AUTHORIZED_KEYS   public keys, one per line, installed on first boot
#   KOMBISIM_REGISTRY          host:port of the host's registry mirror (registry-mirror and
#                              insecure-registry of this node's engine)
#   KOMBISIM_LATENCY_MS / KOMBISIM_LOSS_PERCENT   netem on eth0, applied on every boot (the qdisc
#                              lives in the network namespace, which a restart recreates)
#   KOMBIFY_EDGE_URL, KOMBIFY_ENROLLMENT_TOKEN, KOMBIFY_WORKER_NAME   the agent (deploy target)
# Boot order: engine (dockerd, waited for up to 30 s), agent, sshd — so a node whose SSH answers
# has an engine that answers. `docker stop` of the node is a shutdown: the engine stops its
# containers (the restart policies bring them back on the next boot), then sshd.
set -eu
state=/var/lib/kombisim
mkdir -p "$state" /run/sshd /etc/docker

if [ ! -f "$state/initialized" ]; then
  if [ -n "${KOMBISIM_PASSWORD:-}" ]; then
    echo "root:${KOMBISIM_PASSWORD}" | chpasswd
  else
    # No password (`*`), not a locked account (`!`): sshd without PAM refuses keys to locked ones.
    usermod -p '*' root
  fi
  if [ -n "${KOMBISIM_AUTHORIZED_KEYS:-}" ]; then
    mkdir -p /root/.ssh && chmod 700 /root/.ssh
    printf '%s\n' "$KOMBISIM_AUTHORIZED_KEYS" >/root/.ssh/authorized_keys
    chmod 600 /root/.ssh/authorized_keys
    # Keys given: key-only login, as on a VPS provisioned with keys.
    printf 'PasswordAuthentication no\n' >/etc/ssh/sshd_config.d/00-kombisim-keys-only.conf
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
    echo "kombisim: could not apply netem (this kernel has no sch_netem, or the node lacks NET_ADMIN)" >&2
fi

# The node's own engine. Its containers are counted in the node's cgroup (its CPU and memory
# limits), not beside it; pulls go through the host's mirror.
cgroup=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3; exit}' /proc/self/cgroup)
[ -n "$cgroup" ] || cgroup=$(awk -F: '$1 == "0" {print $3; exit}' /proc/self/cgroup)
{
  printf '{\n  "storage-driver": "overlay2",\n  "log-driver": "json-file",\n'
  printf '  "log-opts": {"max-size": "10m", "max-file": "2"},\n'
  if [ -n "$cgroup" ] && [ "$cgroup" != "/" ]; then printf '  "cgroup-parent": "%s/engine",\n' "$cgroup"; fi
  if [ -n "${KOMBISIM_REGISTRY:-}" ]; then
    printf '  "registry-mirrors": ["http://%s"],\n  "insecure-registries": ["%s"],\n' \
      "$KOMBISIM_REGISTRY" "$KOMBISIM_REGISTRY"
  fi
  printf '  "shutdown-timeout": 5\n}\n'
} >/etc/docker/daemon.json
# A node killed without a shutdown leaves the engine's pid files behind on its disk.
rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid
dockerd >>/var/log/dockerd.log 2>&1 &
engine=$!
ready=0
# The engine's /_ping over its socket (curl, not the docker CLI: a Go binary each poll costs CPU).
for _ in $(seq 1 1500); do
  if curl -sf --unix-socket /run/docker.sock http://engine/_ping >/dev/null 2>&1; then ready=1 && break; fi
  kill -0 "$engine" 2>/dev/null || break
  sleep 0.02
done
if [ "$ready" = 1 ]; then
  echo "kombisim: engine ready"
else
  echo "kombisim: the node's Docker engine did not start, see /var/log/dockerd.log:" >&2
  tail -n 20 /var/log/dockerd.log >&2 || true
fi

if [ -n "${KOMBIFY_EDGE_URL:-}" ]; then
  (
    data=/var/lib/kombify-agent
    # The image's job policy (written by scripts/lib/sim-image.ts): a simulated node runs every job.
    KOMBIFY_AGENT_POLICY=/opt/kombify/policy.json
    export KOMBIFY_AGENT_POLICY
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

/usr/sbin/sshd -D -e &
sshd=$!
shutdown() {
  kill -TERM "$engine" 2>/dev/null || true
  # The engine stops its containers (10 s each at most, in parallel) before it exits.
  for _ in $(seq 1 150); do kill -0 "$engine" 2>/dev/null || break; sleep 0.1; done
  kill -TERM "$sshd" 2>/dev/null || true
  exit 0
}
trap shutdown TERM INT
# sshd is the machine's reason to live: if it exits, the node stops.
wait "$sshd" || true
shutdown
