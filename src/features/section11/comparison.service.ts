import type { Db } from '../../db/create-db';
import type { Section11Rating, Section11ReturnStatus, Section11Scoring } from '../../db/schema-section11';
import { csvCell } from '../../platform/spreadsheet-safe';
import { findCycle, type Cycle } from './cycles.service';
import { BANDS, RATINGS, RETURN_STATUS_LABELS, bandOf, isBelowGood, ratingText, type Band } from './ratings';

/**
 * Section 11 across agencies and across cycles. A standard's rating here is the one agreed at peer
 * challenge where there is one, otherwise the agency's own; only submitted returns count, as a draft
 * may still change.
 */

export type Cell = { rating: Section11Rating; agreed: Section11Rating | null; selfAssessed: Section11Rating };
export type ComparisonStandard = { standardId: number; number: number; title: string; counts: Record<string, number>; answered: number; belowGood: number };
export type ComparisonAgency = { agencyId: number; name: string; returnId: string; status: Section11ReturnStatus };

export type Comparison = {
  cycle: Cycle;
  standards: ComparisonStandard[];
  agencies: ComparisonAgency[];
  /** By `${agencyId}:${standardId}`, for submitted returns only. */
  cells: Record<string, Cell>;
  invited: number;
  submitted: number;
};

export async function cycleComparison(db: Db, partnershipId: number, cycleId: number | string): Promise<Comparison> {
  const cycle = await findCycle(db, partnershipId, cycleId);
  const [standards, returns, answers] = await Promise.all([
    db.selectFrom('section11_cycle_standard').select(['standard_id', 'number', 'title'])
      .where('cycle_id', '=', cycle.id).where('partnership_id', '=', partnershipId).orderBy('number').execute(),
    db.selectFrom('section11_return as r').innerJoin('agency as a', 'a.id', 'r.agency_id')
      .select(['r.id', 'r.agency_id', 'a.name', 'r.status'])
      .where('r.cycle_id', '=', cycle.id).where('r.partnership_id', '=', partnershipId).orderBy('a.name').execute(),
    db.selectFrom('section11_answer as x').innerJoin('section11_return as r', 'r.id', 'x.return_id')
      .select(['r.agency_id', 'x.standard_id', 'x.rating', 'x.agreed_rating'])
      .where('r.cycle_id', '=', cycle.id).where('r.partnership_id', '=', partnershipId).where('x.partnership_id', '=', partnershipId)
      .where('r.status', '=', 'submitted').where('x.rating', 'is not', null).execute(),
  ]);
  const cells: Record<string, Cell> = {};
  for (const a of answers) {
    cells[`${a.agency_id}:${a.standard_id}`] = { rating: a.agreed_rating ?? a.rating!, agreed: a.agreed_rating, selfAssessed: a.rating! };
  }
  return {
    cycle,
    standards: standards.map((s) => {
      const counts: Record<string, number> = Object.fromEntries(RATINGS[cycle.scoring].map((r) => [r, 0]));
      let belowGood = 0;
      let answered = 0;
      for (const r of returns) {
        const cell = cells[`${r.agency_id}:${s.standard_id}`];
        if (!cell) continue;
        answered++;
        counts[cell.rating] = (counts[cell.rating] ?? 0) + 1;
        if (isBelowGood(cell.rating)) belowGood++;
      }
      return { standardId: s.standard_id, number: s.number, title: s.title, counts, answered, belowGood };
    }),
    agencies: returns.map((r) => ({ agencyId: r.agency_id, name: r.name, returnId: r.id, status: r.status })),
    cells,
    invited: returns.length,
    submitted: returns.filter((r) => r.status === 'submitted').length,
  };
}

export type Section11Summary = {
  cycle: { id: number; name: string; scoring: Section11Scoring; openDate: string; dueDate: string; status: Cycle['status'] };
  invited: number;
  submitted: number;
  /** Each standard's ratings (agreed where agreed) across the submitted returns. */
  standards: { number: number; title: string; counts: Record<string, number>; answered: number; belowGood: number }[];
  /** The standards most often rated below good, most first (ties by number), those never below good left out. */
  mostOftenBelowGood: { number: number; title: string; belowGood: number; answered: number }[];
};

/** A cycle in figures, for the annual report. */
export async function section11Summary(db: Db, partnershipId: number, cycleId: number | string, opts: { top?: number } = {}): Promise<Section11Summary> {
  const c = await cycleComparison(db, partnershipId, cycleId);
  const standards = c.standards.map(({ number, title, counts, answered, belowGood }) => ({ number, title, counts, answered, belowGood }));
  return {
    cycle: { id: c.cycle.id, name: c.cycle.name, scoring: c.cycle.scoring, openDate: c.cycle.openDate, dueDate: c.cycle.dueDate, status: c.cycle.status },
    invited: c.invited,
    submitted: c.submitted,
    standards,
    mostOftenBelowGood: standards.filter((s) => s.belowGood > 0)
      .sort((a, b) => b.belowGood - a.belowGood || a.number - b.number)
      .slice(0, opts.top ?? 3)
      .map(({ number, title, belowGood, answered }) => ({ number, title, belowGood, answered })),
  };
}

// ---- Across cycles ----

export type CycleDistribution = {
  cycleId: number; name: string; scoring: Section11Scoring; submitted: number; invited: number;
  bands: Record<Band, number>; total: number; goodShare: number | null;
};

export type AgencyHistory = {
  cycles: { id: number; name: string; scoring: Section11Scoring }[];
  /** Every standard the agency was asked about, by its current number and title (retired ones too). */
  standards: { standardId: number; number: number; title: string; retired: boolean; ratings: Record<number, Cell | null> }[];
};

/** The partnership's cycles that have opened, oldest first, each with the bands of its submitted returns' ratings. */
export async function distributionByCycle(db: Db, partnershipId: number): Promise<CycleDistribution[]> {
  const cycles = await db.selectFrom('section11_cycle as c')
    .select(['c.id', 'c.name', 'c.scoring'])
    .select((eb) => [
      eb.selectFrom('section11_return as r').select((x) => x.fn.countAll<string>().as('n')).whereRef('r.cycle_id', '=', 'c.id').as('invited'),
      eb.selectFrom('section11_return as r').select((x) => x.fn.countAll<string>().as('n')).whereRef('r.cycle_id', '=', 'c.id').where('r.status', '=', 'submitted').as('submitted'),
    ])
    .where('c.partnership_id', '=', partnershipId).where('c.status', '<>', 'planned')
    .orderBy('c.open_date').orderBy('c.id').execute();
  const ratings = await db.selectFrom('section11_answer as x').innerJoin('section11_return as r', 'r.id', 'x.return_id')
    .select(['r.cycle_id', 'x.rating', 'x.agreed_rating'])
    .where('r.partnership_id', '=', partnershipId).where('x.partnership_id', '=', partnershipId)
    .where('r.status', '=', 'submitted').where('x.rating', 'is not', null).execute();
  return cycles.map((c) => {
    const bands = Object.fromEntries(BANDS.map((b) => [b, 0])) as Record<Band, number>;
    for (const r of ratings) if (r.cycle_id === c.id) bands[bandOf(r.agreed_rating ?? r.rating!)] += 1;
    const total = BANDS.reduce((s, b) => s + bands[b], 0);
    return {
      cycleId: c.id, name: c.name, scoring: c.scoring, invited: Number(c.invited ?? 0), submitted: Number(c.submitted ?? 0),
      bands, total, goodShare: total ? Math.round((bands.good / total) * 100) : null,
    };
  });
}

/** One agency's rating of each standard in each cycle it submitted a return to, oldest cycle first. */
export async function agencyHistory(db: Db, partnershipId: number, agencyId: number): Promise<AgencyHistory> {
  const cycles = await db.selectFrom('section11_cycle as c').innerJoin('section11_return as r', 'r.cycle_id', 'c.id')
    .select(['c.id', 'c.name', 'c.scoring', 'r.id as return_id', 'r.status'])
    .where('c.partnership_id', '=', partnershipId).where('r.partnership_id', '=', partnershipId).where('r.agency_id', '=', agencyId)
    .orderBy('c.open_date').orderBy('c.id').execute();
  if (cycles.length === 0) return { cycles: [], standards: [] };
  const [asked, answers] = await Promise.all([
    db.selectFrom('section11_cycle_standard as cs').innerJoin('section11_standard as s', 's.id', 'cs.standard_id')
      .select(['s.id', 's.number', 's.title', 's.retired_at']).distinct()
      .where('cs.partnership_id', '=', partnershipId).where('cs.cycle_id', 'in', cycles.map((c) => c.id))
      .orderBy('s.number').execute(),
    db.selectFrom('section11_answer as x').innerJoin('section11_return as r', 'r.id', 'x.return_id')
      .select(['r.cycle_id', 'x.standard_id', 'x.rating', 'x.agreed_rating'])
      .where('r.partnership_id', '=', partnershipId).where('x.partnership_id', '=', partnershipId).where('r.agency_id', '=', agencyId)
      .where('r.status', '=', 'submitted').where('x.rating', 'is not', null).execute(),
  ]);
  return {
    cycles: cycles.map((c) => ({ id: c.id, name: c.name, scoring: c.scoring })),
    standards: asked.map((s) => ({
      standardId: s.id, number: s.number, title: s.title, retired: s.retired_at !== null,
      ratings: Object.fromEntries(cycles.map((c) => {
        const a = answers.find((x) => x.cycle_id === c.id && x.standard_id === s.id);
        return [c.id, a ? { rating: a.agreed_rating ?? a.rating!, agreed: a.agreed_rating, selfAssessed: a.rating! } : null];
      })),
    })),
  };
}

// ---- CSV ----

const CSV_HEAD = ['Cycle', 'Agency', 'Return', 'Standard number', 'Standard', 'Self-assessed', 'Agreed', 'Rating used', 'Band'];

/**
 * One line per agency and standard of each cycle given, as a spreadsheet likes it (to pivot as it
 * pleases): ratings only for submitted returns. Every cell through csvCell, so none runs as a formula.
 */
export async function comparisonCsv(db: Db, partnershipId: number, cycleIds: number[]): Promise<string> {
  const lines = [CSV_HEAD.map(csvCell).join(',')];
  for (const id of cycleIds) {
    const c = await cycleComparison(db, partnershipId, id);
    for (const a of c.agencies) {
      for (const s of c.standards) {
        const cell = c.cells[`${a.agencyId}:${s.standardId}`];
        lines.push([
          c.cycle.name, a.name, RETURN_STATUS_LABELS[a.status], s.number, s.title,
          cell ? ratingText(cell.selfAssessed) : null, cell?.agreed ? ratingText(cell.agreed) : null,
          cell ? ratingText(cell.rating) : null, cell ? { good: 'Good or better', requires_improvement: 'Requires improvement', inadequate: 'Inadequate' }[bandOf(cell.rating)] : null,
        ].map(csvCell).join(','));
      }
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
