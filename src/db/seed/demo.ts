import { seedReturns } from './returns';
import { sql } from 'kysely';
import type { Db } from '../create-db';
import { addAgency } from '../../features/agencies/agencies.service';
import { saveSetting } from '../../features/dashboard/rag-rules.repository';
import { addPartnership, setChildPopulation } from '../../features/partnerships/partnerships.service';
import { addUser } from '../../features/users/users.service';
import type { Role } from '../../platform/permissions';
import { seedAllocations } from './allocations';
import { seedPartnerData } from './partner-data';
import { seedMash } from './mash';
import { seedFrontDoor } from './front-door';
import { seedAssuranceGroups } from './assurance-groups';
import { seedTraining } from './training';
import { seedTrainingRecords } from './training-records';
import { seedAudits } from './audits';
import { seedSection11 } from './section11';
import { seedReviews } from './reviews';
import { seedActions } from './actions';
import { seedGovernance } from './governance';
import { seedFrontDoorQuality } from './front-door-quality';
import { seedAnnualReports } from './annual-report';
import { seedReportSections } from './report-sections';
import { chooseDemoVoice, seedVoice } from './voice';
import { seedSso } from './sso';
import { DEVELOPMENT_SSO_KEY } from '../../platform/config';
import { generateChildren, generateDisabilities } from './generator';
import { generateJourneys, type Journeys } from './journeys';

/**
 * The demo partnership a newcomer sees after `npm start`. Like the CLI, the seed stands above the
 * features and uses their services, so the demo obeys the same rules as real data.
 */

export const DEMO_PASSWORD = 'northmere-demo-password';
/** Every demo account shares this authenticator key: it is printed, so it protects nothing real. */
export const DEMO_TOTP_SECRET = 'BEACONDEMOMFAKEYFORDEMOUSERSONLY';
export const DEMO_LA_CODE = '990';
export const SECOND_LA_CODE = '991';

const AGENCIES = [
  { key: 'council', name: 'Northmere Council', type: 'local_authority', emailDomains: 'northmere.gov.uk' },
  { key: 'police', name: 'Northmere and Eastholm Police', type: 'police', emailDomains: 'nep.police.uk' },
  { key: 'icb', name: 'Northmere Integrated Care Board', type: 'health', emailDomains: 'nhs.net' },
  { key: 'trust', name: 'Northmere Hospitals NHS Foundation Trust', type: 'health', emailDomains: 'nhs.net' },
  { key: 'school', name: 'Riverside Academy', type: 'education', emailDomains: 'riverside.sch.uk' },
] as const;

type DemoUser = { email: string; name: string; agency: (typeof AGENCIES)[number]['key']; roles: Role[]; alsoSecond?: boolean };

export const DEMO_USERS: DemoUser[] = [
  { email: 'admin@northmere.gov.uk', name: 'Priya Shah', agency: 'council', roles: ['partnership_admin'], alsoSecond: true },
  { email: 'business.manager@northmere.gov.uk', name: 'Helen Ward', agency: 'council', roles: ['business_manager'] },
  { email: 'social.worker@northmere.gov.uk', name: 'Sam Okoro', agency: 'council', roles: ['social_worker'] },
  { email: 'team.manager@northmere.gov.uk', name: 'Joanne Fletcher', agency: 'council', roles: ['team_manager'] },
  { email: 'mash.police@nep.police.uk', name: 'DC Mark Ellis', agency: 'police', roles: ['mash_officer'], alsoSecond: true },
  { email: 'mash.health@nhs.net', name: 'Nadia Rahman', agency: 'trust', roles: ['mash_officer'] },
  { email: 'mash.education@riverside.sch.uk', name: 'Tom Barker', agency: 'school', roles: ['mash_officer'] },
  { email: 'analyst@northmere.gov.uk', name: 'Li Wei', agency: 'council', roles: ['data_analyst'], alsoSecond: true },
  { email: 'trainer@northmere.gov.uk', name: 'Grace Adeyemi', agency: 'council', roles: ['trainer'] },
  { email: 'auditor@nhs.net', name: 'Dr Ruth Carter', agency: 'icb', roles: ['auditor'] },
  { email: 'practitioner@riverside.sch.uk', name: 'Emma Collins', agency: 'school', roles: ['practitioner'] },
  { email: 'safeguarding.lead@nep.police.uk', name: 'DI Claire Hughes', agency: 'police', roles: ['agency_lead'] },
  { email: 'designated.nurse@nhs.net', name: 'Angela Morris', agency: 'icb', roles: ['agency_lead'] },
  { email: 'dsl@riverside.sch.uk', name: 'Daniel Price', agency: 'school', roles: ['agency_lead'] },
  { email: 'qa.lead@northmere.gov.uk', name: 'Rebecca Hall', agency: 'council', roles: ['agency_lead'] },
  // The statutory partners' members of the Executive, who approve the annual report (the role needs no MFA; the demo enrols everyone).
  { email: 'director.childrens@northmere.gov.uk', name: 'Mark Davies', agency: 'council', roles: ['executive'] },
  { email: 'chief.superintendent@nep.police.uk', name: 'Det Ch Supt Sarah Collins', agency: 'police', roles: ['executive'] },
  { email: 'chief.nurse@nhs.net', name: 'Dr Priya Raman', agency: 'icb', roles: ['executive'] },
];

export type SeedResult = { partnershipId: number; children: number; users: number; signInText: string };

/** `ssoKey` seals the police force's client secret: the server's SSO_SECRET_KEY (none: the demo has no single sign-on). */
export async function seedDemo(db: Db, opts: { children?: number; today?: string; ssoKey?: string | null } = {}): Promise<SeedResult> {
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  const main = await addPartnership(db, { laCode: DEMO_LA_CODE, name: 'Northmere Safeguarding Children Partnership' });
  const second = await addPartnership(db, { laCode: SECOND_LA_CODE, name: 'Eastholm Safeguarding Children Partnership' });
  await setChildPopulation(db, main.id, { childPopulation: 61_500 });
  await setChildPopulation(db, main.id, { childPopulation: 60_900, year: 2023 });
  await setChildPopulation(db, main.id, { childPopulation: 61_200, year: 2024 });
  await setChildPopulation(db, main.id, { childPopulation: 61_500, year: 2025 });
  await setChildPopulation(db, second.id, { childPopulation: 38_200 });

  const agencyIds = new Map<string, number>();
  for (const a of AGENCIES) agencyIds.set(a.key, (await addAgency(db, main.id, a)).id);
  await addAgency(db, second.id, { name: 'Eastholm Council', type: 'local_authority', emailDomains: 'eastholm.gov.uk' });
  await addAgency(db, second.id, AGENCIES[1]);
  await addAgency(db, second.id, AGENCIES[0]);

  for (const u of DEMO_USERS) {
    const { id } = await addUser(db, main.id, { ...u, agencyId: agencyIds.get(u.agency), password: DEMO_PASSWORD });
    if (u.alsoSecond) await addUser(db, second.id, { ...u, agencyId: agencyIds.get(u.agency) });
    await db.updateTable('app_user').set({ mfa_secret: DEMO_TOTP_SECRET, mfa_enrolled_at: new Date() }).where('id', '=', id).execute();
  }

  const count = opts.children ?? 400;
  await seedChildren(db, main.id, DEMO_LA_CODE, count, 1, today);
  await seedAllocations(db, main.id, { password: DEMO_PASSWORD, totpSecret: DEMO_TOTP_SECRET });
  await seedChildren(db, second.id, SECOND_LA_CODE, Math.ceil(count / 4), 2, today);
  await seedReturns(db, { partnershipId: main.id, laCode: DEMO_LA_CODE, today, analyst: 'analyst@northmere.gov.uk' });
  // Statistical neighbours' figures for the scorecard's rates, which Beacon does not rate by default.
  // Illustrative only: Northmere and its neighbours are invented.
  for (const [code, value] of [['referrals_rate_per_10k', 480.2], ['cin_open_rate_per_10k', 341.5], ['cp_plans_open_rate_per_10k', 42.8], ['cla_open_rate_per_10k', 71.3]] as const) {
    await saveSetting(db, main.id, code, { method: 'none' }, value, 'business.manager@northmere.gov.uk');
  }
  await seedPartnerData(db, { partnershipId: main.id, today, uploadedBy: 'business.manager@northmere.gov.uk' });
  await seedFrontDoor(db, {
    partnershipId: main.id, now: opts.today ? new Date(`${opts.today}T12:00:00Z`) : new Date(),
    agencies: { police: agencyIds.get('police')!, trust: agencyIds.get('trust')!, school: agencyIds.get('school')!, council: agencyIds.get('council')! },
    worker: 'social.worker@northmere.gov.uk', manager: 'team.manager@northmere.gov.uk',
  });

  // The MASH: open enquiries with the agencies' checks in every state, and decided ones over recent months.
  await seedMash(db, {
    partnershipId: main.id, now: opts.today ? new Date(`${opts.today}T12:00:00Z`) : new Date(),
    agencies: { police: agencyIds.get('police')!, trust: agencyIds.get('trust')!, school: agencyIds.get('school')! },
    manager: 'team.manager@northmere.gov.uk',
    officers: { police: 'mash.police@nep.police.uk', trust: 'mash.health@nhs.net', school: 'mash.education@riverside.sch.uk' },
  });

  // ---- Front door quality assurance (after the front door's contacts and the MASH's enquiries) ----
  // Three months of audits of the front door's decisions: the past two nearly all done, this month under way.
  await seedFrontDoorQuality(db, {
    partnershipId: main.id, now: opts.today ? new Date(`${opts.today}T12:00:00Z`) : new Date(),
    manager: 'team.manager@northmere.gov.uk', auditor: 'auditor@nhs.net',
  });

  // ---- Learning and assurance: the partnership's groups, which own reviews, audits and actions ----
  // Each assurance seed takes the context { partnershipId, today, agencies, groups }.
  const groups = await seedAssuranceGroups(db, { partnershipId: main.id, today, agencies: agencyIds });
  // The tracker: progress on the inspection's actions, and the development day's actions, some overdue for the reminders.
  await seedActions(db, { partnershipId: main.id, today, agencies: agencyIds, groups });
  // Multi-agency audits: neglect every four months with three rounds completed, a CSE round under way, re-referrals scheduled.
  await seedAudits(db, { partnershipId: main.id, today, agencies: agencyIds, groups });
  // Governance: the groups' members, a year of meetings with attendance, minutes and action logs, and the challenge log.
  await seedGovernance(db, { partnershipId: main.id, today, agencies: agencyIds, groups });
  // Serious incidents and reviews: the last year's rapid review, practice reviews and appreciative enquiry, and the work in flight today.
  await seedReviews(db, { partnershipId: main.id, today, agencies: agencyIds, groups });

  // Section 11: last cycle closed with every agency's return and peer challenge; this year's open, the police's return in.
  await seedSection11(db, { partnershipId: main.id, today, agencies: agencyIds, groups });

  // ---- Training: the programme's courses, last year's sessions and the next 15 months', practitioners and their bookings ----
  await seedTraining(db, { partnershipId: main.id, today, agencies: agencyIds });
  // Registers marked (the latest left to mark), certificates, charges for not attending, evaluations and impact surveys.
  await seedTrainingRecords(db, { partnershipId: main.id, today });

  // ---- The annual report: last year's approved by the Executive, this year's being drafted by its sections' owners ----
  await seedAnnualReports(db, { partnershipId: main.id, today, agencies: agencyIds, groups });
  // A data section's sentences reworded by the business manager.
  await seedReportSections(db, { partnershipId: main.id, today });

  // ---- The voice of the child: two years of groups, surveys, quotes and case studies, with consent and anonymisation ----
  const voiceEntries = await seedVoice(db, { partnershipId: main.id, today });
  // Chosen into the last financial year's annual report, when the demo has one being drafted (seeded above this line).
  await chooseDemoVoice(db, { partnershipId: main.id, today, entries: voiceEntries });

  // ---- Single sign-on: the police force's people sign in through its provider; two officers wait for approval ----
  await seedSso(db, { partnershipId: main.id, today, policeAgencyId: agencyIds.get('police')!, key: opts.ssoKey === undefined ? DEVELOPMENT_SSO_KEY : opts.ssoKey });

  return { partnershipId: main.id, children: count, users: DEMO_USERS.length, signInText: demoSignInText() };
}

/** Seeds only a database with no partnership yet: the first `npm start`, never a live system. */
export async function seedDemoIfEmpty(db: Db, opts: { children?: number; ssoKey?: string | null } = {}): Promise<SeedResult | null> {
  const any = await db.selectFrom('partnership').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  return seedDemo(db, opts);
}

export function demoSignInText(): string {
  const lines = [
    '',
    'Demo partnership: Northmere Safeguarding Children Partnership (LA code 990)',
    `Sign in at /sign-in with any of these, password "${DEMO_PASSWORD}":`,
    ...DEMO_USERS.map((u) => `  ${u.email.padEnd(36)} ${u.roles.join(', ')}`),
    `Authenticator key for every demo account: ${DEMO_TOTP_SECRET}`,
    'Or print the current 6-digit code with: npx beacon demo code',
    'The police sign in through their own identity provider too: run `npx beacon demo sso-provider`, then choose',
    '"Sign in with your organisation" and a nep.police.uk address.',
    '',
  ];
  return lines.join('\n');
}

/** Synthetic children of one partnership with their journeys, inserted in batches, parents before children. */
export async function seedChildren(db: Db, partnershipId: number, laCode: string, count: number, seed: number, today: string) {
  const children = generateChildren({ count, seed, laCode, today }).map((c) => ({ ...c, id: crypto.randomUUID() }));
  const disabilities = generateDisabilities(count, seed);
  const childRows = children.map((c, i) => ({
    id: c.id, partnership_id: partnershipId, la_child_id: c.laChildId, upn: c.upn, nhs_number: c.nhsNumber, first_name: c.firstName,
    last_name: c.lastName, date_of_birth: c.dateOfBirth, expected_birth_date: c.expectedBirthDate, sex: c.sex, ethnicity: c.ethnicity,
    postcode: c.postcode, locality: c.locality, source: 'demo' as const, disabilities: disabilities[i]!,
  }));
  for (const batch of chunks(childRows, 500)) await db.insertInto('child').values(batch).execute();
  const journeys = generateJourneys(children, { seed: seed * 7919, today });
  const order: (keyof Journeys)[] = ['place_of_concern', 'referral', 'assessment', 'strategy_discussion', 's47_enquiry', 'initial_conference',
    'cp_plan', 'cp_plan_review', 'cp_core_group', 'cp_visit', 'cin_plan', 'cla_episode', 'cla_review', 'health_assessment',
    'missing_episode', 'exploitation_assessment'];
  for (const table of order) {
    const rows = journeys[table].map((r) => ({ ...r, partnership_id: partnershipId, ...(table === 'place_of_concern' ? {} : { source: 'demo' }) }));
    for (const batch of chunks(rows, 500)) await db.insertInto(table).values(batch as never).execute();
  }
  // Fresh statistics, or the planner scans every child for each search (PGlite has no autovacuum).
  await sql`analyze`.execute(db);
  return { children: children.length, referrals: journeys.referral.length };
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
