/**
 * Invalid kombination.yaml specs, each with the exact list of {path, code} it must produce: at
 * least one case per contract code, plus the kits' own rules. A spec is written out in full so the
 * line numbers in the position tests below are the lines you see.
 */
import { describe, expect, it } from 'vitest';
import { specErrorCodes } from './errors.ts';
import { parseSpec, validateSpec } from './validate.ts';

/** A valid base-homelab spec to vary: one main node, no services. */
const one = `name: lab
nodes:
  - name: server
    type: main
`;

const ha = (managers: string, extra = '') => `name: cluster
kit: ha-homelab
${extra}nodes:
${managers}`;

const bigManager = (name: string) =>
  `  - { name: ${name}, type: main, resources: { cpu: 4, memory: 8Gi, disk: 100Gi } }\n`;

interface Case {
  name: string;
  yaml: string;
  errors: [path: string, code: string][];
}

const cases: Case[] = [
  // parse_error
  { name: 'text that is not YAML', yaml: 'name: lab\nnodes: [\n', errors: [['', 'parse_error']] },
  {
    name: 'a YAML list instead of a mapping',
    yaml: '- name: lab\n- nodes: []\n',
    errors: [['', 'parse_error']],
  },
  { name: 'a plain string', yaml: 'just some words\n', errors: [['', 'parse_error']] },
  { name: 'an empty document', yaml: '# only a comment\n', errors: [['', 'parse_error']] },
  { name: 'a key given twice', yaml: `${one}name: again\n`, errors: [['', 'parse_error']] },
  { name: 'two YAML documents', yaml: `${one}---\n${one}`, errors: [['', 'parse_error']] },

  // required
  { name: 'no name', yaml: one.replace('name: lab\n', ''), errors: [['name', 'required']] },
  { name: 'an empty name', yaml: one.replace('name: lab', 'name:'), errors: [['name', 'required']] },
  { name: 'no nodes', yaml: 'name: lab\n', errors: [['nodes', 'required']] },
  { name: 'an empty node list', yaml: 'name: lab\nnodes: []\n', errors: [['nodes', 'required']] },
  {
    name: 'a node without a name',
    yaml: 'name: lab\nnodes:\n  - type: main\n',
    errors: [['nodes[0].name', 'required']],
  },
  {
    name: 'a node without a type',
    yaml: 'name: lab\nnodes:\n  - name: server\n',
    errors: [['nodes[0].type', 'required']],
  },
  {
    name: 'ssh without a host',
    yaml: `${one}    ssh:\n      port: 22\n`,
    errors: [['nodes[0].ssh.host', 'required']],
  },
  {
    name: 'a port without its container port',
    yaml: `${one}services:\n  - name: app\n    image: nginx:1.27\n    ports:\n      - host: 8081\n`,
    errors: [['services[0].ports[0].container', 'required']],
  },
  {
    name: 'a custom service without an image',
    yaml: `${one}services:\n  - name: app\n`,
    errors: [['services[0].image', 'required']],
  },
  {
    name: 'a bind volume without hostPath',
    yaml: `${one}services:\n  - name: app\n    image: nginx:1.27\n    volumes:\n      - { name: web, mountPath: /usr/share/nginx/html, type: bind }\n`,
    errors: [['services[0].volumes[0].hostPath', 'required']],
  },

  // invalid_format
  {
    name: 'a route host that would be Caddyfile syntax',
    yaml: `${one}network:\n  domain: home.example.net\nservices:\n  - { name: app, image: "nginx:1.27", ports: [{ container: 80 }], network: { proxy: { domain: "app.example.net {" } } }\n`,
    errors: [['services[0].network.proxy.domain', 'invalid_format']],
  },
  {
    name: 'a route host with a newline',
    yaml: `${one}network:\n  domain: home.example.net\nservices:\n  - { name: app, image: "nginx:1.27", ports: [{ container: 80 }], network: { proxy: { domain: "app.example.net\\nevil.example.net" } } }\n`,
    errors: [['services[0].network.proxy.domain', 'invalid_format']],
  },
  {
    name: 'an ACME e-mail that is not one',
    yaml: `${one}network:\n  proxy: { email: "ops at example.org" }\n`,
    errors: [['network.proxy.email', 'invalid_format']],
  },
  {
    name: 'a stack name that is not a DNS label',
    yaml: one.replace('name: lab', 'name: My_Lab'),
    errors: [['name', 'invalid_format']],
  },
  {
    name: 'a node name with upper case',
    yaml: one.replace('name: server', 'name: Server1'),
    errors: [['nodes[0].name', 'invalid_format']],
  },
  { name: 'a version without a dot', yaml: `${one}version: v1\n`, errors: [['version', 'invalid_format']] },
  {
    name: 'an unquoted version (a number)',
    yaml: `${one}version: 1.0\n`,
    errors: [['version', 'invalid_format']],
  },
  {
    name: 'a bad SSH host',
    yaml: `${one}    ssh:\n      host: "not a host!"\n`,
    errors: [['nodes[0].ssh.host', 'invalid_format']],
  },
  {
    name: 'an IPv4-looking SSH host out of range',
    yaml: `${one}    ssh:\n      host: 999.1.1.1\n`,
    errors: [['nodes[0].ssh.host', 'invalid_format']],
  },
  {
    name: 'a memory size in GB',
    yaml: `${one}    resources:\n      memory: 8GB\n`,
    errors: [['nodes[0].resources.memory', 'invalid_format']],
  },
  {
    name: 'a disk size without unit',
    yaml: `${one}    resources:\n      disk: "500"\n`,
    errors: [['nodes[0].resources.disk', 'invalid_format']],
  },
  {
    name: 'a port written as a word',
    yaml: `${one}    ssh:\n      host: 10.0.0.1\n      port: ssh\n`,
    errors: [['nodes[0].ssh.port', 'invalid_format']],
  },
  {
    name: 'a fractional CPU count',
    yaml: `${one}    resources:\n      cpu: 2.5\n`,
    errors: [['nodes[0].resources.cpu', 'invalid_format']],
  },
  {
    name: 'a subnet that is not CIDR',
    yaml: `${one}network:\n  internal:\n    subnet: 10.0.0.0\n`,
    errors: [['network.internal.subnet', 'invalid_format']],
  },
  {
    name: 'an image reference with upper case',
    yaml: `${one}services:\n  - name: app\n    image: Nginx:Latest!\n`,
    errors: [['services[0].image', 'invalid_format']],
  },
  {
    name: 'a DNS server that is not an IP',
    yaml: `${one}network:\n  dns:\n    servers: [dns.google]\n`,
    errors: [['network.dns.servers[0]', 'invalid_format']],
  },
  {
    name: 'a backup schedule that is not cron',
    yaml: `${one}observability:\n  backup:\n    schedule: every night\n`,
    errors: [['observability.backup.schedule', 'invalid_format']],
  },
  {
    name: 'a backup schedule with cron shape but no such minute',
    yaml: `${one}observability:\n  backup:\n    schedule: 99 3 * * *\n`,
    errors: [['observability.backup.schedule', 'invalid_format']],
  },
  {
    name: 'an environment variable name starting with a digit',
    yaml: `${one}services:\n  - name: app\n    image: nginx:1.27\n    environment:\n      1BAD: x\n`,
    errors: [['services[0].environment["1BAD"]', 'invalid_format']],
  },
  {
    name: 'services given as a mapping',
    yaml: `${one}services:\n  app: nginx\n`,
    errors: [['services', 'invalid_format']],
  },

  // duplicate
  {
    name: 'two nodes with one name',
    yaml: `name: lab\nkit: modern-homelab\nnodes:\n  - { name: server, type: main }\n  - { name: server, type: worker }\n`,
    errors: [['nodes[1].name', 'duplicate']],
  },
  {
    name: 'two services with one name',
    yaml: `${one}services:\n  - { name: app, image: "nginx:1.27" }\n  - { name: app, image: "httpd:2.4" }\n`,
    errors: [['services[1].name', 'duplicate']],
  },
  {
    name: 'a host port Traefik already uses',
    yaml: `${one}services:\n  - name: web\n    image: nginx:1.27\n    ports:\n      - { container: 80, host: 80 }\n`,
    errors: [['services[0].ports[0].host', 'duplicate']],
  },
  {
    name: "a customised kit service on another kit service's port",
    yaml: `${one}    resources: { cpu: 4, memory: 8Gi }\nservices:\n  - name: traefik\n    ports: [{ container: 8080, host: 3000 }]\n`,
    errors: [['services[0].ports[0].host', 'duplicate']],
  },
  {
    name: 'two routes with one host name',
    yaml: `${one}network:\n  domain: home.example.net\nservices:\n  - { name: one, image: "nginx:1.27", ports: [{ container: 80 }], network: { proxy: { domain: app.home.example.net } } }\n  - { name: two, image: "nginx:1.27", ports: [{ container: 80 }], network: { proxy: { domain: app.home.example.net } } }\n`,
    errors: [['services[1].network.proxy.domain', 'duplicate']],
  },

  // invalid_value
  {
    name: 'a proxy provider that is not one',
    yaml: `${one}network:\n  proxy: { provider: nginx }\n`,
    errors: [['network.proxy.provider', 'invalid_value']],
  },
  {
    name: 'an unknown provider',
    yaml: `${one}    provider: ovh\n`,
    errors: [['nodes[0].provider', 'invalid_value']],
  },
  {
    name: 'an unknown node type',
    yaml: one.replace('type: main', 'type: master'),
    errors: [['nodes[0].type', 'invalid_value']],
  },
  {
    name: 'an unknown VPN',
    yaml: `${one}network:\n  vpn: zerotier\n`,
    errors: [['network.vpn', 'invalid_value']],
  },
  {
    name: 'an unknown restart policy',
    yaml: `${one}services:\n  - { name: app, image: "nginx:1.27", restartPolicy: sometimes }\n`,
    errors: [['services[0].restartPolicy', 'invalid_value']],
  },
  { name: 'an unknown kit', yaml: `${one}kit: huge-homelab\n`, errors: [['kit', 'invalid_value']] },
  { name: 'an unknown variant', yaml: `${one}variant: deluxe\n`, errors: [['variant', 'invalid_value']] },
  {
    name: 'a misspelt field',
    yaml: `${one}    sshh:\n      host: 10.0.0.1\n`,
    errors: [['nodes[0].sshh', 'invalid_value']],
  },
  {
    name: 'an edge node on a cloud provider',
    yaml: `name: lab\nkit: modern-homelab\nnetwork:\n  vpn: tailscale\nnodes:\n  - { name: home, type: main }\n  - { name: sensor, type: edge, provider: aws }\n`,
    errors: [['nodes[1].provider', 'invalid_value']],
  },
  {
    name: 'an unknown TLS mode',
    yaml: `${one}services:\n  - { name: app, image: "nginx:1.27", network: { proxy: { tls: letsencrypt } } }\n`,
    errors: [['services[0].network.proxy.tls', 'invalid_value']],
  },
  {
    name: 'hostPath on a named volume',
    yaml: `${one}services:\n  - name: app\n    image: nginx:1.27\n    volumes:\n      - { name: web, mountPath: /srv, hostPath: /data/web, type: volume }\n`,
    errors: [['services[0].volumes[0].type', 'invalid_value']],
  },

  // out_of_range
  {
    name: 'an SSH port above 65535',
    yaml: `${one}    ssh:\n      host: 10.0.0.1\n      port: 70000\n`,
    errors: [['nodes[0].ssh.port', 'out_of_range']],
  },
  {
    name: 'SSH port 0',
    yaml: `${one}    ssh:\n      host: 10.0.0.1\n      port: 0\n`,
    errors: [['nodes[0].ssh.port', 'out_of_range']],
  },
  {
    name: 'zero CPUs',
    yaml: `${one}    resources:\n      cpu: 0\n`,
    errors: [['nodes[0].resources.cpu', 'out_of_range']],
  },
  {
    name: 'a container port above 65535',
    yaml: `${one}services:\n  - { name: app, image: "nginx:1.27", ports: [{ container: 99999 }] }\n`,
    errors: [['services[0].ports[0].container', 'out_of_range']],
  },
  {
    name: 'more disk than 1Pi',
    yaml: `${one}    resources:\n      disk: 4096Ti\n`,
    errors: [['nodes[0].resources.disk', 'out_of_range']],
  },
  {
    name: 'backups kept for zero days',
    yaml: `${one}observability:\n  backup:\n    retentionDays: 0\n`,
    errors: [['observability.backup.retentionDays', 'out_of_range']],
  },

  // security
  {
    name: 'a key path that climbs out with ..',
    yaml: `${one}    ssh:\n      host: 10.0.0.1\n      key_path: ~/.ssh/../../etc/shadow\n`,
    errors: [['nodes[0].ssh.key_path', 'security']],
  },
  {
    name: 'a secret given as its value',
    yaml: `${one}services:\n  - name: app\n    image: nginx:1.27\n    environmentSecrets:\n      DB_PASSWORD: hunter2\n`,
    errors: [['services[0].environmentSecrets.DB_PASSWORD', 'security']],
  },
  {
    name: 'a bind mount source with ..',
    yaml: `${one}services:\n  - name: app\n    image: nginx:1.27\n    volumes:\n      - { name: web, mountPath: /srv, hostPath: /srv/../etc, type: bind }\n`,
    errors: [['services[0].volumes[0].hostPath', 'security']],
  },
  {
    name: 'an environment key named __proto__',
    yaml: `${one}services:\n  - name: app\n    image: nginx:1.27\n    environment:\n      __proto__: x\n`,
    errors: [['services[0].environment.__proto__', 'security']],
  },

  // invalid_reference
  {
    name: 'a Swarm placement on a label no member has',
    yaml: `${ha(bigManager('m1') + bigManager('m2') + bigManager('m3'))}services:\n  - { name: web, image: nginx:1.27, placement: ["node.labels.disk == ssd"] }\n`,
    errors: [['services[0].placement[0]', 'invalid_reference']],
  },
  {
    name: 'a Swarm placement on a node name that is not a member',
    yaml: `${ha(bigManager('m1') + bigManager('m2') + bigManager('m3'))}services:\n  - { name: web, image: nginx:1.27, placement: ["node.role == manager", "node.labels.kombify.node == m9"] }\n`,
    errors: [['services[0].placement[1]', 'invalid_reference']],
  },
  {
    name: 'a service on an unknown node',
    yaml: `${one}services:\n  - { name: app, image: "nginx:1.27", node: nas }\n`,
    errors: [['services[0].node', 'invalid_reference']],
  },
  {
    name: 'needs on an unknown service',
    yaml: `${one}services:\n  - { name: db, image: "postgres:16" }\n  - { name: app, image: "nginx:1.27", needs: [db, cache] }\n`,
    errors: [['services[1].needs', 'invalid_reference']],
  },
  {
    name: 'needs on a catalog service the stack does not run',
    yaml: `${one}services:\n  - { name: app, image: "nginx:1.27", needs: [grafana] }\n`,
    errors: [['services[0].needs', 'invalid_reference']],
  },
  {
    name: 'needs on a disabled service',
    yaml: `${one}services:\n  - { name: db, image: "postgres:16", enabled: false }\n  - { name: app, image: "nginx:1.27", needs: [db] }\n`,
    errors: [['services[1].needs', 'invalid_reference']],
  },

  // circular_dependency
  {
    name: 'a needs cycle of three',
    yaml: `${one}services:\n  - { name: a, image: "nginx:1.27", needs: [b] }\n  - { name: b, image: "nginx:1.27", needs: [c] }\n  - { name: c, image: "nginx:1.27", needs: [a] }\n`
      .replace(/name: ([abc]),/g, 'name: svc-$1,')
      .replace(/needs: \[([abc])\]/g, 'needs: [svc-$1]'),
    errors: [['services', 'circular_dependency']],
  },
  {
    name: 'a service that needs itself',
    yaml: `${one}services:\n  - { name: app, image: "nginx:1.27", needs: [app] }\n`,
    errors: [['services', 'circular_dependency']],
  },
  {
    name: 'a cycle through a kit service',
    yaml: `${one}services:\n  - { name: traefik, needs: [app] }\n  - { name: app, image: "nginx:1.27", needs: [dozzle] }\n`,
    errors: [['services', 'circular_dependency']],
  },

  // kit_constraint
  {
    name: 'base-homelab with two nodes',
    yaml: `name: lab\nkit: base-homelab\nnodes:\n  - { name: one, type: main }\n  - { name: two, type: worker }\n`,
    errors: [['nodes', 'kit_constraint']],
  },
  {
    name: 'base-homelab on one CPU',
    yaml: `${one}    resources:\n      cpu: 1\n`,
    errors: [['nodes[0].resources.cpu', 'kit_constraint']],
  },
  {
    name: 'base-homelab with too little memory and disk',
    yaml: `${one}    resources:\n      memory: 2Gi\n      disk: 20Gi\n`,
    errors: [
      ['nodes[0].resources.memory', 'kit_constraint'],
      ['nodes[0].resources.disk', 'kit_constraint'],
    ],
  },
  {
    name: 'base-homelab on debian-13 (system.os)',
    yaml: `${one}system:\n  os: debian-13\n`,
    errors: [['system.os', 'kit_constraint']],
  },
  {
    name: 'base-homelab on debian-13 (node os)',
    yaml: `${one}    os: debian-13\n`,
    errors: [['nodes[0].os', 'kit_constraint']],
  },
  {
    name: 'base-homelab with an ha-homelab variant',
    yaml: `${one}variant: enterprise\n`,
    errors: [['variant', 'kit_constraint']],
  },
  {
    name: 'low compute tier with variant default asked for',
    yaml: `${one}variant: default\n`,
    errors: [['variant', 'kit_constraint']],
  },
  {
    name: 'coolify without a real domain',
    yaml: `${one}    resources: { cpu: 4, memory: 8Gi }\nvariant: coolify\nnetwork:\n  domain: home.lan\n`,
    errors: [['network.domain', 'kit_constraint']],
  },
  {
    name: 'proxy access without a domain',
    yaml: `${one}network:\n  access: proxy\n`,
    errors: [['network.domain', 'kit_constraint']],
  },
  {
    name: 'no main node',
    yaml: 'name: lab\nnodes:\n  - { name: box, type: worker }\n',
    errors: [['nodes', 'kit_constraint']],
  },
  {
    name: 'ha-homelab with two nodes',
    yaml: ha(bigManager('m1') + bigManager('m2')),
    errors: [['nodes', 'kit_constraint']],
  },
  {
    name: 'ha-homelab with four managers',
    yaml: ha(bigManager('m1') + bigManager('m2') + bigManager('m3') + bigManager('m4')),
    errors: [['nodes', 'kit_constraint']],
  },
  {
    name: 'an ha-homelab manager with default resources',
    yaml: ha(`${bigManager('m1') + bigManager('m2')}  - { name: m3, type: main }\n`),
    errors: [
      ['nodes[2].resources.memory', 'kit_constraint'],
      ['nodes[2].resources.disk', 'kit_constraint'],
    ],
  },
  {
    name: 'ha-homelab enterprise on three nodes',
    yaml: ha(bigManager('m1') + bigManager('m2') + bigManager('m3'), 'variant: enterprise\n'),
    errors: [['variant', 'kit_constraint']],
  },
  {
    name: 'a Traefik pinned to one node in ha-homelab',
    yaml: `${ha(bigManager('m1') + bigManager('m2') + bigManager('m3'))}services:\n  - { name: traefik, node: m2 }\n`,
    errors: [['services[0].node', 'kit_constraint']],
  },
  {
    name: 'modern-homelab across home and cloud without a VPN',
    yaml: 'name: lab\nnodes:\n  - { name: home, type: main }\n  - { name: vps, type: worker, provider: hetzner }\n',
    errors: [['network.vpn', 'kit_constraint']],
  },
  {
    name: 'modern-homelab with two main nodes',
    yaml: 'name: lab\nkit: modern-homelab\nnodes:\n  - { name: one, type: main }\n  - { name: two, type: main }\n',
    errors: [['nodes', 'kit_constraint']],
  },
  {
    name: 'traefik disabled',
    yaml: `${one}services:\n  - { name: traefik, enabled: false }\n`,
    errors: [['services[0].enabled', 'kit_constraint']],
  },
  {
    name: 'caddy disabled',
    yaml: `${one}network:\n  proxy: { provider: caddy }\nservices:\n  - { name: caddy, enabled: false }\n`,
    errors: [['services[0].enabled', 'kit_constraint']],
  },
  {
    name: 'caddy in ha-homelab (its proxy is a Swarm service, which gets no Caddyfile)',
    yaml: ha(
      bigManager('m1') + bigManager('m2') + bigManager('m3'),
      'network:\n  proxy: { provider: caddy }\n',
    ),
    errors: [['network.proxy.provider', 'kit_constraint']],
  },
  {
    name: 'tls manual with caddy',
    yaml: `${one}network:\n  domain: home.example.net\n  proxy: { provider: caddy }\nservices:\n  - { name: app, image: "nginx:1.27", ports: [{ container: 80 }], network: { proxy: { tls: manual } } }\n`,
    errors: [['services[0].network.proxy.tls', 'kit_constraint']],
  },
  {
    name: 'a proxied service on an edge node in ha-homelab',
    yaml: `${ha(`${bigManager('m1') + bigManager('m2') + bigManager('m3')}  - { name: gate, type: edge }\n`, 'network:\n  domain: lab.example.net\n')}services:\n  - { name: app, image: "nginx:1.27", node: gate, ports: [{ container: 80 }], network: { proxy: { enabled: true } } }\n`,
    errors: [['services[0].network.proxy.enabled', 'kit_constraint']],
  },

  // several at once
  {
    name: 'many problems reported together',
    yaml: `name: lab
nodes:
  - name: server
    type: main
    ssh:
      host: 10.0.0.1
      port: 70000
  - name: server
    type: worker
services:
  - { name: app, image: "nginx:1.27", node: nowhere, needs: [ghost] }
`,
    errors: [
      ['nodes[0].ssh.port', 'out_of_range'],
      ['nodes[1].name', 'duplicate'],
      ['services[0].node', 'invalid_reference'],
      ['services[0].needs', 'invalid_reference'],
    ],
  },
];

describe('invalid specs', () => {
  it('has at least 40 cases and covers every error code', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const codes = new Set(cases.flatMap((c) => c.errors.map(([, code]) => code)));
    expect([...codes].sort()).toEqual([...specErrorCodes].sort());
  });

  it.each(cases)('$name', ({ yaml, errors }) => {
    const result = parseSpec(yaml);
    expect(result.spec).toBeUndefined();
    expect(result.errors.map((e) => [e.path, e.code])).toEqual(errors);
    for (const e of result.errors) {
      expect(e.message.length).toBeGreaterThan(10);
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.column).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('messages and positions', () => {
  const errorOf = (yaml: string) => {
    const { errors } = parseSpec(yaml);
    expect(errors).toHaveLength(1);
    return errors[0]!;
  };

  it('points at the offending value', () => {
    const e = errorOf(`${one}    ssh:\n      host: 10.0.0.1\n      port: 70000\n`);
    expect(e).toEqual({
      path: 'nodes[0].ssh.port',
      code: 'out_of_range',
      message: 'must be at most 65535, got 70000',
      line: 7,
      column: 13,
    });
  });

  it('points at the parent mapping when a required field is missing', () => {
    const e = errorOf('name: lab\nnodes:\n  - type: main\n');
    expect(e).toMatchObject({ path: 'nodes[0].name', line: 3, column: 5 });
    expect(errorOf('# a comment\nnodes:\n  - { name: server, type: main }\n')).toMatchObject({
      path: 'name',
      message: 'name is required',
      line: 2,
      column: 1,
    });
  });

  it('points at the key of an empty value', () => {
    expect(errorOf('name:\nnodes:\n  - { name: server, type: main }\n')).toMatchObject({
      path: 'name',
      line: 1,
      column: 1,
    });
  });

  it('points at the key of an unknown field and suggests the right one', () => {
    const e = errorOf(`${one}    sshh:\n      host: 10.0.0.1\n`);
    expect(e).toMatchObject({ line: 5, column: 5, message: 'unknown field "sshh"; did you mean "ssh"?' });
  });

  it('names the first use of a duplicate name', () => {
    const e = errorOf(
      'name: lab\nkit: modern-homelab\nnodes:\n  - { name: server, type: main }\n  - { name: server, type: worker }\n',
    );
    expect(e).toMatchObject({
      message: 'node name "server" is already used by nodes[0]',
      line: 5,
      column: 13,
    });
  });

  it('shows a needs cycle as a → b → c → a, at the need that closes it', () => {
    const e = errorOf(`${one}services:
  - { name: svc-a, image: "nginx:1.27", needs: [svc-b] }
  - { name: svc-b, image: "nginx:1.27", needs: [svc-c] }
  - { name: svc-c, image: "nginx:1.27", needs: [svc-a] }
`);
    expect(e).toMatchObject({
      path: 'services',
      code: 'circular_dependency',
      message: 'needs form a cycle: svc-a → svc-b → svc-c → svc-a',
      line: 8,
      column: 49,
    });
  });

  it('points an unknown need at the list item', () => {
    const e = errorOf(`${one}services:\n  - name: app\n    image: nginx:1.27\n    needs:\n      - cache\n`);
    expect(e).toMatchObject({ path: 'services[0].needs', code: 'invalid_reference', line: 9, column: 9 });
    expect(e.message).toContain('"cache"');
  });

  it('points a kit rule on a defaulted value at the node', () => {
    const { errors } = parseSpec(ha(`${bigManager('m1') + bigManager('m2')}  - name: m3\n    type: main\n`));
    expect(errors.map((e) => [e.path, e.line, e.column])).toEqual([
      ['nodes[2].resources.memory', 6, 5],
      ['nodes[2].resources.disk', 6, 5],
    ]);
    expect(errors[0]?.message).toBe(
      'ha-homelab: a manager needs at least 8Gi memory; m3 has 4Gi (the default for a main node; set resources.memory)',
    );
  });

  it('gives parse errors the parser position', () => {
    const { errors } = parseSpec('name: lab\nnodes:\n  - name: a\n   type: main\n');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ path: '', code: 'parse_error', line: 4 });
    expect(errors[0]?.message).toMatch(/^invalid YAML: /);
  });

  it('explains the low compute tier', () => {
    const e = errorOf(`${one}variant: beszel\n`);
    expect(e.message).toBe(
      'compute tier low (server: 4 CPU, 4Gi memory; standard needs at least 4 CPU and 8Gi) runs only the minimal variant, not beszel; add resources or choose variant minimal',
    );
  });

  it('says what a wrong type was', () => {
    const e = errorOf(`${one}    ssh:\n      host: 10.0.0.1\n      port: ssh\n`);
    expect(e.message).toBe('expected a number, got a string ("ssh")');
  });

  it('names both services of a port clash', () => {
    const e = errorOf(
      `${one}    resources: { cpu: 4, memory: 8Gi }\nservices:\n  - name: traefik\n    ports: [{ container: 8080, host: 3000 }]\n`,
    );
    expect(e.message).toBe('host port 3000/tcp on server is published by both traefik and dokploy');
  });

  it('gives errors without positions when the spec is data, not text', () => {
    expect(validateSpec({ name: 'lab', nodes: [{ name: 'server', type: 'master' }] }).errors).toEqual([
      {
        path: 'nodes[0].type',
        code: 'invalid_value',
        message: '"master" is not a valid type; use one of: main, worker, edge',
      },
    ]);
    expect(validateSpec([]).errors).toEqual([
      { path: '', code: 'parse_error', message: 'the spec must be a mapping (name: …, nodes: …)' },
    ]);
  });

  it('lists the allowed values of an enum', () => {
    const e = errorOf(`${one}network:\n  vpn: zerotier\n`);
    expect(e.message).toBe(
      '"zerotier" is not a valid vpn; use one of: headscale, wireguard, tailscale, none',
    );
  });
});
