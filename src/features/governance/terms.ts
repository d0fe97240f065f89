import type { AgencyType } from '../../db/schema';
import type { AssuranceGroupTable } from '../../db/schema-assurance';
import type { Attendance, ChallengeRaiser, ChallengeStatus, MeetingStatus, MemberRole } from '../../db/schema-governance';
import { addMonths } from '../../domain/calendar';
import type { ActionRag } from '../../domain/assurance';

/** The words of the partnership's governance: its groups, their members and meetings, and the challenge log. */

export type GroupKind = AssuranceGroupTable['kind'];
export const GROUP_KINDS: Record<GroupKind, string> = {
  executive: 'Executive',
  subgroup: 'Subgroup',
  working_group: 'Working group',
  task_and_finish: 'Task and finish group',
};
export const GROUP_KIND_PLURALS: Record<GroupKind, string> = {
  executive: 'The Executive', subgroup: 'Subgroups', working_group: 'Working groups', task_and_finish: 'Task and finish groups',
};
export const isGroupKind = (v: unknown): v is GroupKind => typeof v === 'string' && Object.hasOwn(GROUP_KINDS, v);

export const MEMBER_ROLES: Record<MemberRole, string> = { chair: 'Chair', vice_chair: 'Vice-chair', member: 'Member', adviser: 'Adviser' };
export const isMemberRole = (v: unknown): v is MemberRole => typeof v === 'string' && Object.hasOwn(MEMBER_ROLES, v);

export const ATTENDANCE: Record<Attendance, string> = { present: 'Present', apologies: 'Apologies', absent: 'Absent' };
export const isAttendance = (v: unknown): v is Attendance => typeof v === 'string' && Object.hasOwn(ATTENDANCE, v);

export const MEETING_STATUSES: Record<MeetingStatus, string> = { planned: 'Planned', held: 'Held', cancelled: 'Cancelled' };
export const isMeetingStatus = (v: unknown): v is MeetingStatus => typeof v === 'string' && Object.hasOwn(MEETING_STATUSES, v);

export const CHALLENGE_STATUSES: Record<ChallengeStatus, string> = {
  open: 'Awaiting response', responded: 'Responded', resolved: 'Resolved', escalated: 'Escalated to the Executive',
};
export const isChallengeStatus = (v: unknown): v is ChallengeStatus => typeof v === 'string' && Object.hasOwn(CHALLENGE_STATUSES, v);
export const CHALLENGE_TAGS: Record<ChallengeStatus | 'overdue', string> = {
  open: 'govuk-tag--blue', responded: 'govuk-tag--yellow', resolved: 'govuk-tag--green', escalated: 'govuk-tag--purple', overdue: 'govuk-tag--red',
};

export const RAISERS: Record<ChallengeRaiser, string> = { agency: 'An agency', independent_chair: 'The Independent Chair', partnership: 'The partnership' };
export const isRaiser = (v: unknown): v is ChallengeRaiser => typeof v === 'string' && Object.hasOwn(RAISERS, v);

/** The three statutory safeguarding partners, by the type of agency each is. */
export const STATUTORY_TYPES: readonly AgencyType[] = ['local_authority', 'police', 'health'];
export const STATUTORY_LABELS: Record<string, string> = { local_authority: 'Local authority', police: 'Police', health: 'Health' };

export const RAG_TAGS: Record<ActionRag, string> = {
  blue: 'govuk-tag--blue', red: 'govuk-tag--red', amber: 'govuk-tag--yellow', green: 'govuk-tag--green', none: 'govuk-tag--grey',
};

/** The financial year (April to March) a date falls in, named by the calendar year it starts in, as annual reports are. */
export function financialYearOf(date: string): number {
  const y = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 4 ? y : y - 1;
}
export const financialYearBounds = (year: number) => ({ from: `${year}-04-01`, to: `${year + 1}-03-31` });
export const financialYearLabel = (year: number) => `April ${year} to March ${year + 1}`;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** What the minutes call a group: its short name, or the initials of its name's main words ("Childhood Neglect" → "CN"). */
export function shortNameOf(group: { name: string; short_name?: string | null }): string {
  if (group.short_name?.trim()) return group.short_name.trim();
  return group.name.split(/[\s/-]+/).filter((w) => /^[A-Z0-9]/.test(w)).map((w) => w[0]).join('') || group.name.slice(0, 6);
}

/** A meeting's action reference, as action logs number them: "QA 2026-03-12 A3". */
export const meetingActionReference = (shortName: string, date: string, n: number) => `${shortName} ${date} A${n}`;
/** A challenge's: "CH 2026/03". */
export const challengeReference = (year: number, n: number) => `CH ${year}/${String(n).padStart(2, '0')}`;

/** A challenge's response is due a month after it is raised unless the person raising it says otherwise. */
export const defaultResponseDue = (raisedOn: string) => addMonths(raisedOn, 1);

// ---- Form reading ----

export { dateFields, dateFrom, list, text, type Form } from '../../platform/forms';

/** "14:05", "9.30" or "0930" as HH:MM:00; null when it is no time of day. */
export function timeFrom(value: string): string | null {
  const m = /^(\d{1,2})[:.]?(\d{2})$/.exec(value.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return null;
  return `${m[1]!.padStart(2, '0')}:${m[2]}:00`;
}

/** A whole number id from an address or a form, or null: a malformed id is a missing record, not a database error. */
export const intId = (v: unknown): number | null => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : null);
export const isUuid = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
