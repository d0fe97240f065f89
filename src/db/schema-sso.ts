import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Timestamp } from './schema';

/** Tables of migration 2026_11_26_0300: single sign-on for partner agencies. */
export interface AgencySsoTable {
  agency_id: number;
  /** The partnership whose administrator set it up: people new to Beacon wait for its approval. */
  partnership_id: number;
  issuer_url: string;
  client_id: string;
  /** Encrypted with SSO_SECRET_KEY (platform/secret-box): Beacon must send it to the provider, so it cannot be hashed. */
  client_secret_sealed: string;
  email_domains: ColumnType<string[], string[] | undefined, string[]>;
  password_allowed: ColumnType<boolean, boolean | undefined, boolean>;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: Timestamp;
  updated_by: number | null;
}

/** A sign-in sent to a provider and not yet back: found by the digest of the browser's cookie, used once. */
export interface SsoAttemptTable {
  id: string;
  agency_id: number;
  state: string;
  nonce: string;
  code_verifier: string;
  next: string | null;
  created_at: Timestamp;
}

export interface SsoIdentityTable {
  user_id: number;
  issuer: string;
  subject: string;
  last_amr: string[] | null;
  last_acr: string | null;
  last_sign_in_at: Timestamp | null;
  created_at: CreatedAt;
}

export type AccountRequestStatus = 'pending' | 'approved' | 'refused';

export interface AccountRequestTable {
  id: Generated<string>;
  partnership_id: number;
  user_id: number;
  agency_id: number;
  status: ColumnType<AccountRequestStatus, AccountRequestStatus | undefined, AccountRequestStatus>;
  requested_at: Timestamp;
  decided_at: Timestamp | null;
  decided_by: number | null;
}

export interface SsoDatabase {
  agency_sso: AgencySsoTable;
  sso_attempt: SsoAttemptTable;
  sso_identity: SsoIdentityTable;
  account_request: AccountRequestTable;
}

declare module './schema' {
  interface SessionTable {
    /** How the identity provider says the person authenticated (RFC 8176 values), for a single sign-on session. */
    sso_amr: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
    sso_acr: ColumnType<string | null, string | null | undefined, string | null>;
  }
}
