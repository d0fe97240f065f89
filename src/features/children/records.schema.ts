import { isIsoDate } from '../../domain/calendar';
import { checkCode, codesFor, collectionYearOf, type CodeListId } from '../../domain/codes';
import { isValidNhsNumber, upnProblem } from '../../domain/identifiers';
import { londonInstant, londonParts } from '../../domain/london';
import type { FieldError } from '../../platform/errors';

/**
 * The journey's records as form definitions: one list of fields per record type, read by one form
 * template and one validator. Field names are the table's column names.
 */

export type Field =
  | { name: string; label: string; kind: 'date'; required?: boolean; hint?: string; future?: boolean }
  | { name: string; label: string; kind: 'datetime'; required?: boolean; hint?: string }
  | { name: string; label: string; kind: 'code'; list: CodeListId; required?: boolean; hint?: string }
  | { name: string; label: string; kind: 'codes'; list: CodeListId; hint?: string }
  | { name: string; label: string; kind: 'boolean'; required?: boolean; hint?: string }
  | { name: string; label: string; kind: 'choice'; options: { value: string; text: string }[]; required?: boolean; hint?: string }
  | { name: string; label: string; kind: 'number'; min: number; max: number; hint?: string }
  | { name: string; label: string; kind: 'text'; required?: boolean; hint?: string; max?: number; check?: (value: string) => string | null };

export type ParentKind = 'child' | 'referral' | 'cp_plan' | 'strategy_discussion' | 's47_enquiry';

export type RecordType = {
  type: RecordTable | 'child';
  title: string;
  /** The record this one belongs to: the child, or one of the child's referrals or plans. */
  parent: ParentKind;
  /** Optional links to sibling records (a Section 47 enquiry to the strategy discussion that started it). */
  links?: { name: string; label: string; of: ParentKind }[];
  /** The field whose date dates the record: the collection year its codes are judged by (none: today's). */
  dateField: string | null;
  fields: Field[];
  /** Columns the return needs that follow from the fields (a missing episode's dates from its times). */
  derive?: (values: RecordValues) => RecordValues;
};

export type RecordTable =
  | 'referral' | 'assessment' | 'strategy_discussion' | 's47_enquiry' | 'initial_conference' | 'cp_plan' | 'cp_plan_review'
  | 'cp_core_group' | 'cp_visit' | 'cin_plan' | 'cla_episode' | 'cla_review' | 'health_assessment' | 'missing_episode'
  | 'exploitation_assessment';

const yesNo = (name: string, label: string, hint?: string): Field => ({ name, label, kind: 'boolean', ...(hint ? { hint } : {}) });

export const RECORD_TYPES: RecordType[] = [
  { type: 'referral', title: 'Referral', parent: 'child', dateField: 'referral_date', fields: [
    { name: 'referral_date', label: 'Date of referral', kind: 'date', required: true },
    { name: 'referral_source', label: 'Referral source', kind: 'code', list: 'referralSource', required: true },
    { name: 'primary_need', label: 'Primary need', kind: 'code', list: 'primaryNeed' },
    yesNo('referral_nfa', 'No further action?', 'The referral needed no further action'),
    { name: 'closure_date', label: 'Date the case closed', kind: 'date' },
    { name: 'closure_reason', label: 'Reason for closure', kind: 'code', list: 'reasonForClosure' },
  ] },
  { type: 'assessment', title: 'Assessment', parent: 'referral', dateField: 'start_date', fields: [
    { name: 'start_date', label: 'Date the assessment started', kind: 'date', required: true },
    { name: 'internal_review_date', label: 'Internal review date', kind: 'date' },
    { name: 'authorisation_date', label: 'Date the assessment was authorised', kind: 'date' },
    { name: 'factors', label: 'Factors identified at assessment', kind: 'codes', list: 'assessmentFactor' },
    yesNo('child_seen', 'Was the child seen?'),
  ] },
  { type: 'strategy_discussion', title: 'Strategy discussion', parent: 'referral', dateField: 'concern_date', fields: [
    { name: 'concern_date', label: 'Date of the concern of significant harm', kind: 'date', required: true },
    { name: 'discussion_date', label: 'Date the discussion was held', kind: 'date' },
    yesNo('s47_initiated', 'Did it initiate a Section 47 enquiry?'),
  ] },
  { type: 's47_enquiry', title: 'Section 47 enquiry', parent: 'referral', dateField: 'start_date',
    links: [{ name: 'strategy_discussion_id', label: 'Strategy discussion that initiated it', of: 'strategy_discussion' }], fields: [
      { name: 'start_date', label: 'Date the enquiry started', kind: 'date', required: true },
      { name: 'initial_cpc_target', label: 'Target date for the initial conference', kind: 'date' },
      yesNo('icpc_not_required', 'Was a conference found not to be needed?'),
      { name: 'outcome_date', label: 'Date of the outcome', kind: 'date' },
    ] },
  { type: 'initial_conference', title: 'Initial child protection conference', parent: 'referral', dateField: 'conference_date',
    links: [{ name: 's47_enquiry_id', label: 'Section 47 enquiry it followed', of: 's47_enquiry' }], fields: [
      { name: 'conference_date', label: 'Date of the conference', kind: 'date', required: true },
      yesNo('resulted_in_plan', 'Did it result in a child protection plan?'),
    ] },
  { type: 'cp_plan', title: 'Child protection plan', parent: 'referral', dateField: 'start_date', fields: [
    { name: 'start_date', label: 'Date the plan started', kind: 'date', required: true },
    { name: 'initial_category', label: 'Initial category of abuse', kind: 'code', list: 'categoryOfAbuse', required: true },
    { name: 'latest_category', label: 'Latest category of abuse', kind: 'code', list: 'categoryOfAbuse' },
    { name: 'previous_plans', label: 'Number of previous child protection plans', kind: 'number', min: 0, max: 50 },
    { name: 'end_date', label: 'Date the plan ended', kind: 'date' },
  ] },
  { type: 'cp_plan_review', title: 'Review conference', parent: 'cp_plan', dateField: 'review_date', fields: [
    { name: 'review_date', label: 'Date of the review conference', kind: 'date', required: true },
  ] },
  { type: 'cp_core_group', title: 'Core group meeting', parent: 'cp_plan', dateField: 'meeting_date', fields: [
    { name: 'meeting_date', label: 'Date of the meeting', kind: 'date', required: true },
  ] },
  { type: 'cp_visit', title: 'Statutory visit', parent: 'cp_plan', dateField: 'visit_date', fields: [
    { name: 'visit_date', label: 'Date of the visit', kind: 'date', required: true },
    yesNo('seen_alone', 'Was the child seen alone?'),
  ] },
  { type: 'cin_plan', title: 'Child in need plan', parent: 'referral', dateField: 'start_date', fields: [
    { name: 'start_date', label: 'Date the plan started', kind: 'date', required: true },
    { name: 'end_date', label: 'Date the plan ended', kind: 'date' },
  ] },
  { type: 'cla_episode', title: 'Looked-after episode', parent: 'child', dateField: 'start_date', fields: [
    { name: 'start_date', label: 'Date the episode started', kind: 'date', required: true },
    { name: 'reason_new_episode', label: 'Reason for new episode', kind: 'code', list: 'reasonNewEpisode', required: true },
    { name: 'legal_status', label: 'Legal status', kind: 'code', list: 'legalStatus', required: true },
    { name: 'category_of_need', label: 'Category of need', kind: 'code', list: 'primaryNeed903', required: true },
    { name: 'placement_type', label: 'Placement type', kind: 'code', list: 'placementType', required: true },
    { name: 'placement_provider', label: 'Placement provider', kind: 'code', list: 'placementProvider' },
    { name: 'home_postcode', label: 'Home postcode', kind: 'text' },
    { name: 'placement_postcode', label: 'Placement postcode', kind: 'text' },
    { name: 'urn', label: 'Ofsted URN of the placement', kind: 'text' },
    { name: 'end_date', label: 'Date the episode ended', kind: 'date' },
    { name: 'reason_ceased', label: 'Reason the episode ended', kind: 'code', list: 'reasonEpisodeCeased' },
    { name: 'reason_place_change', label: 'Reason for a change of placement', kind: 'code', list: 'reasonPlaceChange' },
  ] },
  { type: 'cla_review', title: 'Looked-after review', parent: 'child', dateField: 'review_date', fields: [
    { name: 'review_date', label: 'Date of the review', kind: 'date', required: true },
    { name: 'review_code', label: 'Participation in the review', kind: 'code', list: 'reviewCode' },
  ] },
  { type: 'health_assessment', title: 'Health assessment', parent: 'child', dateField: 'assessment_date', fields: [
    { name: 'kind', label: 'Kind of assessment', kind: 'choice', required: true, options: [{ value: 'initial', text: 'Initial health assessment' }, { value: 'review', text: 'Review health assessment' }] },
    { name: 'assessment_date', label: 'Date of the assessment', kind: 'date', required: true },
  ] },
  { type: 'missing_episode', title: 'Missing episode', parent: 'child', dateField: 'started_at',
    // The 903 return holds MIS_START and MIS_END as dates: the London dates of the times recorded.
    derive: (v) => ({ start_date: v.started_at instanceof Date ? londonParts(v.started_at).date : null, end_date: v.returned_at instanceof Date ? londonParts(v.returned_at).date : null }),
    fields: [
    { name: 'missing_type', label: 'Missing or away?', kind: 'choice', required: true, options: [{ value: 'M', text: 'Missing (whereabouts unknown)' }, { value: 'A', text: 'Away without authorisation (whereabouts known)' }] },
    { name: 'started_at', label: 'When the child went missing', kind: 'datetime', required: true },
    { name: 'returned_at', label: 'When the child returned', kind: 'datetime' },
    { name: 'return_interview_offered_at', label: 'When a return interview was offered', kind: 'datetime', hint: 'Within 72 hours of the return' },
    yesNo('return_interview_accepted', 'Was the return interview accepted?'),
    { name: 'return_interview_at', label: 'When the return interview took place', kind: 'datetime' },
  ] },
  { type: 'exploitation_assessment', title: 'Exploitation risk assessment', parent: 'child', dateField: 'assessment_date', fields: [
    { name: 'kind', label: 'Kind of exploitation', kind: 'choice', required: true, options: [{ value: 'sexual', text: 'Sexual' }, { value: 'criminal', text: 'Criminal' }] },
    { name: 'assessment_date', label: 'Date of the assessment', kind: 'date', required: true },
    { name: 'risk_level', label: 'Level of risk', kind: 'choice', required: true, options: [{ value: 'low', text: 'Low' }, { value: 'medium', text: 'Medium' }, { value: 'high', text: 'High' }] },
  ] },
];

export const RECORD_TYPE = new Map(RECORD_TYPES.map((r) => [r.type, r]));

/** The child's own details, checked as the CIN census checks them. */
export const CHILD_DETAILS: RecordType = {
  // A child's details are current facts: their codes are judged by this year's lists.
  type: 'child', title: 'Child’s details', parent: 'child', dateField: null, fields: [
    { name: 'first_name', label: 'First name', kind: 'text', required: true, max: 100 },
    { name: 'last_name', label: 'Last name', kind: 'text', required: true, max: 100 },
    { name: 'la_child_id', label: 'LA child ID', kind: 'text', required: true, max: 20, hint: 'Up to 20 letters and numbers',
      // CIN rules 1570 and 1580.
      check: (v) => (/^[A-Za-z0-9]+$/.test(v) ? null : 'LA child ID must contain only letters and numbers') },
    { name: 'date_of_birth', label: 'Date of birth', kind: 'date', hint: 'Leave blank for an unborn child' },
    { name: 'expected_birth_date', label: 'Expected date of birth (unborn child)', kind: 'date', future: true },
    { name: 'sex', label: 'Sex', kind: 'code', list: 'sex' },
    { name: 'ethnicity', label: 'Ethnicity', kind: 'code', list: 'ethnicity' },
    { name: 'disabilities', label: 'Disabilities', kind: 'codes', list: 'disability' },
    { name: 'upn', label: 'Unique pupil number (UPN)', kind: 'text', max: 13, check: (v) => upnProblem(v.toUpperCase())?.message ?? null },
    { name: 'former_upn', label: 'Former UPN', kind: 'text', max: 13, check: (v) => (upnProblem(v.toUpperCase()) ? 'Former UPN wrongly formatted' : null) },
    { name: 'upn_unknown', label: 'Reason the UPN is unknown', kind: 'code', list: 'upnUnknown' },
    { name: 'nhs_number', label: 'NHS number', kind: 'text', max: 12, hint: '10 digits, like 943 476 5919',
      check: (v) => (isValidNhsNumber(v) ? null : 'Enter a valid NHS number: 10 digits with the right check digit') },
    { name: 'address', label: 'Address', kind: 'text', max: 300 },
    { name: 'postcode', label: 'Postcode', kind: 'text', max: 8 },
    { name: 'locality', label: 'Locality', kind: 'text', max: 60 },
  ],
};

export type FormValues = Record<string, string | string[] | undefined>;
export type RecordValues = Record<string, string | string[] | boolean | number | Date | null>;

const DATE_PARTS = ['day', 'month', 'year'] as const;

/** The form's value of a field, as the page shows it back. */
export function formValueOf(field: Field, record: Record<string, unknown>): FormValues {
  const v = record[field.name];
  if (field.kind === 'date') {
    const [year, month, day] = typeof v === 'string' ? v.split('-') : [];
    return { [`${field.name}-day`]: day ? String(Number(day)) : '', [`${field.name}-month`]: month ? String(Number(month)) : '', [`${field.name}-year`]: year ?? '' };
  }
  if (field.kind === 'datetime') {
    const d = v instanceof Date ? v : typeof v === 'string' ? new Date(v) : null;
    if (!d) return { [`${field.name}-date`]: '', [`${field.name}-time`]: '' };
    const { date, time } = londonParts(d);
    const [year, month, day] = date.split('-');
    return { [`${field.name}-date`]: `${Number(day)}/${Number(month)}/${year}`, [`${field.name}-time`]: time.slice(0, 5) };
  }
  if (field.kind === 'boolean') return { [field.name]: v === true ? 'yes' : v === false ? 'no' : '' };
  if (field.kind === 'codes') return { [field.name]: Array.isArray(v) ? v.map(String) : [] };
  return { [field.name]: v === null || v === undefined ? '' : String(v) };
}

/**
 * Reads and checks a submitted form against its record type: each field's own rules, codes valid in the
 * collection year of the record's date, no date in the future, and dates in order. Checks that need
 * other records (a plan after its conference) are the service's.
 */
export function parseRecordForm(def: RecordType, form: FormValues, today: string): { values: RecordValues; errors: FieldError[] } {
  const values: RecordValues = {};
  const errors: FieldError[] = [];
  const one = (name: string) => {
    const v = form[name];
    return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
  };
  const mainDate = def.dateField === null ? today
    : def.fields.find((f) => f.name === def.dateField)?.kind === 'datetime' ? isoFromSlashes(one(`${def.dateField}-date`))
      : readDate(one(`${def.dateField}-day`), one(`${def.dateField}-month`), one(`${def.dateField}-year`));
  const year = typeof mainDate === 'string' && isIsoDate(mainDate) ? collectionYearOf(mainDate) : collectionYearOf(today);
  for (const f of def.fields) {
    const label = f.label;
    switch (f.kind) {
      case 'date': {
        const parts = DATE_PARTS.map((p) => one(`${f.name}-${p}`));
        const date = readDate(parts[0]!, parts[1]!, parts[2]!);
        if (date === null) {
          values[f.name] = null;
          if (f.required) errors.push({ field: `${f.name}-day`, message: `Enter the ${lowerFirst(label)}` });
        } else if (date === 'invalid') {
          errors.push({ field: `${f.name}-day`, message: `${label} must be a real date, like 27 3 2024` });
        } else if (date > today && !f.future) {
          errors.push({ field: `${f.name}-day`, message: `${label} must be today or in the past` });
        } else values[f.name] = date;
        break;
      }
      case 'datetime': {
        const dateText = one(`${f.name}-date`);
        const timeText = one(`${f.name}-time`);
        if (!dateText && !timeText) {
          values[f.name] = null;
          if (f.required) errors.push({ field: `${f.name}-date`, message: `Enter ${lowerFirst(label)}` });
          break;
        }
        const instant = readLondonDateTime(dateText, timeText);
        if (!instant) errors.push({ field: `${f.name}-date`, message: `${label}: enter a date like 27/3/2024 and a 24-hour time like 14:30` });
        else if (instant.toISOString().slice(0, 10) > today) errors.push({ field: `${f.name}-date`, message: `${label} must be now or in the past` });
        else values[f.name] = instant;
        break;
      }
      case 'code': {
        const v = one(f.name);
        if (!v) {
          values[f.name] = null;
          if (f.required) errors.push({ field: f.name, message: `Select the ${lowerFirst(label)}` });
          break;
        }
        const check = checkCode(f.list, v, year);
        if (!check.ok) errors.push({ field: f.name, message: `${label}: ${check.message}` });
        else values[f.name] = v;
        break;
      }
      case 'codes': {
        const raw = form[f.name];
        const chosen = (Array.isArray(raw) ? raw : raw ? [raw] : []).map((c) => c.trim()).filter(Boolean);
        const bad = chosen.map((c) => checkCode(f.list, c, year)).find((c) => !c.ok);
        if (bad && !bad.ok) errors.push({ field: f.name, message: `${label}: ${bad.message}` });
        else values[f.name] = [...new Set(chosen)];
        break;
      }
      case 'boolean': {
        const v = one(f.name);
        values[f.name] = v === 'yes' ? true : v === 'no' ? false : null;
        if (v && v !== 'yes' && v !== 'no') errors.push({ field: f.name, message: `${label}: select yes or no` });
        else if (!v && f.required) errors.push({ field: f.name, message: `Select yes or no: ${lowerFirst(label)}` });
        break;
      }
      case 'choice': {
        const v = one(f.name);
        if (!v) {
          values[f.name] = null;
          if (f.required) errors.push({ field: f.name, message: `Select the ${lowerFirst(label)}` });
        } else if (!f.options.some((o) => o.value === v)) errors.push({ field: f.name, message: `${label}: select one of the options` });
        else values[f.name] = v;
        break;
      }
      case 'number': {
        const v = one(f.name);
        if (!v) values[f.name] = null;
        else if (!/^\d+$/.test(v) || Number(v) < f.min || Number(v) > f.max) errors.push({ field: f.name, message: `${label} must be a whole number from ${f.min} to ${f.max}` });
        else values[f.name] = Number(v);
        break;
      }
      case 'text': {
        const v = one(f.name);
        const problem = !v ? (f.required ? `Enter the ${lowerFirst(label)}` : null) : v.length > (f.max ?? 200) ? `${label} must be ${f.max ?? 200} characters or fewer` : f.check?.(v) ?? null;
        if (problem) errors.push({ field: f.name, message: problem });
        else values[f.name] = v || null;
        break;
      }
    }
  }
  errors.push(...orderProblems(def, values));
  return { values: errors.length === 0 && def.derive ? { ...values, ...def.derive(values) } : values, errors };
}

/** Pairs of fields that must come in order within one record. */
const ORDER: Record<string, [string, string, string][]> = {
  referral: [['referral_date', 'closure_date', 'The case cannot close before the referral']],
  assessment: [['start_date', 'authorisation_date', 'The assessment cannot be authorised before it started'], ['start_date', 'internal_review_date', 'The internal review cannot be before the assessment started']],
  strategy_discussion: [['concern_date', 'discussion_date', 'The discussion cannot be before the concern it discusses']],
  s47_enquiry: [['start_date', 'outcome_date', 'The outcome cannot be before the enquiry started'], ['start_date', 'initial_cpc_target', 'The conference target cannot be before the enquiry started']],
  cp_plan: [['start_date', 'end_date', 'The plan cannot end before it started']],
  cin_plan: [['start_date', 'end_date', 'The plan cannot end before it started']],
  cla_episode: [['start_date', 'end_date', 'The episode cannot end before it started']],
  missing_episode: [['started_at', 'returned_at', 'The child cannot return before going missing'], ['returned_at', 'return_interview_offered_at', 'A return interview cannot be offered before the child returned'], ['returned_at', 'return_interview_at', 'The return interview cannot be before the child returned']],
};

function orderProblems(def: RecordType, values: RecordValues): FieldError[] {
  const errors: FieldError[] = [];
  for (const [a, b, message] of ORDER[def.type] ?? []) {
    const first = values[a];
    const second = values[b];
    if (first && second && key(second) < key(first)) {
      const field = def.fields.find((f) => f.name === b)!;
      errors.push({ field: field.kind === 'date' ? `${b}-day` : field.kind === 'datetime' ? `${b}-date` : b, message });
    }
  }
  if (def.type === 'referral' && values.closure_date && !values.closure_reason) errors.push({ field: 'closure_reason', message: 'Select the reason for closure' });
  if (def.type === 'cla_episode' && values.end_date && !values.reason_ceased) errors.push({ field: 'reason_ceased', message: 'Select the reason the episode ended' });
  return errors;
}

function key(v: RecordValues[string]): string {
  return v instanceof Date ? v.toISOString() : String(v);
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** A GOV.UK date input's three boxes as an ISO date; null where the boxes are empty; 'invalid' where they do not make a date. */
function readDate(day: string, month: string, year: string): string | null {
  if (!day && !month && !year) return null;
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return 'invalid';
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : 'invalid';
}

function isoFromSlashes(text: string): string | null {
  const d = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  return d ? `${d[3]}-${d[2]!.padStart(2, '0')}-${d[1]!.padStart(2, '0')}` : null;
}

/** A London wall-clock date and time as an instant: people type the time on the clock in front of them. */
function readLondonDateTime(dateText: string, timeText: string): Date | null {
  const d = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(dateText);
  const t = /^(\d{1,2})[:.](\d{2})$/.exec(timeText || '00:00');
  if (!d || !t || Number(t[1]) > 23 || Number(t[2]) > 59) return null;
  const iso = `${d[3]}-${d[2]!.padStart(2, '0')}-${d[1]!.padStart(2, '0')}`;
  if (!isIsoDate(iso)) return null;
  return londonInstant(iso, `${t[1]!.padStart(2, '0')}:${t[2]}:00`);
}

/** The codes a select offers: this year's list, plus the record's own code if it has since left the list. */
export function codeOptions(list: CodeListId, today: string, current: string | undefined) {
  const options = codesFor(list, collectionYearOf(today)).map((c) => ({ value: c.code, text: `${c.code}: ${c.label}` }));
  if (current && !options.some((o) => o.value === current)) options.push({ value: current, text: current });
  return options;
}
