import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface PartnershipTable {
  id: Generated<number>;
  la_code: string;
  name: string;
  /** Child population (0-17) for any year without a figure of its own. */
  default_child_population: number | null;
  created_at: CreatedAt;
}

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

export interface ChildTable {
  id: Generated<string>;
  partnership_id: number;
  la_child_id: string;
  upn: string | null;
  nhs_number: string | null;
  first_name: string;
  last_name: string;
  date_of_birth: string | null;
  expected_birth_date: string | null;
  sex: string | null;
  ethnicity: string | null;
  postcode: string | null;
  locality: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface Database {
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
}
