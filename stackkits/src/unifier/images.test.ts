import { describe, expect, it } from 'vitest';
import { chooseImage, mirrorImage, parseImage } from './images.ts';

describe('images', () => {
  it('parses references the way Docker does', () => {
    expect(parseImage('traefik:v3.1')).toEqual({
      registry: null,
      path: 'traefik',
      tag: 'v3.1',
      digest: null,
    });
    expect(parseImage('dokploy/dokploy')).toEqual({
      registry: null,
      path: 'dokploy/dokploy',
      tag: null,
      digest: null,
    });
    expect(parseImage('docker.io/library/redis:7')).toEqual({
      registry: null,
      path: 'redis',
      tag: '7',
      digest: null,
    });
    expect(parseImage('registry.local:5000/app@sha256:abc')).toEqual({
      registry: 'registry.local:5000',
      path: 'app',
      tag: null,
      digest: 'sha256:abc',
    });
    expect(parseImage('localhost/x:1').registry).toBe('localhost');
  });

  it('prefixes Docker Hub images and keeps other registries as a path segment', () => {
    const m = 'registry.local:5000';
    expect(mirrorImage('traefik:v3.1', m)).toBe('registry.local:5000/traefik:v3.1');
    expect(mirrorImage('docker.io/library/traefik:v3.1', m)).toBe('registry.local:5000/traefik:v3.1');
    expect(mirrorImage('louislam/uptime-kuma:1', m)).toBe('registry.local:5000/louislam/uptime-kuma:1');
    expect(mirrorImage('ghcr.io/coollabsio/coolify:latest', m)).toBe(
      'registry.local:5000/ghcr.io/coollabsio/coolify:latest',
    );
    expect(mirrorImage('registry.local:5000/traefik:v3.1', m)).toBe('registry.local:5000/traefik:v3.1');
    expect(mirrorImage('app@sha256:abc', `${m}/hub/`)).toBe('registry.local:5000/hub/app@sha256:abc');
  });

  it('chooses an exact override first, then the options mirror, then the spec mirror', () => {
    expect(
      chooseImage(
        'traefik',
        'traefik:v3.1',
        { images: { traefik: 'local/traefik:dev' }, mirror: 'm:1' },
        's:2',
      ),
    ).toBe('local/traefik:dev');
    expect(chooseImage('traefik', 'traefik:v3.1', { mirror: 'm:1' }, 's:2')).toBe('m:1/traefik:v3.1');
    expect(chooseImage('traefik', 'traefik:v3.1', {}, 's:2')).toBe('s:2/traefik:v3.1');
    expect(chooseImage('traefik', 'traefik:v3.1', {}, undefined)).toBe('traefik:v3.1');
    expect(chooseImage('toString', 'x:1', { images: {} }, undefined)).toBe('x:1');
  });
});
