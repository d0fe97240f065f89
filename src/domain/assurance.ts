/**
 * The words of the partnership's assurance work, shared by reviews, audits, Section 11, governance and
 * the action tracker: learning themes, where an action came from, its status and its RAG.
 */

/** Learning themes the National Panel and local reviews return to; a partnership tags its work with them. */
export const LEARNING_THEMES = {
  neglect: 'Neglect',
  non_mobile_babies: 'Bruising and injury in non-mobile babies',
  safe_sleep: 'Safe sleep and sudden unexpected death in infancy',
  exploitation: 'Child exploitation (sexual and criminal)',
  domestic_abuse: 'Domestic abuse',
  parental_mental_health: 'Parental mental health',
  parental_substance_misuse: 'Parental drug and alcohol use',
  hidden_men: 'Fathers and men in the household',
  voice_of_the_child: 'The voice and lived experience of the child',
  information_sharing: 'Information sharing between agencies',
  professional_curiosity: 'Professional curiosity and challenge',
  education: 'Education, attendance and elective home education',
  online_harm: 'Online harm',
  disabled_children: 'Disabled children',
  adolescent_risk: 'Adolescents at risk outside the home',
  transitions: 'Transition to adult services',
  re_referrals: 'Re-referrals and step-down',
  thresholds: 'Thresholds and decision making',
} as const;
export type LearningTheme = keyof typeof LEARNING_THEMES;
export const LEARNING_THEME_CODES = Object.keys(LEARNING_THEMES) as LearningTheme[];

export function isLearningTheme(value: string): value is LearningTheme {
  return Object.hasOwn(LEARNING_THEMES, value);
}

export const ACTION_SOURCES = {
  review: 'Review',
  audit: 'Multi-agency audit',
  section_11: 'Section 11',
  inspection: 'Inspection',
  meeting: 'Partnership meeting',
  challenge: 'Challenge log',
  other: 'Other',
} as const;
export type ActionSourceCode = keyof typeof ACTION_SOURCES;

export const ACTION_STATUSES = {
  open: 'Not started',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
} as const;
export type ActionStatusCode = keyof typeof ACTION_STATUSES;

/**
 * Blue, red, amber, green as partnership action logs use them: blue is completed, red is past its due date,
 * amber is due within the next 14 days, green is on track. A cancelled action has no RAG.
 */
export type ActionRag = 'blue' | 'red' | 'amber' | 'green' | 'none';
export const ACTION_RAG_LABELS: Record<ActionRag, string> = {
  blue: 'Completed', red: 'Overdue', amber: 'Due soon', green: 'On track', none: 'Cancelled',
};
export const DUE_SOON_DAYS = 14;

export function actionRag(action: { status: ActionStatusCode; due_date: string }, today: string): ActionRag {
  if (action.status === 'completed') return 'blue';
  if (action.status === 'cancelled') return 'none';
  if (action.due_date < today) return 'red';
  const days = (Date.parse(`${action.due_date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000;
  return days <= DUE_SOON_DAYS ? 'amber' : 'green';
}
