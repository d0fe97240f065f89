/**
 * Named scopes granted through roles. A route declares the one scope it needs; nothing is allowed
 * by default. Later features add their scopes here, with the roles that hold them.
 */
export const SCOPES = [
  'home.view',
  'child.read',
  'child.write',
  'child.allocate',
  'mash.respond',
  'frontdoor.screen',
  'frontdoor.audit',
  'return.import',
  'return.export',
  'dashboard.view',
  'dashboard.configure',
  'indicator.drilldown',
  'report.view',
  'report.write',
  'report.manage',
  'report.approve',
  'voice.record',
  'partner_data.upload',
  'assurance.view',
  'assurance.manage',
  'assurance.contribute',
  'training.book',
  'training.manage',
  'admin.users',
  'admin.partnership',
  'audit.read',
] as const;
export type Scope = (typeof SCOPES)[number];

export const ROLES = {
  partnership_admin: {
    label: 'Partnership administrator',
    scopes: ['home.view', 'admin.users', 'admin.partnership', 'audit.read', 'dashboard.view'],
  },
  business_manager: {
    label: 'Business manager',
    scopes: ['home.view', 'dashboard.view', 'dashboard.configure', 'partner_data.upload', 'assurance.view', 'assurance.manage', 'training.manage',
      'report.view', 'report.write', 'report.manage', 'voice.record'],
  },
  social_worker: {
    label: 'Social worker',
    scopes: ['home.view', 'child.read', 'child.write', 'frontdoor.screen', 'dashboard.view', 'voice.record'],
  },
  team_manager: {
    label: 'Team manager',
    scopes: ['home.view', 'child.read', 'child.write', 'child.allocate', 'frontdoor.screen', 'frontdoor.audit', 'dashboard.view', 'indicator.drilldown', 'assurance.view',
      'report.view', 'report.write', 'voice.record'],
  },
  mash_officer: {
    label: 'MASH agency officer',
    scopes: ['home.view', 'mash.respond'],
  },
  data_analyst: {
    label: 'Data analyst',
    scopes: ['home.view', 'return.import', 'return.export', 'partner_data.upload', 'dashboard.view', 'indicator.drilldown', 'report.view'],
  },
  trainer: {
    label: 'Trainer',
    scopes: ['home.view', 'training.manage', 'training.book'],
  },
  auditor: {
    label: 'Auditor',
    scopes: ['home.view', 'child.read', 'assurance.view', 'assurance.contribute', 'frontdoor.audit', 'dashboard.view'],
  },
  agency_lead: {
    // An agency's designated safeguarding lead: answers for the agency's actions, audit sections and
    // Section 11 self-assessment, without access to children's records.
    label: 'Agency safeguarding lead',
    scopes: ['home.view', 'assurance.view', 'assurance.contribute', 'dashboard.view', 'training.book', 'report.view', 'report.write'],
  },
  executive: {
    // A statutory partner's member of the Executive (director of children's services, police chief
    // officer, chief nurse) or the Independent Chair: reads the partnership's work and approves its annual report.
    label: 'Executive member',
    scopes: ['home.view', 'dashboard.view', 'assurance.view', 'report.view', 'report.write', 'report.approve'],
  },
  practitioner: {
    label: 'Practitioner (training only)',
    scopes: ['home.view', 'training.book'],
  },
} as const satisfies Record<string, { label: string; scopes: readonly Scope[] }>;
export type Role = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as Role[];

export function isRole(value: string): value is Role {
  return Object.hasOwn(ROLES, value);
}

export function scopesOf(roles: readonly string[]): Set<Scope> {
  const scopes = new Set<Scope>();
  for (const role of roles) if (isRole(role)) for (const s of ROLES[role].scopes) scopes.add(s);
  return scopes;
}

/**
 * Scopes that reveal child-level data or control who can see it: holding any requires MFA. Partners'
 * aggregate tables (partner_data.upload) name no child, so they alone do not.
 */
const MFA_SCOPES: ReadonlySet<Scope> = new Set<Scope>([
  'child.read', 'child.write', 'child.allocate', 'mash.respond', 'frontdoor.screen', 'frontdoor.audit', 'return.import', 'return.export',
  'indicator.drilldown', 'assurance.contribute', 'admin.users', 'audit.read',
]);

export function requiresMfa(roles: readonly string[]): boolean {
  for (const s of scopesOf(roles)) if (MFA_SCOPES.has(s)) return true;
  return false;
}

/** What a partner system's API token may do: granted to each token when made, never through a role. */
export const API_SCOPES = ['contact.submit', 'contact.read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];
export type ApiAccess = `api:${ApiScope}`;

export function isApiScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}

export function isApiAccess(access: Access): access is ApiAccess {
  return access.startsWith('api:');
}

/**
 * How a route is reached: `public` (no sign-in: sign-in page, health, assets), `session` (signed in
 * with a password, MFA perhaps still to do: the MFA pages and sign-out), a scope (signed in fully,
 * holding that scope in the current partnership), or `api:<scope>` (a partner system's bearer token
 * holding that API scope; no session counts).
 */
export type Access = 'public' | 'session' | Scope | ApiAccess;
