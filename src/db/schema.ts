import type { ColumnType, Generated } from 'kysely';
import type { AnnualReportDatabase } from './schema-annual-report';
import type { AssuranceDatabase } from './schema-assurance';
import type { AuditsDatabase } from './schema-audits';
import type { GovernanceDatabase } from './schema-governance';
import type { Section11Database } from './schema-section11';
import type { ReviewsDatabase } from './schema-reviews';
import type { SsoDatabase } from './schema-sso';
import type { TrainingDatabase, TrainingSettings } from './schema-training';

export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface PartnershipTable {
  id: Generated<number>;
  la_code: string;
  name: string;
  /** Child population (0-17) for any year without a figure of its own. */
  default_child_population: number | null;
  settings: ColumnType<PartnershipSettings, string | undefined, string>;
  created_at: CreatedAt;
}

export type PartnershipSettings = {
  /** Local timescale limits by rule id, in the rule's own unit. */
  timescales?: Record<string, number>;
  /** The MASH: its opening hours (London time), how its clock runs, and each RAG's limit for agency checks. */
  mash?: MashSettings;
  /** The front door's quality assurance regime: audits a calendar month of each kind. */
  frontDoorAudit?: FrontDoorAuditSettings;
  /** Multi-agency training: the cut-off for cancelling and any charge for not attending. */
  training?: TrainingSettings;
};

export type FrontDoorAuditSettings = {
  /** Audits a month: the team manager's and senior social worker's, the MASH's multi-agency ones, the head of service's dip audits. */
  targets: { manager: number; multi_agency: number; dip: number };
  /** Dip audits drawn only from contacts about a child who was re-referred. */
  dipReReferrals: boolean;
};

export type MashSettings = {
  /** Opening and closing, 'HH:MM' London time (closing may be '24:00'); open days 1 = Monday ... 7 = Sunday. Bank holidays are closed. */
  start: string;
  end: string;
  days: number[];
  /** 'working': a check's time runs only while the MASH is open; 'elapsed': it runs round the clock. */
  clock: 'working' | 'elapsed';
  /** Hours allowed for an agency's check, by the enquiry's RAG. */
  limits: { red: number; amber: number; green: number };
};

export interface PartnershipChildPopulationTable {
  partnership_id: number;
  year: number;
  child_population: number;
}

export type AgencyType =
  | 'local_authority' | 'police' | 'health' | 'education' | 'probation'
  | 'youth_justice' | 'housing' | 'voluntary' | 'other';

export interface AgencyTable {
  id: Generated<number>;
  name: string;
  type: AgencyType;
  /** Email domains allowed for self-registration by this agency's staff. */
  email_domains: ColumnType<string[], string[] | undefined, string[]>;
  created_at: CreatedAt;
}

export interface AgencyPartnershipTable {
  agency_id: number;
  partnership_id: number;
}

export interface AppUserTable {
  id: Generated<number>;
  email: string;
  name: string;
  agency_id: number;
  password_hash: string;
  mfa_secret: string | null;
  mfa_enrolled_at: Timestamp | null;
  /** The last TOTP time step accepted: a code is good once. */
  mfa_last_step: number | null;
  status: 'active' | 'disabled';
  failed_sign_ins: Generated<number>;
  locked_until: Timestamp | null;
  last_sign_in_at: Timestamp | null;
  /** Where the person was last working: their next sign-in starts there. */
  last_partnership_id: number | null;
  /** The person's line manager, who sees their training bookings. */
  line_manager_id: number | null;
  /** When a self-registered person confirmed their address; null for accounts made by an administrator. */
  email_verified_at: Timestamp | null;
  /** As the person gave it when registering for training. */
  job_title: string | null;
  created_at: CreatedAt;
}

export interface MembershipTable {
  user_id: number;
  partnership_id: number;
  role: string;
}

export interface SessionTable {
  /** SHA-256 of the cookie's token: a stolen table cannot be replayed as cookies. */
  id: string;
  user_id: number;
  partnership_id: number | null;
  mfa_passed: boolean;
  ip: string | null;
  user_agent: string | null;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  ended_at: Timestamp | null;
  end_reason: string | null;
}

export interface AuditEventTable {
  seq: number;
  at: Timestamp;
  user_id: number | null;
  user_email: string | null;
  agency_id: number | null;
  role: string | null;
  partnership_id: number | null;
  action: string;
  record_type: string | null;
  record_id: string | null;
  outcome: 'allowed' | 'denied' | 'failed';
  ip: string | null;
  user_agent: string | null;
  detail: ColumnType<Record<string, unknown> | null, string | null | undefined, never>;
  prev_hash: string;
  hash: string;
}

export interface AuditCheckpointTable {
  id: Generated<number>;
  seq: number;
  hash: string;
  at: CreatedAt;
}

/** Where a journey record came from, the return's collection year, and its version for optimistic locking. */
interface Bookkeeping {
  version: Generated<number>;
  source: Generated<'entered' | 'cin' | '903' | 'annex_a' | 'demo'>;
  source_year: number | null;
  created_at: CreatedAt;
  updated_at: Generated<Timestamp>;
}

export type TextArray = ColumnType<string[], string[] | undefined, string[]>;

export interface ChildTable extends Bookkeeping {
  id: Generated<string>;
  partnership_id: number;
  la_child_id: string;
  upn: string | null;
  former_upn: string | null;
  upn_unknown: string | null;
  nhs_number: string | null;
  first_name: string | null;
  last_name: string | null;
  date_of_birth: string | null;
  expected_birth_date: string | null;
  death_date: string | null;
  /** M, F or U (the census item from 2024-25); `gender_current` keeps an earlier return's 1/2/0/9. */
  sex: string | null;
  gender_current: string | null;
  ethnicity: string | null;
  disabilities: TextArray;
  address: string | null;
  postcode: string | null;
  locality: string | null;
  /** 903 header MOTHER and MC_DOB. */
  is_mother: boolean | null;
  mother_child_dob: string | null;
  /** 903 UASC: an unaccompanied asylum-seeking child, and the date that status ceased (DUC). */
  uasc: boolean | null;
  uasc_ceased_date: string | null;
}

interface JourneyRow extends Bookkeeping {
  id: Generated<string>;
  partnership_id: number;
}

export interface ReferralTable extends JourneyRow {
  child_id: string;
  referral_date: string;
  referral_source: string | null;
  primary_need: string | null;
  referral_nfa: boolean | null;
  closure_date: string | null;
  closure_reason: string | null;
}

export interface AssessmentTable extends JourneyRow {
  referral_id: string;
  start_date: string;
  internal_review_date: string | null;
  authorisation_date: string | null;
  factors: TextArray;
  child_seen: boolean | null;
}

export interface StrategyDiscussionTable extends JourneyRow {
  referral_id: string;
  concern_date: string;
  discussion_date: string | null;
  s47_initiated: Generated<boolean>;
  agencies_present: TextArray;
}

export interface S47EnquiryTable extends JourneyRow {
  referral_id: string;
  strategy_discussion_id: string | null;
  start_date: string;
  initial_cpc_target: string | null;
  icpc_not_required: boolean | null;
  outcome_date: string | null;
}

export interface InitialConferenceTable extends JourneyRow {
  referral_id: string;
  s47_enquiry_id: string | null;
  conference_date: string;
  resulted_in_plan: boolean | null;
}

export interface CpPlanTable extends JourneyRow {
  referral_id: string;
  start_date: string;
  end_date: string | null;
  initial_category: string | null;
  latest_category: string | null;
  previous_plans: number | null;
}

export interface CpPlanReviewTable extends JourneyRow { cp_plan_id: string; review_date: string }
export interface CpCoreGroupTable extends JourneyRow { cp_plan_id: string; meeting_date: string }
export interface CpVisitTable extends JourneyRow { cp_plan_id: string; visit_date: string; seen_alone: boolean | null }

export interface CinPlanTable extends JourneyRow {
  referral_id: string;
  start_date: string;
  end_date: string | null;
}

export interface ClaEpisodeTable extends JourneyRow {
  child_id: string;
  start_date: string;
  reason_new_episode: string | null;
  legal_status: string | null;
  category_of_need: string | null;
  placement_type: string | null;
  placement_provider: string | null;
  end_date: string | null;
  reason_ceased: string | null;
  reason_place_change: string | null;
  home_postcode: string | null;
  placement_postcode: string | null;
  urn: string | null;
}

export interface ClaReviewTable extends JourneyRow { child_id: string; review_date: string; review_code: string | null }

export interface HealthAssessmentTable extends JourneyRow { child_id: string; kind: 'initial' | 'review'; assessment_date: string }

export interface PlaceOfConcernTable {
  id: Generated<string>;
  partnership_id: number;
  name: string;
  postcode: string | null;
  locality: string | null;
  created_at: CreatedAt;
}

export interface MissingEpisodeTable extends JourneyRow {
  child_id: string;
  missing_type: 'M' | 'A';
  start_date: string;
  started_at: Timestamp | null;
  end_date: string | null;
  returned_at: Timestamp | null;
  return_interview_offered_at: Timestamp | null;
  return_interview_accepted: boolean | null;
  return_interview_at: Timestamp | null;
  place_of_concern_id: string | null;
}

export interface ExploitationAssessmentTable extends JourneyRow {
  child_id: string;
  kind: 'sexual' | 'criminal';
  assessment_date: string;
  risk_level: 'low' | 'medium' | 'high';
  place_of_concern_id: string | null;
}

export interface ImportRunTable {
  id: Generated<string>;
  partnership_id: number;
  kind: 'cin' | '903' | 'annex_a';
  file_name: string;
  file_hash: string;
  collection_year: number | null;
  outcome: 'running' | 'succeeded' | 'failed' | 'rejected';
  counts: ColumnType<Record<string, unknown>, string | undefined, string>;
  error: string | null;
  imported_by: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  /** Refused on any validation error (`--strict`), instead of loaded with its errors as DfE's collection does. */
  strict: Generated<boolean>;
  errors: Generated<number>;
  queries: Generated<number>;
  progress: ColumnType<ImportProgress, string | undefined, string>;
}

export type ImportProgress = { phase?: 'checking' | 'loading' | 'done'; bytesRead?: number; bytesTotal?: number; records?: number };

export interface ValidationIssueTable {
  id: Generated<string>;
  import_run_id: string;
  partnership_id: number;
  rule: string;
  severity: 'error' | 'query';
  la_child_id: string | null;
  child_id: string | null;
  location: string;
  message: string;
}

/** A partner agency's aggregate tables for the 12 months to a period end: one set per agency and period end. */
export interface PartnerDataSetTable {
  id: Generated<string>;
  partnership_id: number;
  agency_id: number;
  period_end: string;
  file_name: string;
  file_hash: string;
  uploaded_by: string;
  uploaded_at: Timestamp;
}

/** One measure of a partner's table: the current and the previous 12 months. */
export interface PartnerDataRowTable {
  id: Generated<number>;
  set_id: string;
  partnership_id: number;
  row_order: number;
  table_name: string;
  measure: string;
  current: number;
  previous: number;
}

/** The business manager's rating rule and statistical neighbours' figure for one indicator of the scorecard. */
export interface RagRuleTable {
  partnership_id: number;
  indicator: string;
  method: 'target' | 'direction' | 'none';
  target: number | null;
  tolerance: number | null;
  polarity: 'higher' | 'lower' | null;
  neighbour_value: number | null;
  updated_by: string;
  updated_at: Timestamp;
}

/** A past month's raw indicator figures, kept with the version of the definitions that made them. */
export interface IndicatorMonthTable {
  partnership_id: number;
  month: string;
  version: string;
  figures: ColumnType<Record<string, number>, string, string>;
  computed_at: CreatedAt;
}

/** The earliest date a change to the counted records may have altered, noted by triggers. */
export interface IndicatorStaleTable {
  id: ColumnType<string, never, never>;
  partnership_id: number;
  since: string;
}

interface ChildRow extends JourneyRow { child_id: string }

export interface ClaOutcomeTable extends ChildRow {
  collection_year: number;
  sdq_score: number | null;
  sdq_reason: string | null;
  convicted: boolean | null;
  health_check: boolean | null;
  immunisations: boolean | null;
  teeth_check: boolean | null;
  health_assessment: boolean | null;
  substance_misuse: boolean | null;
  intervention_received: boolean | null;
  intervention_offered: boolean | null;
}

export interface CareLeaverTable extends ChildRow {
  collection_year: number;
  in_touch: string | null;
  activity: string | null;
  accommodation: string | null;
  eligibility: string | null;
  accommodation_suitable: boolean | null;
}

export interface AdoptionTable extends ChildRow {
  date_int: string;
  date_match: string | null;
  foster_care: boolean | null;
  nb_adoptr: string | null;
  sex_adoptr: string | null;
  ls_adoptr: string | null;
}

export interface PlacedForAdoptionTable extends ChildRow {
  decision_date: string;
  placement_order_date: string | null;
  matching_date: string | null;
  placed_date: string | null;
  adoption_order_date: string | null;
  ffa_placed_date: string | null;
  ceased_date: string | null;
  reason_ceased: string | null;
}

export interface PreviousPermanenceTable extends ChildRow {
  collection_year: number;
  prev_perm: string | null;
  la_perm: string | null;
  /** As written in the return, which allows an unknown day or month ("zz/zz/2010"). */
  date_perm: string | null;
}

export interface SwEpisodeTable extends ChildRow { sw_id: string; start_date: string; end_date: string | null; reason: string | null }

export interface DeprivationOfLibertyTable extends ChildRow { start_date: string; end_date: string | null }

export interface ContactTable extends ChildRow {
  contact_date: string;
  contact_source: string | null;
  /** The front door contact this child's contact is part of; null for one imported from a return. */
  front_door_contact_id: string | null;
  /** The referral the decision opened for this child, and whether it was a re-referral when opened. */
  referral_id: string | null;
  re_referral: boolean | null;
}

export type ContactDecision = 'nfa' | 'information_advice' | 'early_help' | 'mash_enquiry' | 'referral' | 'strategy_discussion';
export type MashDecision = Exclude<ContactDecision, 'mash_enquiry'>;
export type Rag = 'red' | 'amber' | 'green';

/** What the front door receives, about one or more children (each a `contact` row). */
export interface FrontDoorContactTable {
  id: Generated<string>;
  partnership_id: number;
  received_at: Timestamp;
  source: string;
  reason: string;
  referrer_name: string | null;
  referrer_role: string | null;
  referrer_agency_id: number | null;
  referrer_agency_name: string | null;
  referrer_email: string | null;
  referrer_phone: string | null;
  domestic_abuse: Generated<boolean>;
  school_note: string | null;
  school_notified_at: Timestamp | null;
  consent: 'given' | 'refused' | 'not_sought';
  consent_not_sought_reason: string | null;
  lawful_basis: string | null;
  urgency: Generated<'immediate' | 'urgent' | 'routine'>;
  status: Generated<'awaiting_decision' | 'in_mash' | 'decided'>;
  decision_due_at: Timestamp;
  decision: ContactDecision | null;
  decision_reason: string | null;
  decision_at: Timestamp | null;
  decided_by: number | null;
  referrer_told_at: Timestamp | null;
  recorded_by: number | null;
  api_token_id: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A call to the professionals' consultation line. */
export interface ConsultationTable {
  id: Generated<string>;
  partnership_id: number;
  called_at: Timestamp;
  caller_name: string;
  caller_role: string | null;
  caller_agency_id: number | null;
  caller_agency_name: string | null;
  caller_phone: string | null;
  caller_email: string | null;
  child_id: string | null;
  /** The child as the caller named them, when not (or not yet) recorded. */
  child_name: string | null;
  question: string;
  advice: string;
  request_for_support: boolean;
  recorded_by: number | null;
  created_at: CreatedAt;
}

export interface MashEnquiryTable {
  id: Generated<string>;
  partnership_id: number;
  front_door_contact_id: string;
  rag: Rag;
  status: Generated<'open' | 'decided'>;
  opened_at: Timestamp;
  opened_by: number | null;
  decision: MashDecision | null;
  decision_summary: string | null;
  decision_at: Timestamp | null;
  decided_by: number | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface MashRagChangeTable {
  id: Generated<string>;
  mash_enquiry_id: string;
  from_rag: Rag;
  to_rag: Rag;
  reason: string;
  changed_by: number | null;
  changed_at: CreatedAt;
}

/** One agency's check for a MASH enquiry, due by the enquiry's RAG. */
export interface AgencyCheckTable {
  id: Generated<string>;
  partnership_id: number;
  mash_enquiry_id: string;
  agency_id: number;
  rag: Rag;
  requested_at: Timestamp;
  requested_by: number | null;
  due_at: Timestamp;
  status: Generated<'requested' | 'completed'>;
  information: string | null;
  need_to_know: Generated<boolean>;
  responded_at: Timestamp | null;
  responded_by: number | null;
  escalated_at: Timestamp | null;
  version: Generated<number>;
}

/** A partner system's access: only a digest of the token is kept. */
export interface ApiTokenTable {
  id: Generated<string>;
  partnership_id: number;
  agency_id: number;
  name: string;
  scopes: ColumnType<string[], string[], string[]>;
  token_hash: string;
  token_prefix: string;
  created_by: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  replaced_by: string | null;
}

export interface ApiTokenUseTable {
  id: Generated<string>;
  token_id: string;
  at: CreatedAt;
  method: string;
  path: string;
  status: number;
  ip: string | null;
}

export interface EmailOutboxTable {
  id: Generated<string>;
  partnership_id: number | null;
  to_address: string;
  subject: string;
  body: string;
  record_type: string | null;
  record_id: string | null;
  status: Generated<'queued' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
  last_attempt_at: Timestamp | null;
  /** Text attachments sent with the email (a calendar invitation), kept so that a retry sends them too. */
  attachments: ColumnType<EmailAttachment[] | null, string | null | undefined, string | null>;
}

export type EmailAttachment = { filename: string; contentType: string; content: string };

/** A quality assurance audit of one front door decision. */
export interface FrontDoorAuditTable {
  id: Generated<string>;
  partnership_id: number;
  month: string;
  kind: 'manager' | 'multi_agency' | 'dip';
  front_door_contact_id: string;
  auditor_id: number | null;
  status: Generated<'scheduled' | 'completed'>;
  grade: 'outstanding' | 'good' | 'requires_improvement' | 'inadequate' | null;
  answers: ColumnType<Record<string, unknown>, string | undefined, string>;
  learning_points: string | null;
  completed_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface EarlyHelpAssessmentTable extends ChildRow { start_date: string; completion_date: string | null; organisation: string | null }

export interface AdopterTable extends JourneyRow {
  adopter_ref: string;
  family_ref: string | null;
  gender: string | null;
  ethnicity: string | null;
  disability: string | null;
  fostering_for_adoption: boolean | null;
  enquiry_date: string | null;
  stage1_start: string | null;
  stage1_end: string | null;
  stage2_start: string | null;
  stage2_end: string | null;
  application_submitted: string | null;
  application_approved: string | null;
  matched_date: string | null;
  placed_date: string | null;
  children_placed: number | null;
  adoption_order_date: string | null;
  left_date: string | null;
  left_reason: string | null;
}

/**
 * Every table. Features with many tables keep their row types in a file of their own
 * (`schema-<feature>.ts`) and join them here.
 */
export interface Database extends AnnualReportDatabase, AssuranceDatabase, GovernanceDatabase, AuditsDatabase, ReviewsDatabase, TrainingDatabase, Section11Database, SsoDatabase {
  import_run: ImportRunTable;
  validation_issue: ValidationIssueTable;
  rag_rule: RagRuleTable;
  indicator_month: IndicatorMonthTable;
  indicator_stale: IndicatorStaleTable;
  front_door_contact: FrontDoorContactTable;
  consultation: ConsultationTable;
  mash_enquiry: MashEnquiryTable;
  mash_rag_change: MashRagChangeTable;
  agency_check: AgencyCheckTable;
  api_token: ApiTokenTable;
  api_token_use: ApiTokenUseTable;
  email_outbox: EmailOutboxTable;
  front_door_audit: FrontDoorAuditTable;
  partner_data_set: PartnerDataSetTable;
  partner_data_row: PartnerDataRowTable;
  cla_outcome: ClaOutcomeTable;
  care_leaver: CareLeaverTable;
  adoption: AdoptionTable;
  placed_for_adoption: PlacedForAdoptionTable;
  previous_permanence: PreviousPermanenceTable;
  sw_episode: SwEpisodeTable;
  deprivation_of_liberty: DeprivationOfLibertyTable;
  contact: ContactTable;
  early_help_assessment: EarlyHelpAssessmentTable;
  adopter: AdopterTable;
  partnership: PartnershipTable;
  partnership_child_population: PartnershipChildPopulationTable;
  agency: AgencyTable;
  agency_partnership: AgencyPartnershipTable;
  app_user: AppUserTable;
  membership: MembershipTable;
  session: SessionTable;
  audit_event: AuditEventTable;
  audit_checkpoint: AuditCheckpointTable;
  child: ChildTable;
  referral: ReferralTable;
  assessment: AssessmentTable;
  strategy_discussion: StrategyDiscussionTable;
  s47_enquiry: S47EnquiryTable;
  initial_conference: InitialConferenceTable;
  cp_plan: CpPlanTable;
  cp_plan_review: CpPlanReviewTable;
  cp_core_group: CpCoreGroupTable;
  cp_visit: CpVisitTable;
  cin_plan: CinPlanTable;
  cla_episode: ClaEpisodeTable;
  cla_review: ClaReviewTable;
  health_assessment: HealthAssessmentTable;
  place_of_concern: PlaceOfConcernTable;
  missing_episode: MissingEpisodeTable;
  exploitation_assessment: ExploitationAssessmentTable;
  team: TeamTable;
  team_member: TeamMemberTable;
  allocation: AllocationTable;
}

export interface TeamTable {
  id: Generated<number>;
  partnership_id: number;
  name: string;
  created_at: CreatedAt;
}

export interface TeamMemberTable {
  team_id: number;
  user_id: number;
  is_manager: Generated<boolean>;
}

/** A child's case held by a worker in a team, from one date until `to_date` (null while current). */
export interface AllocationTable {
  id: Generated<string>;
  partnership_id: number;
  child_id: string;
  user_id: number;
  team_id: number | null;
  from_date: string;
  to_date: string | null;
  created_at: CreatedAt;
}
