import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, TextArray, Timestamp } from './schema';

type Json<T> = ColumnType<T, string | undefined, string>;

export type AuditScale = 'ofsted' | 'score';
export type AuditRoundStatus = 'planned' | 'in_progress' | 'moderation' | 'completed';

/** A theme's case selection criteria: rules with their parameters, met all together or any one. */
export type AuditCriteria = { match: 'all' | 'any'; rules: AuditCriterion[] };
export type AuditCriterion = { rule: string } & Record<string, string | number>;

/** The audit tool as a round asked it: copied when the round starts. */
export type AuditTool = { scale: AuditScale; scoreLabels: string[]; questions: { id: number; text: string; help: string | null }[] };

/** A section's answers by question id. */
export type AuditAnswers = Record<string, { grade: string | null; comment: string }>;

export interface AuditThemeTable {
  id: Generated<number>;
  partnership_id: number;
  name: string;
  short_name: string;
  learning_theme: string;
  description: string | null;
  frequency_months: number;
  lead_group_id: number | null;
  sample_size: number;
  criteria: Json<AuditCriteria>;
  scale: AuditScale;
  score_labels: TextArray;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AuditThemeAgencyTable {
  theme_id: number;
  agency_id: number;
  partnership_id: number;
}

export interface AuditQuestionTable {
  id: Generated<number>;
  theme_id: number;
  partnership_id: number;
  position: number;
  text: string;
  help: string | null;
  created_at: CreatedAt;
}

export interface AuditRoundTable {
  id: Generated<string>;
  partnership_id: number;
  theme_id: number;
  planned_date: string;
  status: Generated<AuditRoundStatus>;
  sections_due: string | null;
  tool: ColumnType<AuditTool | null, string | null | undefined, string | null>;
  started_at: Timestamp | null;
  started_by: number | null;
  moderation_at: Timestamp | null;
  summary: string | null;
  completed_at: Timestamp | null;
  completed_by: number | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AuditRoundAgencyTable {
  round_id: string;
  agency_id: number;
  partnership_id: number;
  notified_at: Timestamp | null;
  due_soon_reminded_at: Timestamp | null;
  overdue_reminded_at: Timestamp | null;
}

export interface AuditCaseTable {
  id: Generated<string>;
  partnership_id: number;
  round_id: string;
  child_id: string;
  case_number: number;
  status: Generated<'selected' | 'replaced'>;
  matched: TextArray;
  selected_at: Timestamp;
  selected_by: number | null;
  replaced_reason: string | null;
  replaced_at: Timestamp | null;
  replaced_by: number | null;
  moderated_grade: string | null;
  moderation_notes: string | null;
  moderated_at: Timestamp | null;
  moderated_by: number | null;
}

export interface AuditSectionTable {
  id: Generated<string>;
  partnership_id: number;
  round_id: string;
  case_id: string;
  agency_id: number;
  status: Generated<'draft' | 'submitted'>;
  answers: Json<AuditAnswers>;
  overall_grade: string | null;
  strengths: string | null;
  development: string | null;
  updated_at: Timestamp | null;
  updated_by: number | null;
  submitted_at: Timestamp | null;
  submitted_by: number | null;
  version: Generated<number>;
}

export interface AuditFindingTable {
  id: Generated<string>;
  partnership_id: number;
  round_id: string;
  number: number;
  kind: 'strength' | 'improvement';
  text: string;
  action_description: string | null;
  owner_agency_id: number | null;
  due_date: string | null;
  themes: TextArray;
  group_id: number | null;
  action_id: string | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AuditsDatabase {
  audit_theme: AuditThemeTable;
  audit_theme_agency: AuditThemeAgencyTable;
  audit_question: AuditQuestionTable;
  audit_round: AuditRoundTable;
  audit_round_agency: AuditRoundAgencyTable;
  audit_case: AuditCaseTable;
  audit_section: AuditSectionTable;
  audit_finding: AuditFindingTable;
}
