import type { Db } from '../create-db';
import { setAgencySso } from '../../features/auth/sso-config.service';
import { provisionPendingPerson } from '../../features/auth/sso.service';

/**
 * The demo's police force signs its people in through its own identity provider, as a force would.
 * `beacon demo sso-provider` runs a stand-in for it on this machine, with these accounts; the force's
 * people may still use their Beacon password. Two officers new to Beacon signed in that way last week
 * and wait for the administrator's approval on the People page.
 */
export const DEMO_PROVIDER = { port: 3101, clientId: 'beacon-demo', clientSecret: 'demo-provider-secret: fictional, protects nothing' };

export const demoIssuer = (port = DEMO_PROVIDER.port) => `http://127.0.0.1:${port}`;

/** The force's people as its provider knows them: `sub` is the provider's own identifier for each. */
export const DEMO_PROVIDER_ACCOUNTS = [
  { sub: 'nep-10457', email: 'mash.police@nep.police.uk', name: 'DC Mark Ellis' },
  { sub: 'nep-08812', email: 'safeguarding.lead@nep.police.uk', name: 'DI Claire Hughes' },
  { sub: 'nep-02231', email: 'chief.superintendent@nep.police.uk', name: 'Det Ch Supt Sarah Collins' },
  { sub: 'nep-11920', email: 'pc.jordan.reid@nep.police.uk', name: 'PC Jordan Reid', pendingDaysAgo: 6 },
  { sub: 'nep-11987', email: 'ds.aisha.khan@nep.police.uk', name: 'DS Aisha Khan', pendingDaysAgo: 2 },
  // Never signed in: choosing this account shows what someone new to Beacon sees.
  { sub: 'nep-12044', email: 'pc.new.starter@nep.police.uk', name: 'PC Alex Morgan' },
].map((a) => ({ ...a, email_verified: true }));

export async function seedSso(db: Db, opts: { partnershipId: number; today: string; policeAgencyId: number; key: string | null }) {
  // A server without SSO_SECRET_KEY cannot keep a client secret: its demo signs everyone in with passwords.
  if (!opts.key) return;
  const now = new Date(`${opts.today}T09:00:00Z`);
  await setAgencySso(db, opts.partnershipId, opts.policeAgencyId, {
    issuerUrl: demoIssuer(), clientId: DEMO_PROVIDER.clientId, clientSecret: DEMO_PROVIDER.clientSecret,
    emailDomains: 'nep.police.uk', passwordAllowed: 'yes', enabled: 'yes',
  }, { key: opts.key, production: false, userId: null, now });
  for (const a of DEMO_PROVIDER_ACCOUNTS) {
    if (a.pendingDaysAgo === undefined) continue;
    const at = new Date(now.getTime() - a.pendingDaysAgo * 86_400_000);
    await provisionPendingPerson(db, {
      email: a.email, name: a.name, agencyId: opts.policeAgencyId, partnershipId: opts.partnershipId,
      issuer: demoIssuer(), subject: a.sub, amr: ['pwd', 'mfa'], acr: null, now: at,
    });
  }
}
