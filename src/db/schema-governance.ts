import type { Generated } from 'kysely';
import type { CreatedAt, Timestamp } from './schema';

export type MemberRole = 'chair' | 'vice_chair' | 'member' | 'adviser';
export type MeetingStatus = 'planned' | 'held' | 'cancelled';
export type Attendance = 'present' | 'apologies' | 'absent';
export type ChallengeStatus = 'open' | 'responded' | 'resolved' | 'escalated';
export type ChallengeRaiser = 'agency' | 'independent_chair' | 'partnership';
export type ChallengeEventKind = 'raised' | 'responded' | 'resolved' | 'escalated' | 'reminded';

/** A seat on a group: a Beacon user or a named person, for an agency (none: independent), from and to. */
export interface GroupMemberTable {
  id: Generated<number>;
  partnership_id: number;
  group_id: number;
  user_id: number | null;
  name: string | null;
  agency_id: number | null;
  job_title: string | null;
  role: MemberRole;
  from_date: string;
  to_date: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface GroupMeetingTable {
  id: Generated<string>;
  partnership_id: number;
  group_id: number;
  starts_at: Timestamp;
  location: string | null;
  status: Generated<MeetingStatus>;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

/** An agenda item with its minutes and the decisions taken. */
export interface MeetingItemTable {
  id: Generated<number>;
  partnership_id: number;
  meeting_id: string;
  position: number;
  title: string;
  minutes: string | null;
  decisions: string | null;
}

/** A member's attendance at a meeting, or a guest (no member). */
export interface MeetingAttendanceTable {
  id: Generated<number>;
  partnership_id: number;
  meeting_id: string;
  member_id: number | null;
  guest_name: string | null;
  guest_role: string | null;
  guest_agency_id: number | null;
  attendance: Attendance;
  deputy: string | null;
}

export interface ChallengeTable {
  id: Generated<string>;
  partnership_id: number;
  reference: string;
  raised_on: string;
  raised_by_kind: ChallengeRaiser;
  raised_by_agency_id: number | null;
  raised_by_name: string | null;
  to_agency_id: number;
  subject: string;
  detail: string;
  group_id: number | null;
  meeting_id: string | null;
  response_due: string;
  status: Generated<ChallengeStatus>;
  response: string | null;
  responded_at: Timestamp | null;
  responded_by: number | null;
  response_on_behalf: Generated<boolean>;
  resolution: string | null;
  resolved_at: Timestamp | null;
  escalation_reason: string | null;
  escalated_at: Timestamp | null;
  reminded_at: Timestamp | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface ChallengeEventTable {
  id: Generated<string>;
  partnership_id: number;
  challenge_id: string;
  at: Timestamp;
  user_id: number | null;
  kind: ChallengeEventKind;
  note: string | null;
  on_behalf: Generated<boolean>;
}

export interface GovernanceDatabase {
  group_member: GroupMemberTable;
  group_meeting: GroupMeetingTable;
  meeting_item: MeetingItemTable;
  meeting_attendance: MeetingAttendanceTable;
  challenge: ChallengeTable;
  challenge_event: ChallengeEventTable;
}
