import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import { collectionYearOf } from '../../domain/codes';
import { readCinCensus, type CinChildRecord, type CinParseSummary } from './cin-census.parser';

/**
 * Imports a CIN census return into the journey's records, in one transaction: a file that fails writes
 * nothing. Records are matched on the returns' natural keys (a child by LA child id, a referral by its
 * date, a plan or assessment by its start date). A return is authoritative for its own collection year
 * only, so a record is updated only by a return of the same or a later year, and nothing the file does
 * not hold is deleted. Importing the same file twice changes nothing.
 */

export class ImportRejected extends Error {}

type Counts = Record<string, { created: number; updated: number; unchanged: number }>;

export type CinImportResult = { runId: string; collectionYear: number; children: number; episodes: number; counts: Counts; unknownElements: Record<string, number> };

type Tx = Db;
type Row = Record<string, unknown>;

/** Inserts the record, or updates it when this return is at least as recent as the one that wrote it and something differs. */
async function merge(tx: Tx, table: string, key: Row, values: Row, year: number, partnershipId: number, counts: Counts): Promise<string> {
  const c = (counts[table] ??= { created: 0, updated: 0, unchanged: 0 });
  const t = table as 'referral';
  let q = tx.selectFrom(t).selectAll().where('partnership_id', '=', partnershipId);
  for (const [k, v] of Object.entries(key)) q = q.where(k as 'id', '=', v as string);
  const existing = (await q.executeTakeFirst()) as Row | undefined;
  if (!existing) {
    const created = await tx.insertInto(t).values({ ...key, ...values, partnership_id: partnershipId, source: 'cin', source_year: year } as never)
      .returning('id').executeTakeFirstOrThrow();
    c.created++;
    return created.id;
  }
  const older = existing.source_year === null || Number(existing.source_year) <= year;
  const differs = Object.entries(values).some(([k, v]) => JSON.stringify(existing[k] ?? null) !== JSON.stringify(v ?? null));
  if (older && differs) {
    await tx.updateTable(t).set({ ...values, source: 'cin', source_year: year, version: sql`version + 1`, updated_at: new Date() } as never)
      .where('id', '=', existing.id as string).execute();
    c.updated++;
  } else c.unchanged++;
  return existing.id as string;
}

function need<T>(value: T | null, what: string, where: string): T {
  if (value === null || value === undefined) throw new ImportRejected(`${where}: ${what} is missing, so the record cannot be matched`);
  return value;
}

async function importChild(tx: Tx, partnershipId: number, year: number, record: CinChildRecord, counts: Counts) {
  const { child, line } = record;
  const where = `Line ${line}, child ${child.laChildId ?? '(no LAchildID)'}`;
  const laChildId = need(child.laChildId, 'LAchildID (rule 8500)', `Line ${line}`);
  const childId = await merge(tx, 'child', { la_child_id: laChildId }, {
    upn: child.upn, former_upn: child.formerUpn, upn_unknown: child.upnUnknown, date_of_birth: child.birthDate,
    expected_birth_date: child.expectedBirthDate, sex: child.sex, gender_current: child.genderCurrent, death_date: child.deathDate,
    ethnicity: child.ethnicity, disabilities: child.disabilities,
  }, year, partnershipId, counts);
  for (const e of child.episodes) {
    const referralDate = need(e.referralDate, 'CINreferralDate', where);
    const episodeWhere = `${where}, referral of ${referralDate}`;
    const referralId = await merge(tx, 'referral', { child_id: childId, referral_date: referralDate }, {
      referral_source: e.referralSource, primary_need: e.primaryNeed, referral_nfa: e.referralNfa, closure_date: e.closureDate, closure_reason: e.reasonForClosure,
    }, year, partnershipId, counts);
    for (const a of e.assessments) {
      await merge(tx, 'assessment', { referral_id: referralId, start_date: need(a.startDate, 'AssessmentActualStartDate', episodeWhere) },
        { internal_review_date: a.internalReviewDate, authorisation_date: a.authorisationDate, factors: a.factors }, year, partnershipId, counts);
    }
    for (const p of e.cinPlans) {
      await merge(tx, 'cin_plan', { referral_id: referralId, start_date: need(p.startDate, 'CINPlanStartDate', episodeWhere) }, { end_date: p.endDate }, year, partnershipId, counts);
    }
    for (const s of e.section47s) {
      await merge(tx, 's47_enquiry', { referral_id: referralId, start_date: need(s.startDate, 'S47ActualStartDate', episodeWhere) },
        { initial_cpc_target: s.initialCpcTarget, icpc_not_required: s.icpcNotRequired }, year, partnershipId, counts);
      if (s.dateOfInitialCpc) await merge(tx, 'initial_conference', { referral_id: referralId, conference_date: s.dateOfInitialCpc }, {}, year, partnershipId, counts);
    }
    if (e.dateOfInitialCpc) await merge(tx, 'initial_conference', { referral_id: referralId, conference_date: e.dateOfInitialCpc }, {}, year, partnershipId, counts);
    for (const p of e.cpPlans) {
      const planId = await merge(tx, 'cp_plan', { referral_id: referralId, start_date: need(p.startDate, 'CPPstartDate', episodeWhere) }, {
        end_date: p.endDate, initial_category: p.initialCategory, latest_category: p.latestCategory, previous_plans: p.previousPlans,
      }, year, partnershipId, counts);
      for (const review of p.reviews) await merge(tx, 'cp_plan_review', { cp_plan_id: planId, review_date: review }, {}, year, partnershipId, counts);
    }
  }
}

/** A database refusal (a closure before its referral, say) as a message naming the child and the line. */
function explain(err: unknown, record: CinChildRecord): Error {
  if (err instanceof ImportRejected) return err;
  const e = err as { code?: string; constraint?: string; message: string };
  if (e.code?.startsWith('23')) return new ImportRejected(`Line ${record.line}, child ${record.child.laChildId}: the records break a rule (${e.constraint ?? e.message})`);
  return err as Error;
}

export async function importCinCensus(
  db: Db, input: { partnershipId: number; laCode: string; fileName: string; open: () => Readable; importedBy: string; onChild?: (n: number) => void },
): Promise<CinImportResult> {
  const startedAt = new Date();
  // The file is read twice, both times as a stream: once for its fingerprint, once to import it.
  const hash = crypto.createHash('sha256');
  for await (const chunk of input.open()) hash.update(chunk as Buffer);
  const fileHash = hash.digest('hex');
  const counts: Counts = {};
  let collectionYear: number | null = null;
  let summary: CinParseSummary;
  const record = async (outcome: 'succeeded' | 'failed', error: string | null, result: Row) =>
    (await db.insertInto('import_run').values({
      partnership_id: input.partnershipId, kind: 'cin', file_name: input.fileName, file_hash: fileHash, collection_year: collectionYear,
      outcome, counts: JSON.stringify(result), error, imported_by: input.importedBy, started_at: startedAt, finished_at: new Date(),
    }).returning('id').executeTakeFirstOrThrow()).id;
  try {
    summary = await db.transaction().execute(async (tx) => {
      let n = 0;
      return readCinCensus(input.open(), async (r) => {
        if (collectionYear === null) {
          if (r.header.la && r.header.la !== input.laCode) throw new ImportRejected(`The file is the return of LA ${r.header.la}, not ${input.laCode}`);
          const reference = need(r.header.referenceDate, 'the header’s ReferenceDate', 'Header');
          collectionYear = collectionYearOf(reference);
        }
        try {
          await importChild(tx, input.partnershipId, collectionYear, r, counts);
        } catch (err) {
          throw explain(err, r);
        }
        input.onChild?.(++n);
      });
    });
  } catch (err) {
    await record('failed', (err as Error).message, counts);
    throw err;
  }
  const result = { children: summary.children, episodes: summary.episodes, counts, unknownElements: summary.unknownElements };
  const runId = await record('succeeded', null, result);
  return { runId, collectionYear: collectionYear!, ...result };
}
