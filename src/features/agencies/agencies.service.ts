import { z } from 'zod';
import type { Db } from '../../db/create-db';
import type { AgencyType } from '../../db/schema';
import { NotFound, ValidationFailed, fieldErrors } from '../../platform/errors';

export const AGENCY_TYPES: { value: AgencyType; label: string }[] = [
  { value: 'local_authority', label: 'Local authority' },
  { value: 'police', label: 'Police' },
  { value: 'health', label: 'Health' },
  { value: 'education', label: 'Education' },
  { value: 'probation', label: 'Probation' },
  { value: 'youth_justice', label: 'Youth justice' },
  { value: 'housing', label: 'Housing' },
  { value: 'voluntary', label: 'Voluntary and community sector' },
  { value: 'other', label: 'Other' },
];

const domain = z.string().trim().toLowerCase().regex(/^(?=.{3,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/, 'Enter email domains like northmere.gov.uk');

export const newAgency = z.object({
  name: z.string().trim().min(2, 'Enter the agency name').max(200, 'Name must be 200 characters or fewer'),
  type: z.enum(AGENCY_TYPES.map((t) => t.value) as [AgencyType, ...AgencyType[]], { error: 'Select the type of agency' }),
  emailDomains: z.preprocess(
    (v) => (typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : v ?? []),
    z.array(domain),
  ),
});

export type Agency = { id: number; name: string; type: AgencyType; email_domains: string[] };

/** Agencies working with a partnership. */
export function listAgencies(db: Db, partnershipId: number): Promise<Agency[]> {
  return db.selectFrom('agency').innerJoin('agency_partnership as ap', 'ap.agency_id', 'agency.id')
    .select(['agency.id', 'agency.name', 'agency.type', 'agency.email_domains'])
    .where('ap.partnership_id', '=', partnershipId).orderBy('agency.name').execute();
}

export function findAgencyByName(db: Db, name: string): Promise<Agency | undefined> {
  return db.selectFrom('agency').select(['id', 'name', 'type', 'email_domains'])
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.trim().toLowerCase())).executeTakeFirst();
}

/** The agency if it works with the partnership; agencies of other partnerships stay invisible. */
export function findAgencyInPartnership(db: Db, partnershipId: number, agencyId: number): Promise<Agency | undefined> {
  return db.selectFrom('agency').innerJoin('agency_partnership as ap', 'ap.agency_id', 'agency.id')
    .select(['agency.id', 'agency.name', 'agency.type', 'agency.email_domains'])
    .where('ap.partnership_id', '=', partnershipId).where('agency.id', '=', agencyId).executeTakeFirst();
}

/**
 * Adds an agency to a partnership. An agency already known by that name (a police force serving
 * several areas, say) is linked rather than duplicated, provided its type agrees.
 */
export async function addAgency(db: Db, partnershipId: number, input: unknown): Promise<Agency> {
  const parsed = newAgency.safeParse(input);
  if (!parsed.success) throw new ValidationFailed(fieldErrors(parsed.error.issues));
  const { name, type, emailDomains } = parsed.data;
  return db.transaction().execute(async (tx) => {
    let agency = await findAgencyByName(tx, name);
    if (agency && agency.type !== type) {
      throw new ValidationFailed([{ field: 'type', message: `${agency.name} is already registered as type ${agency.type}` }]);
    }
    if (!agency) {
      agency = await tx.insertInto('agency').values({ name, type, email_domains: emailDomains })
        .returning(['id', 'name', 'type', 'email_domains']).executeTakeFirstOrThrow();
    }
    await tx.insertInto('agency_partnership').values({ agency_id: agency.id, partnership_id: partnershipId })
      .onConflict((oc) => oc.doNothing()).execute();
    return agency;
  });
}

export async function setAgencyEmailDomains(db: Db, partnershipId: number, agencyId: number, domains: unknown) {
  if (!(await findAgencyInPartnership(db, partnershipId, agencyId))) throw new NotFound();
  const parsed = newAgency.shape.emailDomains.safeParse(domains);
  if (!parsed.success) throw new ValidationFailed([{ field: 'emailDomains', message: parsed.error.issues[0]!.message }]);
  await db.updateTable('agency').set({ email_domains: parsed.data }).where('id', '=', agencyId).execute();
}
