import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

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

type TextArray = ColumnType<string[], string[] | undefined, string[]>;

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
  outcome: 'succeeded' | 'failed';
  counts: ColumnType<Record<string, unknown>, string | undefined, string>;
  error: string | null;
  imported_by: string;
  started_at: Timestamp;
  finished_at: Timestamp;
}

export interface Database {
  import_run: ImportRunTable;
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
