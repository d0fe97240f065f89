import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { Db } from '../../db/create-db';
import { COLUMNS_903, TABLES_903, type Table903 } from './ssda903.parser';
import { csvCell } from '../../platform/spreadsheet-safe';

/**
 * Writes the SSDA903 tables for one partnership and collection year from the journey's records,
 * whatever their source (entered, demo, or any return): the inverse of the importer, column for column.
 *
 * The return is the one the LA would have made at the year's reference date (31 March):
 * - its children are those looked after at some time in the year (an episode open between 1 April and
 *   31 March), and every table speaks only of them, except OC3, whose care leavers have left care;
 * - anything that started after 31 March had not happened and is left out; an end after it had not
 *   happened either, so the end date is left blank, with the reason that goes with it;
 * - each table holds what DfE asks of that year: episodes, social worker episodes and deprivation of
 *   liberty orders open in the year, reviews and missing periods in it, a decision to place for adoption
 *   in force during it, adoptions matched by its end, and OC2, OC3 and PrevPerm of that collection year.
 *
 * Files are CSV with CRLF line endings, as RFC 4180 has them and Excel writes them on Windows, where LA
 * returns teams open them before uploading to DfE; the importer reads either.
 */

/** The tables a year collects: SWEpisodes from 2023-24, DoLo from 2026-27. Files of other years are not written. */
const FIRST_YEAR: Partial<Record<Table903, number>> = { sw_episodes: 2023, dolo: 2026 };
/** From 2024-25 SEX is M/F/U; before it, 1 (male) and 2 (female). */
const FIRST_MFU_YEAR = 2024;
const SEX_CODES: Record<string, string> = { M: '1', F: '2' };
/** A child known only from a CIN census before 2024-25 has its GenderCurrent (1/2/0/9) and no sex. */
const GENDER_SEX: Record<string, string> = { 1: 'M', 2: 'F', 0: 'U', 9: 'U' };

type Cell = string | number | boolean | null;

export async function export903(db: Db, input: { partnershipId: number; collectionYear: number; outDir: string }): Promise<Record<Table903, number>> {
  const { partnershipId: pid, collectionYear: year } = input;
  const start = `${year}-04-01`;
  const end = `${year + 1}-03-31`;
  /** A date as it stood on 31 March: a later one had not happened. */
  const asAt = (d: string | null) => (d !== null && d <= end ? d : null);

  // Children looked after at some time in the year.
  const looked = db.selectFrom('cla_episode').select('child_id').where('partnership_id', '=', pid)
    .where('start_date', '<=', end).where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', start)]));

  const sexOf = (c: { sex: string | null; gender_current: string | null }) => {
    const s = c.sex ?? (c.gender_current === null ? null : GENDER_SEX[c.gender_current] ?? null);
    return s !== null && year < FIRST_MFU_YEAR ? SEX_CODES[s] ?? s : s;
  };
  const yesNo = (b: boolean | null) => (b === null ? null : b ? '1' : '0');
  const rows: Partial<Record<Table903, Cell[][]>> = {};

  rows.header = (await db.selectFrom('child as c').selectAll('c').where('c.partnership_id', '=', pid).where('c.id', 'in', looked).orderBy('c.la_child_id').execute())
    .map((c) => [c.la_child_id, sexOf(c), date(c.date_of_birth), c.ethnicity, c.upn ?? c.upn_unknown, yesNo(c.is_mother), date(c.mother_child_dob)]);

  rows.uasc = (await db.selectFrom('child as c').selectAll('c').where('c.partnership_id', '=', pid).where('c.id', 'in', looked).where('c.uasc', '=', true)
    .orderBy('c.la_child_id').execute())
    .map((c) => [c.la_child_id, sexOf(c), date(c.date_of_birth), date(c.uasc_ceased_date)]);

  rows.episodes = (await db.selectFrom('cla_episode as r').innerJoin('child as c', 'c.id', 'r.child_id').where('c.partnership_id', '=', pid).selectAll('r').select('c.la_child_id').where('r.start_date', '<=', end)
    .where((eb) => eb.or([eb('r.end_date', 'is', null), eb('r.end_date', '>=', start)])).orderBy('c.la_child_id').orderBy('r.start_date').execute())
    .map((e) => {
      const ended = asAt(e.end_date) !== null;
      return [e.la_child_id, date(e.start_date), e.reason_new_episode, e.legal_status, e.category_of_need, e.placement_type, e.placement_provider,
        ended ? date(e.end_date) : null, ended ? e.reason_ceased : null, ended ? e.reason_place_change : null, e.home_postcode, e.placement_postcode, e.urn];
    });

  rows.reviews = (await db.selectFrom('cla_review as r').innerJoin('child as c', 'c.id', 'r.child_id').where('c.partnership_id', '=', pid).selectAll('r').select(['c.la_child_id', 'c.date_of_birth']).where('c.id', 'in', looked)
    .where('r.review_date', '>=', start).where('r.review_date', '<=', end).orderBy('c.la_child_id').orderBy('r.review_date').execute())
    .map((r) => [r.la_child_id, date(r.date_of_birth), date(r.review_date), r.review_code]);

  rows.oc2 = (await db.selectFrom('cla_outcome as r').innerJoin('child as c', 'c.id', 'r.child_id').where('c.partnership_id', '=', pid).selectAll('r').select(['c.la_child_id', 'c.date_of_birth']).where('c.id', 'in', looked).where('r.collection_year', '=', year)
    .orderBy('c.la_child_id').execute())
    .map((o) => [o.la_child_id, date(o.date_of_birth), o.sdq_score, o.sdq_reason, yesNo(o.convicted), yesNo(o.health_check), yesNo(o.immunisations),
      yesNo(o.teeth_check), yesNo(o.health_assessment), yesNo(o.substance_misuse), yesNo(o.intervention_received), yesNo(o.intervention_offered)]);

  // Care leavers have left care, so OC3 is not limited to the year's children.
  rows.oc3 = (await db.selectFrom('care_leaver as r').innerJoin('child as c', 'c.id', 'r.child_id').where('c.partnership_id', '=', pid).selectAll('r').select(['c.la_child_id', 'c.date_of_birth']).where('r.collection_year', '=', year)
    .orderBy('c.la_child_id').execute())
    .map((o) => [o.la_child_id, date(o.date_of_birth), o.in_touch, o.activity, o.accommodation]);

  rows.ad1 = (await db.selectFrom('adoption as r').innerJoin('child as c', 'c.id', 'r.child_id').where('c.partnership_id', '=', pid).selectAll('r').select(['c.la_child_id', 'c.date_of_birth']).where('c.id', 'in', looked).where('r.date_int', '<=', end)
    .orderBy('c.la_child_id').orderBy('r.date_int').execute())
    .map((a) => [a.la_child_id, date(a.date_of_birth), date(a.date_int), date(asAt(a.date_match)), yesNo(a.foster_care), a.nb_adoptr, a.sex_adoptr, a.ls_adoptr]);

  rows.placed_for_adoption = (await db.selectFrom('placed_for_adoption as r').innerJoin('child as c', 'c.id', 'r.child_id').where('c.partnership_id', '=', pid).selectAll('r').select(['c.la_child_id', 'c.date_of_birth']).where('c.id', 'in', looked)
    .where('r.decision_date', '<=', end).where((eb) => eb.or([eb('r.ceased_date', 'is', null), eb('r.ceased_date', '>=', start)]))
    .orderBy('c.la_child_id').orderBy('r.decision_date').execute())
    .map((p) => {
      const ceased = asAt(p.ceased_date);
      return [p.la_child_id, date(p.date_of_birth), date(p.decision_date), date(ceased), ceased === null ? null : p.reason_ceased];
    });

  rows.previous_permanence = (await db.selectFrom('previous_permanence as r').innerJoin('child as c', 'c.id', 'r.child_id').where('c.partnership_id', '=', pid).selectAll('r').select(['c.la_child_id', 'c.date_of_birth']).where('c.id', 'in', looked)
    .where('r.collection_year', '=', year).orderBy('c.la_child_id').execute())
    .map((p) => [p.la_child_id, date(p.date_of_birth), p.prev_perm, p.la_perm, p.date_perm]);

  rows.missing = (await db.selectFrom('missing_episode as r').innerJoin('child as c', 'c.id', 'r.child_id').where('c.partnership_id', '=', pid).selectAll('r').select(['c.la_child_id', 'c.date_of_birth']).where('c.id', 'in', looked)
    .where('r.start_date', '>=', start).where('r.start_date', '<=', end).orderBy('c.la_child_id').orderBy('r.start_date').execute())
    .map((m) => [m.la_child_id, date(m.date_of_birth), m.missing_type, date(m.start_date), date(asAt(m.end_date))]);

  rows.sw_episodes = (await db.selectFrom('sw_episode as r').innerJoin('child as c', 'c.id', 'r.child_id').where('c.partnership_id', '=', pid).selectAll('r').select(['c.la_child_id', 'c.date_of_birth']).where('c.id', 'in', looked)
    .where('r.start_date', '<=', end).where((eb) => eb.or([eb('r.end_date', 'is', null), eb('r.end_date', '>=', start)]))
    .orderBy('c.la_child_id').orderBy('r.start_date').orderBy('r.sw_id').execute())
    .map((s) => {
      const ended = asAt(s.end_date);
      return [s.la_child_id, date(s.date_of_birth), s.sw_id, date(s.start_date), date(ended), ended === null ? null : s.reason];
    });

  rows.dolo = (await db.selectFrom('deprivation_of_liberty as r').innerJoin('child as c', 'c.id', 'r.child_id').where('c.partnership_id', '=', pid).selectAll('r').select(['c.la_child_id', 'c.date_of_birth']).where('c.id', 'in', looked)
    .where('r.start_date', '<=', end).where((eb) => eb.or([eb('r.end_date', 'is', null), eb('r.end_date', '>=', start)]))
    .orderBy('c.la_child_id').orderBy('r.start_date').execute())
    .map((d) => [d.la_child_id, date(d.date_of_birth), date(d.start_date), date(asAt(d.end_date))]);

  const written = {} as Record<Table903, number>;
  for (const table of TABLES_903) {
    const collected = (FIRST_YEAR[table] ?? 0) <= year;
    written[table] = collected ? await writeCsv(path.join(input.outDir, `${table}.csv`), COLUMNS_903[table], rows[table] ?? []) : 0;
  }
  return written;
}

/** YYYY-MM-DD as the 903's dd/mm/yyyy. */
const date = (iso: string | null) => (iso === null ? null : `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`);


async function writeCsv(file: string, columns: readonly string[], rows: Cell[][]): Promise<number> {
  const out = fs.createWriteStream(file);
  const line = (cells: readonly Cell[]) => `${cells.map(csvCell).join(',')}\r\n`;
  if (!out.write(line(columns))) await once(out, 'drain');
  for (const row of rows) if (!out.write(line(row))) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  return rows.length;
}
