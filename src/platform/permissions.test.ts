import { describe, expect, it } from 'vitest';
import { ROLES, ROLE_NAMES, SCOPES, requiresMfa, scopesOf } from './permissions';

describe('roles and scopes', () => {
  it('grants only scopes that exist', () => {
    for (const r of ROLE_NAMES) for (const s of ROLES[r].scopes) expect(SCOPES).toContain(s);
  });
  it('requires MFA of every role that sees child-level data or administers access', () => {
    const withMfa = ROLE_NAMES.filter((r) => requiresMfa([r]));
    expect(withMfa.sort()).toEqual(['agency_lead', 'auditor', 'data_analyst', 'mash_officer', 'partnership_admin', 'social_worker', 'team_manager']);
    expect(requiresMfa(['practitioner', 'trainer', 'business_manager'])).toBe(false);
  });
  it('combines the scopes of several roles and ignores unknown ones', () => {
    expect(scopesOf(['practitioner', 'trainer', 'no_such_role'])).toEqual(new Set(['home.view', 'training.book', 'training.manage']));
  });
});
