import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Timestamp } from './schema';

export type Section11Scoring = 'rag' | 'score';
export type Section11Rating = 'red' | 'amber' | 'green' | '1' | '2' | '3' | '4';
export type Section11CycleStatus = 'planned' | 'open' | 'closed';
export type Section11ReturnStatus = 'not_started' | 'draft' | 'submitted';

/** One of the partnership's Section 11 standards. */
export interface Section11StandardTable {
  id: Generated<number>;
  partnership_id: number;
  number: number;
  title: string;
  description: string;
  prompts: Generated<string>;
  retired_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A round of the Section 11 audit. */
export interface Section11CycleTable {
  id: Generated<number>;
  partnership_id: number;
  name: string;
  open_date: string;
  due_date: string;
  scoring: Section11Scoring;
  status: Generated<Section11CycleStatus>;
  agency_ids: ColumnType<number[], number[] | undefined, number[]>;
  opened_at: Timestamp | null;
  closed_at: Timestamp | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A standard as worded when its cycle opened. */
export interface Section11CycleStandardTable {
  cycle_id: number;
  standard_id: number;
  partnership_id: number;
  number: number;
  title: string;
  description: string;
  prompts: string;
}

/** An agency's self-assessment in a cycle. */
export interface Section11ReturnTable {
  id: Generated<string>;
  partnership_id: number;
  cycle_id: number;
  agency_id: number;
  status: Generated<Section11ReturnStatus>;
  peer_agency_id: number | null;
  submitted_at: Timestamp | null;
  submitted_by: number | null;
  due_soon_reminded_at: Timestamp | null;
  overdue_reminded_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface Section11ReturnEventTable {
  id: Generated<string>;
  return_id: string;
  partnership_id: number;
  at: Timestamp;
  user_id: number | null;
  event: 'opened' | 'submitted' | 'reopened';
  reason: string | null;
}

/** A return's answer for one standard, with the rating agreed at peer challenge. */
export interface Section11AnswerTable {
  return_id: string;
  standard_id: number;
  partnership_id: number;
  rating: Section11Rating | null;
  evidence: string | null;
  agreed_rating: Section11Rating | null;
  agreed_by: number | null;
  agreed_at: Timestamp | null;
  updated_by: number | null;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface Section11CommentTable {
  id: Generated<string>;
  partnership_id: number;
  return_id: string;
  standard_id: number;
  kind: 'challenge' | 'response';
  author_id: number | null;
  author_agency_id: number | null;
  body: string;
  created_at: Timestamp;
}

export interface Section11ActionTable {
  action_id: string;
  partnership_id: number;
  return_id: string;
  standard_id: number;
}

export interface Section11Database {
  section11_standard: Section11StandardTable;
  section11_cycle: Section11CycleTable;
  section11_cycle_standard: Section11CycleStandardTable;
  section11_return: Section11ReturnTable;
  section11_return_event: Section11ReturnEventTable;
  section11_answer: Section11AnswerTable;
  section11_comment: Section11CommentTable;
  section11_action: Section11ActionTable;
}
