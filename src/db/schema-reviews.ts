import type { Generated } from 'kysely';
import type { CreatedAt, TextArray, Timestamp } from './schema';

export type AbuseOrNeglect = 'known' | 'suspected' | 'neither';
export type Harm = 'died' | 'serious_harm' | 'neither';
export type NotifyDecision = 'notify' | 'not_notify';
export type RapidReviewDecision = 'practice_review' | 'no_practice_review' | 'other_learning';
export type PanelResponse = 'agrees' | 'disagrees';
export type ReturnStatus = 'not_started' | 'draft' | 'submitted';

/** A serious incident and the reviews that follow it: notification, rapid review, practice review. */
export interface ReviewTable {
  id: Generated<string>;
  partnership_id: number;
  ref_year: number;
  ref_number: number;
  reference: string;
  aware_on: string;
  summary: string;
  abuse_or_neglect: AbuseOrNeglect;
  harm: Harm;
  notify_decision: NotifyDecision | null;
  notify_rationale: string | null;
  decided_on: string | null;
  notified_on: string | null;
  rr_meeting_on: string | null;
  rr_decision: RapidReviewDecision | null;
  rr_rationale: string | null;
  other_learning: string | null;
  other_learning_completed_on: string | null;
  rr_decided_on: string | null;
  rr_sent_on: string | null;
  panel_response: PanelResponse | null;
  panel_response_on: string | null;
  panel_note: string | null;
  cspr_commissioned_on: string | null;
  cspr_terms: string | null;
  cspr_lead_reviewer: string | null;
  cspr_reviewer_independent: boolean | null;
  cspr_completed_on: string | null;
  cspr_published_on: string | null;
  cspr_publication_url: string | null;
  themes: TextArray;
  closed_on: string | null;
  closing_note: string | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  version: Generated<number>;
}

/** An agency involved in the incident, with its information return for the rapid review. */
export interface ReviewAgencyTable {
  review_id: string;
  agency_id: number;
  partnership_id: number;
  status: Generated<ReturnStatus>;
  chronology: string | null;
  learning: string | null;
  submitted_at: Timestamp | null;
  submitted_by: number | null;
  updated_at: Timestamp | null;
  updated_by: number | null;
  version: Generated<number>;
}

export interface ReviewChildTable {
  review_id: string;
  child_id: string;
  partnership_id: number;
  position: number;
  linked_at: Timestamp;
  linked_by: number | null;
}

export interface ReviewMilestoneTable {
  id: Generated<number>;
  review_id: string;
  partnership_id: number;
  name: string;
  due_on: string;
  completed_on: string | null;
}

export interface ReviewRecommendationTable {
  id: Generated<number>;
  review_id: string;
  partnership_id: number;
  number: number;
  text: string;
  created_by: number | null;
  created_at: CreatedAt;
}

export interface LearningBriefingTable {
  id: Generated<number>;
  review_id: string;
  partnership_id: number;
  title: string;
  key_messages: string;
  audience: string;
  published_on: string | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type ReminderClock = 'notification' | 'rapid_review';
export type ReminderState = 'due_soon' | 'overdue';

export interface ReviewReminderTable {
  review_id: string;
  partnership_id: number;
  clock: ReminderClock;
  state: ReminderState;
  due_on: string;
  sent_at: Timestamp;
  emails: Generated<number>;
}

export interface ReviewsDatabase {
  review: ReviewTable;
  review_agency: ReviewAgencyTable;
  review_child: ReviewChildTable;
  review_milestone: ReviewMilestoneTable;
  review_recommendation: ReviewRecommendationTable;
  learning_briefing: LearningBriefingTable;
  review_reminder: ReviewReminderTable;
}
