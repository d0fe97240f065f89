import type { Generated } from 'kysely';
import type { CreatedAt, TextArray, Timestamp } from './schema';

/** A board, subgroup, working group or task-and-finish group of the partnership. */
export interface AssuranceGroupTable {
  id: Generated<number>;
  partnership_id: number;
  name: string;
  /** What the minutes call the group ("QA"), used in its action references (added by the governance migration). */
  short_name: string | null;
  kind: 'executive' | 'subgroup' | 'working_group' | 'task_and_finish';
  remit: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
}

export type ActionSource = 'review' | 'audit' | 'section_11' | 'inspection' | 'meeting' | 'challenge' | 'other';
export type ActionStatus = 'open' | 'in_progress' | 'completed' | 'cancelled';

/** One action of the partnership's tracker, whatever its source. */
export interface ActionTable {
  id: Generated<string>;
  partnership_id: number;
  source: ActionSource;
  source_id: string | null;
  reference: string;
  recommendation: string | null;
  description: string;
  owner_agency_id: number;
  owner_user_id: number | null;
  owner_name: string | null;
  group_id: number | null;
  themes: TextArray;
  due_date: string;
  status: Generated<ActionStatus>;
  evidence: string | null;
  completed_at: Timestamp | null;
  last_reminded_at: Timestamp | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

/** A change of an action's status, with the note and evidence given. */
export interface ActionUpdateTable {
  id: Generated<string>;
  action_id: string;
  partnership_id: number;
  at: Timestamp;
  user_id: number | null;
  status: ActionStatus;
  note: string | null;
  evidence: string | null;
}

export interface AssuranceDatabase {
  assurance_group: AssuranceGroupTable;
  action: ActionTable;
  action_update: ActionUpdateTable;
}
