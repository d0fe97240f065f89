import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, TextArray, Timestamp } from './schema';

export type CourseLevel = '1' | '2' | '3' | '4';
export type CourseDelivery = 'face_to_face' | 'virtual' | 'e_learning';
export type SessionStatus = 'planned' | 'scheduled' | 'cancelled';
export type BookingStatus = 'confirmed' | 'waiting' | 'cancelled';
export type Attendance = 'attended' | 'absent';
export type EvaluationKind = 'evaluation' | 'impact';

/** The partnership's training rules. */
export type TrainingSettings = {
  /** A person may cancel their own booking until this many hours before the session starts (default 48). */
  cancellationCutoffHours: number;
  /** Charged to a person who was booked and did not attend; null: no charge (default). */
  nonAttendanceChargePence: number | null;
};

/** A course of the partnership's multi-agency training programme. */
export interface CourseTable {
  id: Generated<string>;
  partnership_id: number;
  title: string;
  summary: string;
  description: string;
  audience: string;
  level: CourseLevel;
  delivery: CourseDelivery;
  duration_minutes: number;
  learning_outcomes: TextArray;
  /** Learning theme codes (LEARNING_THEMES): the priorities the course serves. */
  themes: TextArray;
  status: Generated<'active' | 'retired'>;
  created_at: CreatedAt;
}

/** One running of a course; for e-learning, an enrolment window (ends_at: complete by). */
export interface CourseSessionTable {
  id: Generated<string>;
  partnership_id: number;
  course_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  venue: string | null;
  joining_link: string | null;
  capacity: number;
  trainers: Generated<string>;
  trainer_user_id: number | null;
  status: Generated<SessionStatus>;
  cancelled_reason: string | null;
  created_at: CreatedAt;
  version: Generated<number>;
}

/** A person's place on a session, or their place on its waiting list. */
export interface BookingTable {
  id: Generated<string>;
  partnership_id: number;
  session_id: string;
  user_id: number;
  status: BookingStatus;
  booked_at: Timestamp;
  confirmed_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  cancelled_reason: string | null;
  attendance: Attendance | null;
  attendance_marked_at: Timestamp | null;
  attendance_marked_by: number | null;
  charge_pence: number | null;
  reminder_sent_at: Timestamp | null;
  evaluation_requested_at: Timestamp | null;
  impact_requested_at: Timestamp | null;
  certificate_number: string | null;
}

/** The form after a course (evaluation) or the survey some weeks later (impact). */
export interface TrainingEvaluationTable {
  id: Generated<string>;
  partnership_id: number;
  booking_id: string;
  kind: EvaluationKind;
  submitted_at: Timestamp;
  overall: number | null;
  confidence_before: number | null;
  confidence_after: number | null;
  answers: ColumnType<Record<string, unknown>, string | undefined, string>;
  practice_change: string | null;
  comments: string | null;
}

/** A one-time link to verify a self-registered address; only the token's SHA-256 is kept. */
export interface EmailVerificationTable {
  id: Generated<string>;
  user_id: number;
  token_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface TrainingDatabase {
  course: CourseTable;
  course_session: CourseSessionTable;
  booking: BookingTable;
  training_evaluation: TrainingEvaluationTable;
  email_verification: EmailVerificationTable;
}
