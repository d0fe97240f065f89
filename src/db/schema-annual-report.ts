import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, TextArray, Timestamp } from './schema';

/** Written to as JSON text, read back as the value. */
type Json<T> = ColumnType<T, string | undefined, string>;

export type ReportStatus = 'drafting' | 'awaiting_approval' | 'approved';
export type SectionKind = 'written' | 'data' | 'voice';
export type SectionStatus = 'not_started' | 'drafting' | 'submitted' | 'accepted';
export type ReportEventKind = 'created' | 'section_added' | 'section_removed' | 'section_restored' | 'section_moved'
  | 'owner_assigned' | 'submitted' | 'returned' | 'accepted' | 'sent_for_approval' | 'approved' | 'changes_requested' | 'reopened';
export type ApprovalDecision = 'approved' | 'changes_requested';
export type VoiceKind = 'participation_group' | 'survey' | 'quote' | 'case_study' | 'consultation';
export type AgeRange = 'under_8' | '8_to_12' | '13_to_15' | '16_to_17' | '18_to_25';
export type VoiceConsent = 'not_needed' | 'given' | 'refused' | 'withdrawn';
export type ConsentFrom = 'young_person' | 'parent_carer' | 'both';

/** A data section's sentence as an editor rewrote it, and as Beacon generated it when they did. */
export type SentenceEdit = { text: string; generated: string };
export type SentenceEdits = Record<string, SentenceEdit>;

export interface AnnualReportTable {
  id: Generated<string>;
  partnership_id: number;
  title: string;
  period_from: string;
  period_to: string;
  status: Generated<ReportStatus>;
  sent_for_approval_at: Timestamp | null;
  approved_at: Timestamp | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface ReportSectionTable {
  id: Generated<number>;
  partnership_id: number;
  report_id: string;
  position: number;
  catalogue_key: string | null;
  kind: SectionKind;
  heading: string;
  guidance: string | null;
  owner_user_id: number | null;
  status: Generated<SectionStatus>;
  public: Generated<boolean>;
  removed_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

/** One saved draft: a written section's body, or a data section's sentence edits. */
export interface ReportSectionVersionTable {
  id: Generated<number>;
  partnership_id: number;
  section_id: number;
  number: number;
  body: string | null;
  sentence_edits: Json<SentenceEdits> | null;
  note: string | null;
  created_by: number | null;
  created_at: CreatedAt;
}

export interface ReportSectionCommentTable {
  id: Generated<number>;
  partnership_id: number;
  section_id: number;
  author_id: number;
  body: string;
  created_at: CreatedAt;
  resolved_at: Timestamp | null;
  resolved_by: number | null;
}

export interface ReportEventTable {
  id: Generated<number>;
  partnership_id: number;
  report_id: string;
  section_id: number | null;
  kind: ReportEventKind;
  reason: string | null;
  by_user_id: number | null;
  at: Generated<Date>;
}

export interface ReportApprovalTable {
  id: Generated<number>;
  partnership_id: number;
  report_id: string;
  user_id: number;
  agency_id: number | null;
  decision: ApprovalDecision;
  comment: string | null;
  decided_at: Generated<Date>;
  superseded_at: Timestamp | null;
}

/** A child's or young people's views, as recorded: what they said, where, and whether it may be published. */
export interface VoiceEntryTable {
  id: Generated<string>;
  partnership_id: number;
  kind: VoiceKind;
  title: string;
  body: string;
  source: string | null;
  collected_on: string;
  age_range: AgeRange | null;
  respondents: number | null;
  themes: TextArray;
  consent: VoiceConsent;
  consent_from: ConsentFrom | null;
  consent_recorded_on: string | null;
  anonymised: Generated<boolean>;
  /** When consent was withdrawn through the entry's page, by whom and why (added by a later migration). */
  consent_withdrawn_at: Timestamp | null;
  consent_withdrawn_by: number | null;
  consent_withdrawn_reason: string | null;
  recorded_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface ReportVoiceChoiceTable {
  partnership_id: number;
  report_id: string;
  voice_entry_id: string;
  position: number;
}

export interface AnnualReportDatabase {
  annual_report: AnnualReportTable;
  report_section: ReportSectionTable;
  report_section_version: ReportSectionVersionTable;
  report_section_comment: ReportSectionCommentTable;
  report_event: ReportEventTable;
  report_approval: ReportApprovalTable;
  voice_entry: VoiceEntryTable;
  report_voice_choice: ReportVoiceChoiceTable;
}
