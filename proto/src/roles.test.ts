import { describe, expect, it } from 'vitest';
import { atLeast, highestRole, keyRoles, orgRoles, roleRank, roles, rolesFrom } from './roles.ts';

describe('roles', () => {
  it('is one ordering, lowest first, with the org and key subsets in it', () => {
    expect(roles).toEqual(['viewer', 'member', 'admin', 'owner', 'platform-admin']);
    expect(orgRoles).toEqual(['viewer', 'member', 'admin', 'owner']);
    expect(keyRoles).toEqual(['viewer', 'member', 'admin']);
  });

  it('ranks, compares and picks by that ordering; an unknown role is below every role', () => {
    expect(roleRank('nobody')).toBe(0);
    expect(atLeast('owner', 'admin')).toBe(true);
    expect(atLeast('member', 'admin')).toBe(false);
    expect(atLeast('nobody', 'viewer')).toBe(false);
    expect(rolesFrom('admin')).toEqual(['admin', 'owner', 'platform-admin']);
    expect(highestRole(['viewer', 'owner', 'x'], roles)).toBe('owner');
    expect(highestRole(['platform-admin', 'member'], orgRoles)).toBe('member');
    expect(highestRole(['x'], roles)).toBeNull();
  });
});
