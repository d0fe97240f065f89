import type { Db } from '../../db/create-db';
import { CalendarRangeError, addMonths, workingDaysBetween } from '../../domain/calendar';
import type { Mailer } from '../../platform/email';
import { Section11Conflict, cyclesDueToOpen, openCycle, today, type Opening } from './cycles.service';
import { dueSoonEmail, emailAgencyLeads, overdueEmail } from './emails';

/** A return not yet submitted this many working days before its due date has its leads reminded. */
export const DUE_SOON_WORKING_DAYS = 5;

export type Reminder = { returnId: string; partnershipId: number; cycle: string; agency: string; kind: 'due_soon' | 'overdue'; dueDate: string; emailed: string[] };
export type SweepOutcome = { opened: Opening[]; reminded: Reminder[] };

/**
 * Section 11's scheduled work, for every partnership: opens each planned cycle whose open date has come,
 * and reminds the leads of each agency whose return is not submitted, once when it is due within
 * DUE_SOON_WORKING_DAYS working days and once when it is overdue (the day after its due date). Each
 * reminder is claimed before it is sent, so two sweeps at once send it once; a return first seen after
 * its due date is told only that it is overdue.
 */
export async function section11Sweep(db: Db, mailer: Mailer, now: Date, opts: { publicUrl: string }): Promise<SweepOutcome> {
  const opened: Opening[] = [];
  for (const c of await cyclesDueToOpen(db, now)) {
    try {
      opened.push(await openCycle(db, mailer, c.partnership_id, c.id, null, now, opts));
    } catch (err) {
      // Opened by someone else since it was read.
      if (!(err instanceof Section11Conflict)) throw err;
    }
  }

  const day = today(now);
  // Five working days never span more than a fortnight, even over Christmas and Easter.
  const horizon = addMonths(day, 1);
  const candidates = await db.selectFrom('section11_return as r').innerJoin('section11_cycle as c', 'c.id', 'r.cycle_id')
    .innerJoin('agency as a', 'a.id', 'r.agency_id')
    .select(['r.id', 'r.partnership_id', 'r.agency_id', 'a.name as agency', 'c.name as cycle', 'c.due_date', 'r.due_soon_reminded_at', 'r.overdue_reminded_at'])
    .where('c.status', '=', 'open').where('r.status', '<>', 'submitted').where('r.overdue_reminded_at', 'is', null)
    .where((eb) => eb.or([eb('c.due_date', '<', day), eb.and([eb('r.due_soon_reminded_at', 'is', null), eb('c.due_date', '<=', horizon)])]))
    .orderBy('c.due_date').orderBy('r.id').execute();

  const reminded: Reminder[] = [];
  for (const r of candidates) {
    const kind = r.due_date < day ? 'overdue' : workingDaysUntil(day, r.due_date) <= DUE_SOON_WORKING_DAYS ? 'due_soon' : null;
    if (!kind) continue;
    const claim = db.updateTable('section11_return').where('id', '=', r.id).where('status', '<>', 'submitted').where('overdue_reminded_at', 'is', null);
    const claimed = kind === 'overdue'
      ? await claim.set((eb) => ({ overdue_reminded_at: now, due_soon_reminded_at: eb.fn.coalesce('due_soon_reminded_at', eb.val(now)) })).executeTakeFirst()
      : await claim.where('due_soon_reminded_at', 'is', null).set({ due_soon_reminded_at: now }).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    const about = { cycleName: r.cycle, agencyName: r.agency, dueDate: r.due_date, returnId: r.id, publicUrl: opts.publicUrl };
    const emailed = await emailAgencyLeads(db, mailer, r.partnership_id, r.agency_id, r.id, kind === 'overdue' ? overdueEmail(about) : dueSoonEmail(about));
    reminded.push({ returnId: r.id, partnershipId: r.partnership_id, cycle: r.cycle, agency: r.agency, kind, dueDate: r.due_date, emailed });
  }
  return { opened, reminded };
}

/** Working days from one date to another; past the years whose bank holidays are known, weekdays alone are counted. */
function workingDaysUntil(from: string, to: string): number {
  try {
    return workingDaysBetween(from, to);
  } catch (err) {
    if (!(err instanceof CalendarRangeError)) throw err;
    let n = 0;
    for (let d = Date.parse(`${from}T00:00:00Z`) + 86_400_000; d <= Date.parse(`${to}T00:00:00Z`); d += 86_400_000) {
      if (new Date(d).getUTCDay() % 6 !== 0) n++;
    }
    return n;
  }
}
