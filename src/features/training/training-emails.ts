import type { Db } from '../../db/create-db';
import type { CourseDelivery } from '../../db/schema-training';
import { EmailRefused, type Email, type Mailer } from '../../platform/email';
import { invitationAttachment, type Invitation } from './ics';

/**
 * The emails of training booking: a confirmed place (with a calendar invitation), a place on the waiting
 * list, a place given from the waiting list (with the invitation), a cancellation (with the calendar's
 * cancellation when a place had been confirmed), an updated session, and the reminder. They name the person
 * booked and the course, never a child.
 */

export type TrainingMail = {
  mailer: Mailer;
  /** The service's address, for links in the emails. */
  publicUrl: string;
  /** The address invitations come from: the calendar shows it as the organiser. */
  mailFrom: string;
};

/** What an email needs to know of the session and the person. */
export type MailSession = {
  id: string; partnershipId: number; partnershipName: string; courseTitle: string; delivery: CourseDelivery;
  startsAt: Date; endsAt: Date; venue: string | null; joiningLink: string | null; trainers: string; version: number;
};
export type MailPerson = { bookingId: string; name: string; email: string };

const whenFormat = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London',
});
const dayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });

/** "Tuesday 14 July 2026", London time. */
export const dayText = (d: Date) => dayFormat.format(d).replace(/^(\w+), /, '$1 ');
/** "Tuesday 14 July 2026 at 09:30", London time. */
export const whenText = (d: Date) => whenFormat.format(d).replace(/^(\w+), /, '$1 ').replace(/,? (?:at )?(\d\d:\d\d)$/, ' at $1');

/** When and where, as the emails and pages say it. */
export function sessionWhen(s: { delivery: CourseDelivery; startsAt: Date; endsAt: Date }): string {
  if (s.delivery === 'e_learning') return `E-learning: enrol from ${dayText(s.startsAt)}, complete by ${dayText(s.endsAt)}`;
  return `${dayText(s.startsAt)}, ${timeFormat.format(s.startsAt)} to ${timeFormat.format(s.endsAt)}`;
}

export function sessionWhere(s: { delivery: CourseDelivery; venue: string | null; joiningLink: string | null }): string {
  if (s.delivery === 'face_to_face') return `Venue: ${s.venue ?? 'to be confirmed'}`;
  if (s.delivery === 'virtual') return `Joining link: ${s.joiningLink ?? 'to be confirmed'}`;
  return 'Online, at your own pace';
}

/** The bare address of "Name <address>". */
const addressOf = (from: string) => /<([^>]+)>/.exec(from)?.[1] ?? from;

/** The calendar event of a booking; an e-learning window has no event to put in a diary. */
function invitation(ctx: TrainingMail, s: MailSession, p: MailPerson, method: 'REQUEST' | 'CANCEL', now: Date) {
  if (s.delivery === 'e_learning') return [];
  const inv: Invitation = {
    method, uid: `${p.bookingId}@beacon-training`,
    // The session's version rises with each change, so the calendar takes each update over the one before.
    sequence: method === 'CANCEL' ? s.version + 1 : s.version,
    stamp: now, start: s.startsAt, end: s.endsAt, summary: s.courseTitle,
    description: [`${s.partnershipName}: multi-agency training.`, s.trainers ? `Trainers: ${s.trainers}` : '', `Your booking: ${ctx.publicUrl}/training/sessions/${s.id}`]
      .filter(Boolean).join('\n'),
    location: s.delivery === 'face_to_face' ? s.venue : s.joiningLink,
    url: s.delivery === 'virtual' ? s.joiningLink : null,
    organiser: { name: s.partnershipName, email: addressOf(ctx.mailFrom) },
    attendee: { name: p.name, email: p.email },
  };
  return [invitationAttachment(inv)];
}

const footer = (ctx: TrainingMail, s: MailSession) =>
  `Your bookings: ${ctx.publicUrl}/training/my-bookings\n\n${s.partnershipName}`;

export type TrainingEmailKind = 'confirmed' | 'waiting' | 'promoted' | 'cancelled' | 'session_cancelled' | 'updated' | 'reminder';

export function trainingEmail(ctx: TrainingMail, kind: TrainingEmailKind, s: MailSession, p: MailPerson, now: Date,
  extra: { position?: number; reason?: string; byManager?: boolean; hadPlace?: boolean } = {}): Email {
  const details = `${s.courseTitle}\n${sessionWhen(s)}\n${sessionWhere(s)}${s.trainers ? `\nTrainers: ${s.trainers}` : ''}`;
  const link = `${ctx.publicUrl}/training/sessions/${s.id}`;
  const base = { to: p.email, partnershipId: s.partnershipId, record: { type: 'booking', id: p.bookingId } };
  const dear = `Dear ${p.name},`;
  switch (kind) {
    case 'confirmed':
      return { ...base, subject: `Booking confirmed: ${s.courseTitle}`, attachments: invitation(ctx, s, p, 'REQUEST', now),
        body: `${dear}\n\nYour place is confirmed.\n\n${details}\n\n${s.delivery === 'e_learning' ? 'Complete the module by the date above.' : 'The calendar invitation attached adds it to your diary.'} If you can no longer attend, cancel your place so that someone on the waiting list can have it: ${link}\n\n${footer(ctx, s)}` };
    case 'waiting':
      return { ...base, subject: `On the waiting list: ${s.courseTitle}`,
        body: `${dear}\n\nThe session is full, so you are on its waiting list (number ${extra.position ?? '?'}).\n\n${details}\n\nIf a place comes free, it is given to the first person waiting and you will be sent an email at once with a calendar invitation. You can leave the waiting list at any time: ${link}\n\n${footer(ctx, s)}` };
    case 'promoted':
      return { ...base, subject: `A place for you: ${s.courseTitle}`, attachments: invitation(ctx, s, p, 'REQUEST', now),
        body: `${dear}\n\nA place has come free and it is yours: you were first on the waiting list, and your booking is now confirmed.\n\n${details}\n\nIf you can no longer attend, cancel your place so that the next person waiting can have it: ${link}\n\n${footer(ctx, s)}` };
    case 'cancelled':
      return { ...base, subject: `Booking cancelled: ${s.courseTitle}`, attachments: extra.hadPlace ? invitation(ctx, s, p, 'CANCEL', now) : [],
        body: `${dear}\n\n${extra.byManager ? 'The training team has cancelled your booking' : extra.hadPlace ? 'You have cancelled your place' : 'You have left the waiting list'}.\n\n${details}${extra.reason ? `\n\nReason: ${extra.reason}` : ''}\n\n${extra.hadPlace ? 'The attached cancellation removes it from your calendar. ' : ''}Other sessions and courses: ${ctx.publicUrl}/training\n\n${footer(ctx, s)}` };
    case 'session_cancelled':
      return { ...base, subject: `Session cancelled: ${s.courseTitle}`, attachments: extra.hadPlace ? invitation(ctx, s, p, 'CANCEL', now) : [],
        body: `${dear}\n\nWe are sorry: this session has been cancelled, and with it your ${extra.hadPlace ? 'place' : 'place on the waiting list'}.\n\n${details}\n\nReason: ${extra.reason ?? ''}\n\n${extra.hadPlace ? 'The attached cancellation removes it from your calendar. ' : ''}Other sessions: ${ctx.publicUrl}/training\n\n${footer(ctx, s)}` };
    case 'updated':
      return { ...base, subject: `Session changed: ${s.courseTitle}`, attachments: invitation(ctx, s, p, 'REQUEST', now),
        body: `${dear}\n\nThe details of a session you are booked on have changed. Your place is still confirmed.\n\n${details}\n\n${s.delivery === 'e_learning' ? '' : 'The attached invitation updates your calendar. '}If you can no longer attend, cancel your place: ${link}\n\n${footer(ctx, s)}` };
    case 'reminder':
      return { ...base, subject: `Reminder: ${s.courseTitle}, ${sessionWhen(s)}`,
        body: `${dear}\n\nA reminder of your training ${s.delivery === 'e_learning' ? 'to complete' : 'coming up'}.\n\n${details}\n\n${s.delivery === 'virtual' ? `Join at the time above with this link: ${s.joiningLink}\n\n` : ''}${s.delivery === 'face_to_face' ? 'Please arrive 10 minutes before the start.\n\n' : ''}If you can no longer attend, tell us at once so that someone on the waiting list can have your place: ${link}\n\n${footer(ctx, s)}` };
  }
}

/** Sends each email; an address the mailer refuses is skipped, as the person cannot be emailed. Says how many went to the outbox. */
/** Writes the emails to the outbox within the caller's transaction (see Mailer.queue); says their ids, those refused left out. */
export async function queueAll(tx: Db, ctx: TrainingMail, emails: Email[]): Promise<string[]> {
  const ids: string[] = [];
  for (const e of emails) {
    try {
      ids.push(await ctx.mailer.queue(tx, e));
    } catch (err) {
      if (!(err instanceof EmailRefused)) throw err;
    }
  }
  return ids;
}

export async function sendAll(db: Db, ctx: TrainingMail, emails: Email[]): Promise<number> {
  let written = 0;
  for (const e of emails) {
    try {
      await ctx.mailer.send(db, e);
      written += 1;
    } catch (err) {
      if (!(err instanceof EmailRefused)) throw err;
    }
  }
  return written;
}
