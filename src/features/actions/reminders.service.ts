import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import { londonParts } from '../../domain/london';
import { EmailRefused, type Mailer } from '../../platform/email';
import { addDays } from './tracker.service';

/**
 * Reminders of overdue actions and of actions due within the week, by email. Each action is reminded at
 * most once in 7 days: the sweep marks the actions it reminds, so running it hourly (or twice at once)
 * sends nothing twice. Each person gets one email listing their actions: the owner if the action names a
 * person in Beacon, otherwise the owner agency's safeguarding leads in that partnership. An email names
 * no child: references, the actions' descriptions, due dates and links.
 */

export const REMIND_EVERY_DAYS = 7;
export const REMIND_BEFORE_DAYS = 7;

export type Reminded = { actionId: string; partnershipId: number; reference: string; kind: 'overdue' | 'due_soon'; dueDate: string; emailed: string[] };
export type ReminderEmail = { to: string; partnershipId: number; actions: number };
export type ReminderRun = { reminded: Reminded[]; emails: ReminderEmail[]; noOneToRemind: { actionId: string; partnershipId: number; reference: string }[] };

type Candidate = {
  id: string; partnership_id: number; partnership: string; reference: string; description: string; due_date: string;
  owner_agency_id: number; owner_user_id: number | null; last_reminded_at: Date | null;
};

const longDate = (iso: string) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

export async function remindActions(db: Db, mailer: Mailer, now: Date, opts: { publicUrl?: string; partnershipId?: number } = {}): Promise<ReminderRun> {
  const base = opts.publicUrl ?? '';
  const today = londonParts(now).date;
  const cutoff = new Date(now.getTime() - REMIND_EVERY_DAYS * 86_400_000);
  let q = db.selectFrom('action').innerJoin('partnership as p', 'p.id', 'action.partnership_id')
    .select(['action.id', 'action.partnership_id', 'p.name as partnership', 'action.reference', 'action.description', 'action.due_date',
      'action.owner_agency_id', 'action.owner_user_id', 'action.last_reminded_at'])
    .where('action.status', 'in', ['open', 'in_progress'])
    .where('action.due_date', '<=', addDays(today, REMIND_BEFORE_DAYS))
    .where((eb) => eb.or([eb('action.last_reminded_at', 'is', null), eb('action.last_reminded_at', '<=', cutoff)]));
  if (opts.partnershipId !== undefined) q = q.where('action.partnership_id', '=', opts.partnershipId);
  const candidates: Candidate[] = await q.orderBy('action.due_date').orderBy('action.reference').execute();
  const run: ReminderRun = { reminded: [], emails: [], noOneToRemind: [] };
  if (candidates.length === 0) return run;

  const recipients = await recipientsOf(db, candidates);
  const withSomeone = candidates.filter((c) => (recipients.get(c.id) ?? []).length > 0);
  run.noOneToRemind = candidates.filter((c) => !recipients.get(c.id)?.length).map((c) => ({ actionId: c.id, partnershipId: c.partnership_id, reference: c.reference }));
  if (withSomeone.length === 0) return run;

  // Claimed in one statement: a sweep running at the same time finds them reminded and leaves them.
  const claimed = new Set((await db.updateTable('action').set({ last_reminded_at: now })
    .where('id', 'in', withSomeone.map((c) => c.id))
    .where('status', 'in', ['open', 'in_progress'])
    .where((eb) => eb.or([eb('last_reminded_at', 'is', null), eb('last_reminded_at', '<=', cutoff)]))
    .returning('id').execute()).map((r) => r.id));

  // One email for each person in each partnership, their actions overdue first.
  const byPerson = new Map<string, { to: string; name: string; partnershipId: number; partnership: string; actions: Candidate[] }>();
  for (const c of withSomeone) {
    if (!claimed.has(c.id)) continue;
    for (const r of recipients.get(c.id)!) {
      const key = `${c.partnership_id} ${r.email}`;
      const entry = byPerson.get(key) ?? { to: r.email, name: r.name, partnershipId: c.partnership_id, partnership: c.partnership, actions: [] };
      entry.actions.push(c);
      byPerson.set(key, entry);
    }
  }
  const emailed = new Map<string, string[]>();
  for (const p of byPerson.values()) {
    const overdue = p.actions.filter((a) => a.due_date < today);
    const soon = p.actions.filter((a) => a.due_date >= today);
    const line = (a: Candidate) => {
      const days = daysBetween(today, a.due_date);
      const when = days < 0 ? `${plural(-days, 'day', 'days')} overdue` : days === 0 ? 'due today' : `due in ${plural(days, 'day', 'days')}`;
      const text = a.description.length > 300 ? `${a.description.slice(0, 299)}…` : a.description;
      return [`- ${a.reference}: ${text}`, `  Due ${longDate(a.due_date)} (${when})`, `  ${base}/actions/${a.id}`].join('\n');
    };
    const body = [
      `Hello ${p.name},`,
      '',
      `These actions of ${p.partnership} are owned by you or your agency and need an update in Beacon.`,
      ...(overdue.length ? ['', `Overdue (${overdue.length})`, '', ...overdue.map(line)] : []),
      ...(soon.length ? ['', `Due within ${REMIND_BEFORE_DAYS} days (${soon.length})`, '', ...soon.map(line)] : []),
      '',
      'Open each action to record its progress, or to complete it with the evidence that it is done.',
      `You are reminded of an action at most once every ${REMIND_EVERY_DAYS} days while it is overdue or due soon.`,
    ].join('\n');
    const subject = [overdue.length ? `${plural(overdue.length, 'action', 'actions')} overdue` : '', soon.length ? `${plural(soon.length, 'action', 'actions')} due soon` : '']
      .filter(Boolean).join(', ');
    try {
      await mailer.send(db, { to: p.to, subject: `Partnership actions: ${subject}`, body, partnershipId: p.partnershipId, record: { type: 'action', id: p.actions[0]!.id } });
    } catch (err) {
      if (!(err instanceof EmailRefused)) throw err;
      continue;
    }
    run.emails.push({ to: p.to, partnershipId: p.partnershipId, actions: p.actions.length });
    for (const a of p.actions) emailed.set(a.id, [...(emailed.get(a.id) ?? []), p.to]);
  }
  for (const c of withSomeone) {
    if (!claimed.has(c.id)) continue;
    run.reminded.push({ actionId: c.id, partnershipId: c.partnership_id, reference: c.reference, kind: c.due_date < today ? 'overdue' : 'due_soon', dueDate: c.due_date, emailed: emailed.get(c.id) ?? [] });
  }
  return run;
}

/** Each action's people to remind: its owner if they are an active member of the partnership, else the owner agency's leads there. */
async function recipientsOf(db: Db, actions: Candidate[]): Promise<Map<string, { email: string; name: string }[]>> {
  const partnerships = [...new Set(actions.map((a) => a.partnership_id))];
  const people = await db.selectFrom('app_user as u').innerJoin('membership as m', 'm.user_id', 'u.id')
    .select(['u.id', 'u.email', 'u.name', 'u.agency_id', 'm.partnership_id', sql<boolean>`bool_or(m.role = 'agency_lead')`.as('lead')])
    .where('u.status', '=', 'active').where('m.partnership_id', 'in', partnerships)
    .where((eb) => eb.or([
      eb('u.id', 'in', [0, ...actions.flatMap((a) => (a.owner_user_id ? [a.owner_user_id] : []))]),
      eb.and([eb('m.role', '=', 'agency_lead'), eb('u.agency_id', 'in', [...new Set(actions.map((a) => a.owner_agency_id))])]),
    ]))
    .groupBy(['u.id', 'u.email', 'u.name', 'u.agency_id', 'm.partnership_id']).orderBy('u.email').execute();
  const out = new Map<string, { email: string; name: string }[]>();
  for (const a of actions) {
    const owner = a.owner_user_id ? people.find((p) => p.id === a.owner_user_id && p.partnership_id === a.partnership_id) : undefined;
    const leads = people.filter((p) => p.lead && p.agency_id === a.owner_agency_id && p.partnership_id === a.partnership_id);
    out.set(a.id, (owner ? [owner] : leads).map((p) => ({ email: p.email, name: p.name })));
  }
  return out;
}
