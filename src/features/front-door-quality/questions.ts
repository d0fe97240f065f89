/** What a front door quality audit asks, how it grades, and the kinds of audit in the regime. */

export const AUDIT_KINDS = ['manager', 'multi_agency', 'dip'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export const KIND_LABELS: Record<AuditKind, string> = {
  manager: 'Team manager and senior social worker audits',
  multi_agency: 'MASH multi-agency audits',
  dip: 'Head of service dip audits',
};

export const GRADES = ['outstanding', 'good', 'requires_improvement', 'inadequate'] as const;
export type Grade = (typeof GRADES)[number];

export const GRADE_LABELS: Record<Grade, string> = {
  outstanding: 'Outstanding',
  good: 'Good',
  requires_improvement: 'Requires improvement',
  inadequate: 'Inadequate',
};

/** Grades below good, for which the auditor must say what is to be learnt. */
export const NEEDS_LEARNING: ReadonlySet<Grade> = new Set(['requires_improvement', 'inadequate']);

export const ANSWERS = ['yes', 'partly', 'no'] as const;
export type Answer = (typeof ANSWERS)[number];
export const ANSWER_LABELS: Record<Answer, string> = { yes: 'Yes', partly: 'Partly', no: 'No' };

/** The questions every audit of a front door decision asks, each answered Yes, Partly or No with a comment. */
export const QUESTIONS = [
  { id: 'threshold', text: 'Was the threshold applied correctly?' },
  { id: 'consent', text: 'Was consent handled lawfully?' },
  { id: 'voice', text: 'Was the child’s voice considered?' },
  { id: 'agencies', text: 'Were the right agencies checked?' },
  { id: 'timely', text: 'Was the decision timely?' },
  { id: 'oversight', text: 'Was management oversight recorded?' },
] as const;
export type QuestionId = (typeof QUESTIONS)[number]['id'];

export type AuditAnswers = Record<string, { answer: Answer; comment: string }>;
