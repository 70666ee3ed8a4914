import { describe, expect, it } from 'vitest';
import { missingSecrets } from './secrets.ts';
import { isOlderThan, parseEvent, providerAdvice, providerInstallFailure } from './tofu.ts';

/** Captured from `terraform init -input=false -no-color` 1.11 without network. */
const terraformOffline = `Initializing the backend...
Initializing provider plugins...
- Finding kreuzwerker/docker versions matching "~> 3.0"...

Error: Failed to query available provider packages

Could not retrieve the list of available versions for provider
kreuzwerker/docker: could not connect to registry.terraform.io: failed to
request discovery document: Get
"https://registry.terraform.io/.well-known/terraform.json": dial tcp: lookup
registry.terraform.io on 10.255.255.53:53: no such host

To see which modules are currently depending on kreuzwerker/docker and what
versions are specified, run the following command:
    terraform providers
`;

/** The same failure as OpenTofu words it (registry.opentofu.org, timeout). */
const tofuTimeout = `Initializing provider plugins...
- Finding kreuzwerker/docker versions matching "~> 3.0"...
╷
│ Error: Failed to query available provider packages
│
│ Could not retrieve the list of available versions for provider kreuzwerker/docker: could not connect to registry.opentofu.org: failed to request
│ discovery document: Get "https://registry.opentofu.org/.well-known/terraform.json": dial tcp 1.2.3.4:443: i/o timeout
╵
`;

/** A plugin dir without the provider. */
const pluginDirMissing = `Initializing provider plugins...
- Finding kreuzwerker/docker versions matching "~> 3.0"...

Error: Failed to query available provider packages

Could not retrieve the list of available versions for provider
kreuzwerker/docker: provider registry.terraform.io/kreuzwerker/docker was not
found in any of the search locations

- /opt/plugins
`;

describe('providerInstallFailure', () => {
  it('recognises an unreachable registry (terraform and tofu wording)', () => {
    expect(providerInstallFailure(terraformOffline)).toEqual({
      provider: 'kreuzwerker/docker',
      unreachable: true,
      reason: 'could not connect to registry.terraform.io: no such host',
    });
    expect(providerInstallFailure(tofuTimeout)).toMatchObject({
      unreachable: true,
      reason: 'could not connect to registry.opentofu.org: i/o timeout',
    });
  });

  it('tells a provider missing from the configured locations apart', () => {
    const failure = providerInstallFailure(pluginDirMissing)!;
    expect(failure.unreachable).toBe(false);
    expect(failure.reason).toContain('was not found in any of the search locations');
    expect(providerAdvice(failure, 'tofu')).toContain('not found where the CLI configuration looks');
  });

  it('ignores other init failures', () => {
    expect(providerInstallFailure('Error: Unsupported Terraform Core version')).toBeUndefined();
  });

  it('advises a mirror through TF_CLI_CONFIG_FILE or --plugin-dir', () => {
    const advice = providerAdvice(providerInstallFailure(terraformOffline)!, 'terraform');
    expect(advice).toMatch(/^provider kreuzwerker\/docker could not be installed: no registry reachable/);
    expect(advice).toContain('TF_CLI_CONFIG_FILE');
    expect(advice).toContain('filesystem_mirror');
    expect(advice).toContain('--plugin-dir');
  });
});

describe('tool helpers', () => {
  it('compares versions by Semantic Versioning', () => {
    expect(isOlderThan('1.11.4', '1.6.0')).toBe(false);
    expect(isOlderThan('1.6', '1.6.0')).toBe(false);
    expect(isOlderThan('v1.6.0', '1.6.0')).toBe(false);
    expect(isOlderThan('1.5.7', '1.6.0')).toBe(true);
    // A pre-release comes before its release: the old hand-written compare read it as newer.
    expect(isOlderThan('1.6.0-beta.1', '1.6.0')).toBe(true);
    expect(isOlderThan('1.6.1-rc1', '1.6.0')).toBe(false);
    expect(isOlderThan('not a version', '1.6.0')).toBe(false);
  });

  it('parses -json lines and ignores the rest', () => {
    expect(
      parseEvent('{"type":"change_summary","changes":{"add":1,"change":0,"remove":0}}')?.changes?.add,
    ).toBe(1);
    expect(parseEvent('Initializing...')).toBeUndefined();
    expect(parseEvent('{broken')).toBeUndefined();
    expect(parseEvent('{"no":"type"}')).toBeUndefined();
  });

  it('missingSecrets: none without variables.tf.json', () => {
    expect(missingSecrets('/nonexistent', {})).toEqual([]);
  });
});
