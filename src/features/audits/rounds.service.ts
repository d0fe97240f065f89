import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { AuditAnswers, AuditCriteria, AuditRoundStatus, AuditScale, AuditTool } from '../../db/schema-audits';
import { isLearningTheme, type LearningTheme } from '../../domain/assurance';
import { addMonths } from '../../domain/calendar';
import { londonParts } from '../../domain/london';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { createActions, type NewAction } from '../actions/actions.service';
import { listAgencies } from '../agencies/agencies.service';
import { sample } from '../front-door-quality/quality.service';
import { MAX_TEXT, dateFromInput, many, monthText, one, type Body } from './forms';
import { findTheme, groupsOf, isUuid, questionsOf, roundReference } from './programme.service';
import { candidates } from './selection';
import { DEFAULT_SCORE_LABELS, gradeOptions, isGoodOrBetter } from './tool';

/**
 * A round of a theme, from planning to completion: the cases drawn at random, each agency's section for
 * each case, moderation of each case, and the round's findings, whose areas for improvement become
 * actions of the tracker when the round is completed.
 */

export const STATUS_LABELS: Record<AuditRoundStatus, string> = {
  planned: 'Planned', in_progress: 'Sections being completed', moderation: 'Moderation', completed: 'Completed',
};

const STATUS_PHRASES: Record<AuditRoundStatus, string> = {
  planned: 'has not started', in_progress: 'is under way', moderation: 'is in moderation', completed: 'is completed',
};

const today = (now: Date) => londonParts(now).date;

export type Round = {
  id: string; themeId: number; theme: string; shortName: string; learningTheme: LearningTheme; leadGroupId: number | null; reference: string;
  plannedDate: string; status: AuditRoundStatus; sectionsDue: string | null; tool: AuditTool | null; startedAt: Date | null; moderationAt: Date | null;
  completedAt: Date | null; summary: string | null; sampleSize: number; criteria: AuditCriteria; scale: AuditScale; scoreLabels: string[];
};

export async function findRound(db: Db, partnershipId: number, id: string): Promise<Round> {
  const r = isUuid(id)
    ? await db.selectFrom('audit_round as r').innerJoin('audit_theme as t', 't.id', 'r.theme_id')
      .select(['r.id', 'r.theme_id', 't.name', 't.short_name', 't.learning_theme', 't.lead_group_id', 'r.planned_date', 'r.status', 'r.sections_due', 'r.tool',
        'r.started_at', 'r.moderation_at', 'r.completed_at', 'r.summary', 't.sample_size', 't.criteria', 't.scale', 't.score_labels'])
      .where('r.partnership_id', '=', partnershipId).where('t.partnership_id', '=', partnershipId).where('r.id', '=', id).executeTakeFirst()
    : undefined;
  if (!r) throw new NotFound('No such audit round', 'audit_round', id.slice(0, 60));
  return {
    id: r.id, themeId: r.theme_id, theme: r.name, shortName: r.short_name, learningTheme: r.learning_theme as LearningTheme, leadGroupId: r.lead_group_id,
    reference: roundReference(r.short_name, r.planned_date), plannedDate: r.planned_date, status: r.status, sectionsDue: r.sections_due, tool: r.tool,
    startedAt: r.started_at, moderationAt: r.moderation_at, completedAt: r.completed_at, summary: r.summary, sampleSize: r.sample_size, criteria: r.criteria,
    // A started round grades on the scale it started with.
    scale: r.tool?.scale ?? r.scale, scoreLabels: r.tool?.scoreLabels ?? (r.score_labels.length === 4 ? r.score_labels : DEFAULT_SCORE_LABELS),
  };
}

function refuse(field: string, message: string): never {
  throw new ValidationFailed([{ field, message }]);
}

function requireStatus(round: Round, allowed: AuditRoundStatus[], field: string, what: string) {
  if (!allowed.includes(round.status)) refuse(field, `${what} is not possible: the round ${STATUS_PHRASES[round.status]}`);
}

/** Locks the round's row for the rest of the transaction: one change of a round at a time. */
async function lockRound(tx: Db, partnershipId: number, roundId: string, allowed: AuditRoundStatus[], field: string, what: string) {
  const row = await tx.selectFrom('audit_round').select('status').where('partnership_id', '=', partnershipId).where('id', '=', roundId).forUpdate().executeTakeFirst();
  if (!row) throw new NotFound('No such audit round', 'audit_round', roundId);
  if (!allowed.includes(row.status)) refuse(field, `${what} is not possible: the round ${STATUS_PHRASES[row.status]}`);
}

// ---------------------------------------------------------------------------------------------------------
// Planning

/** Reads the planned date of a round: a real date within five years either side of today. */
export function parsePlannedDate(input: Body, now: Date): string {
  const date = dateFromInput(input, 'plannedDate');
  if (date === null) refuse('plannedDate', 'Enter the date the round is planned for');
  if (date === 'invalid') refuse('plannedDate', 'The planned date must be a real date, like 14 3 2026');
  const t = today(now);
  if (date < addMonths(t, -60) || date > addMonths(t, 60)) refuse('plannedDate', 'The planned date must be within five years of today');
  return date;
}

async function checkMonthFree(db: Db, partnershipId: number, themeId: number, date: string, exceptId: string | null) {
  const clash = await db.selectFrom('audit_round').select('id').where('partnership_id', '=', partnershipId).where('theme_id', '=', themeId)
    .where(sql<boolean>`extract(year from planned_date) * 12 + extract(month from planned_date) = ${Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7))}`)
    .$if(exceptId !== null, (q) => q.where('id', '<>', exceptId!)).executeTakeFirst();
  if (clash) refuse('plannedDate', `The theme already has a round in ${monthText(date)}: a theme has one round a month`);
}

export async function scheduleRound(db: Db, partnershipId: number, themeId: number, plannedDate: string, userId: number | null, now: Date): Promise<string> {
  const theme = await findTheme(db, partnershipId, themeId);
  await checkMonthFree(db, partnershipId, theme.id, plannedDate, null);
  const { id } = await db.insertInto('audit_round').values({ partnership_id: partnershipId, theme_id: theme.id, planned_date: plannedDate, created_by: userId, created_at: now, updated_at: now })
    .returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function rescheduleRound(db: Db, partnershipId: number, roundId: string, plannedDate: string, now: Date): Promise<void> {
  const round = await findRound(db, partnershipId, roundId);
  requireStatus(round, ['planned'], 'plannedDate', 'Changing the planned date');
  await checkMonthFree(db, partnershipId, round.themeId, plannedDate, round.id);
  await db.updateTable('audit_round').set({ planned_date: plannedDate, updated_at: now })
    .where('partnership_id', '=', partnershipId).where('id', '=', round.id).where('status', '=', 'planned').execute();
}

// ---------------------------------------------------------------------------------------------------------
// Cases

export type RoundCase = {
  id: string; caseNumber: number; status: 'selected' | 'replaced'; matched: string[]; childId: string; laChildId: string; firstName: string | null;
  lastName: string | null; dateOfBirth: string | null; selectedAt: Date; replacedReason: string | null; replacedAt: Date | null;
  moderatedGrade: string | null; moderationNotes: string | null; moderatedAt: Date | null; moderatedBy: string | null;
};

/** The round's cases, current ones by number, then the replaced ones. Routes decide who sees the child. */
export async function casesOf(db: Db, partnershipId: number, roundId: string): Promise<RoundCase[]> {
  const rows = await db.selectFrom('audit_case as a').innerJoin('child as c', 'c.id', 'a.child_id').leftJoin('app_user as u', 'u.id', 'a.moderated_by')
    .select(['a.id', 'a.case_number', 'a.status', 'a.matched', 'a.child_id', 'c.la_child_id', 'c.first_name', 'c.last_name', 'c.date_of_birth', 'a.selected_at',
      'a.replaced_reason', 'a.replaced_at', 'a.moderated_grade', 'a.moderation_notes', 'a.moderated_at', 'u.name as moderated_by'])
    .where('a.partnership_id', '=', partnershipId).where('c.partnership_id', '=', partnershipId).where('a.round_id', '=', roundId)
    .orderBy('a.status', 'desc').orderBy('a.case_number').orderBy('a.selected_at').execute();
  return rows.map((r) => ({
    id: r.id, caseNumber: r.case_number, status: r.status, matched: r.matched, childId: r.child_id, laChildId: r.la_child_id, firstName: r.first_name,
    lastName: r.last_name, dateOfBirth: r.date_of_birth, selectedAt: r.selected_at, replacedReason: r.replaced_reason, replacedAt: r.replaced_at,
    moderatedGrade: r.moderated_grade, moderationNotes: r.moderation_notes, moderatedAt: r.moderated_at, moderatedBy: r.moderated_by,
  }));
}

export async function findCase(db: Db, partnershipId: number, roundId: string, caseId: string): Promise<RoundCase> {
  const c = isUuid(caseId) ? (await casesOf(db, partnershipId, roundId)).find((x) => x.id === caseId) : undefined;
  if (!c) throw new NotFound('No such case', 'audit_case', caseId.slice(0, 60));
  return c;
}

/** Empty sections of the round's agencies for new cases of a round under way. */
async function addSections(tx: Db, partnershipId: number, roundId: string, caseIds: string[]) {
  const agencies = await tx.selectFrom('audit_round_agency').select('agency_id').where('partnership_id', '=', partnershipId).where('round_id', '=', roundId).execute();
  const rows = caseIds.flatMap((caseId) => agencies.map((a) => ({ partnership_id: partnershipId, round_id: roundId, case_id: caseId, agency_id: a.agency_id })));
  if (rows.length) await tx.insertInto('audit_section').values(rows).execute();
}

export type SelectionOutcome = { wanted: number; selected: number; available: number };

/**
 * Draws children at random (crypto.randomInt: nobody can steer which cases are looked at) from those who
 * meet the theme's criteria today, up to the theme's sample size less the cases the round already has. A
 * child already drawn for the round, replaced or not, is never drawn again. New cases take the lowest
 * free case numbers.
 */
export async function selectCases(db: Db, partnershipId: number, roundId: string, userId: number | null, now: Date,
  random: (n: number) => number = randomInt): Promise<SelectionOutcome> {
  const round = await findRound(db, partnershipId, roundId);
  requireStatus(round, ['planned', 'in_progress'], 'select', 'Selecting cases');
  if (!round.criteria.rules.length) refuse('select', 'Set the theme’s case selection criteria before selecting cases');
  return db.transaction().execute(async (tx) => {
    await lockRound(tx, partnershipId, round.id, ['planned', 'in_progress'], 'select', 'Selecting cases');
    const current = await tx.selectFrom('audit_case').select('case_number').where('partnership_id', '=', partnershipId).where('round_id', '=', round.id)
      .where('status', '=', 'selected').execute();
    const wanted = Math.max(0, round.sampleSize - current.length);
    if (wanted === 0) refuse('select', `The round already has its ${round.sampleSize} cases`);
    const pool = await candidates(tx, partnershipId, round.criteria, today(now), round.id);
    const picked = sample(pool, wanted, random);
    const used = new Set(current.map((c) => c.case_number));
    const numbers: number[] = [];
    for (let n = 1; numbers.length < picked.length; n++) if (!used.has(n)) numbers.push(n);
    if (picked.length) {
      const rows = await tx.insertInto('audit_case').values(picked.map((p, i) => ({
        partnership_id: partnershipId, round_id: round.id, child_id: p.childId, case_number: numbers[i]!, matched: p.matched, selected_at: now, selected_by: userId,
      }))).returning('id').execute();
      if (round.status === 'in_progress') await addSections(tx, partnershipId, round.id, rows.map((r) => r.id));
    }
    return { wanted, selected: picked.length, available: pool.length };
  });
}

export function parseReplaceReason(input: Body): string {
  const reason = one(input.reason);
  if (!reason) refuse('reason', 'Enter why the case is replaced');
  if (reason.length > 1_000) refuse('reason', 'The reason must be 1,000 characters or fewer');
  return reason;
}

/**
 * Replaces a case with another child drawn at random, under the same case number, before any agency has
 * submitted its section for it. With no other child to draw, the case is removed. Its draft sections go.
 */
export async function replaceCase(db: Db, partnershipId: number, roundId: string, caseId: string, reason: string, userId: number | null, now: Date,
  random: (n: number) => number = randomInt): Promise<{ replacedBy: string | null }> {
  const round = await findRound(db, partnershipId, roundId);
  const old = await findCase(db, partnershipId, round.id, caseId);
  requireStatus(round, ['planned', 'in_progress'], 'reason', 'Replacing a case');
  if (old.status !== 'selected') refuse('reason', `Case ${old.caseNumber} has already been replaced`);
  return db.transaction().execute(async (tx) => {
    await lockRound(tx, partnershipId, round.id, ['planned', 'in_progress'], 'reason', 'Replacing a case');
    const submitted = await tx.selectFrom('audit_section').select('id').where('partnership_id', '=', partnershipId).where('case_id', '=', old.id)
      .where('status', '=', 'submitted').executeTakeFirst();
    if (submitted) refuse('reason', `An agency has submitted its section for case ${old.caseNumber}: it can no longer be replaced`);
    const updated = await tx.updateTable('audit_case').set({ status: 'replaced', replaced_reason: reason, replaced_at: now, replaced_by: userId })
      .where('partnership_id', '=', partnershipId).where('id', '=', old.id).where('status', '=', 'selected').executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) refuse('reason', `Case ${old.caseNumber} has already been replaced`);
    await tx.deleteFrom('audit_section').where('partnership_id', '=', partnershipId).where('case_id', '=', old.id).execute();
    const [pick] = sample(await candidates(tx, partnershipId, round.criteria, today(now), round.id), 1, random);
    if (!pick) return { replacedBy: null };
    const row = await tx.insertInto('audit_case').values({
      partnership_id: partnershipId, round_id: round.id, child_id: pick.childId, case_number: old.caseNumber, matched: pick.matched, selected_at: now, selected_by: userId,
    }).returning('id').executeTakeFirstOrThrow();
    if (round.status === 'in_progress') await addSections(tx, partnershipId, round.id, [row.id]);
    return { replacedBy: row.id };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Starting: the agencies' sections

export function parseSectionsDue(input: Body, now: Date): string {
  const due = dateFromInput(input, 'sectionsDue');
  if (due === null) refuse('sectionsDue', 'Enter the date the agencies’ sections are due');
  if (due === 'invalid') refuse('sectionsDue', 'The due date must be a real date, like 14 3 2026');
  const t = today(now);
  if (due < t) refuse('sectionsDue', 'The due date must be today or later');
  if (due > addMonths(t, 6)) refuse('sectionsDue', 'The due date must be within six months');
  return due;
}

/**
 * Starts the round: copies the theme's tool and agencies into it, and opens an empty section for each
 * agency and case. Emailing the agencies is the caller's next step (notifyRoundStarted).
 */
export async function startRound(db: Db, partnershipId: number, roundId: string, sectionsDue: string, userId: number | null, now: Date): Promise<void> {
  const round = await findRound(db, partnershipId, roundId);
  requireStatus(round, ['planned'], 'sectionsDue', 'Starting the round');
  const theme = await findTheme(db, partnershipId, round.themeId);
  const questions = await questionsOf(db, partnershipId, theme.id);
  const errors: FieldError[] = [];
  if (!questions.length) errors.push({ field: 'sectionsDue', message: 'Add at least one question to the theme’s audit tool before starting the round' });
  if (theme.agencies.length < 2) errors.push({ field: 'sectionsDue', message: 'Select at least two agencies for the theme before starting the round' });
  if (errors.length) throw new ValidationFailed(errors);
  await db.transaction().execute(async (tx) => {
    await lockRound(tx, partnershipId, round.id, ['planned'], 'sectionsDue', 'Starting the round');
    const cases = await tx.selectFrom('audit_case').select('id').where('partnership_id', '=', partnershipId).where('round_id', '=', round.id)
      .where('status', '=', 'selected').execute();
    if (!cases.length) refuse('sectionsDue', 'Select the cases before starting the round');
    const tool: AuditTool = { scale: theme.scale, scoreLabels: theme.scoreLabels, questions: questions.map((q) => ({ id: q.id, text: q.text, help: q.help })) };
    await tx.updateTable('audit_round').set({ status: 'in_progress', sections_due: sectionsDue, tool: JSON.stringify(tool), started_at: now, started_by: userId, updated_at: now })
      .where('partnership_id', '=', partnershipId).where('id', '=', round.id).execute();
    await tx.insertInto('audit_round_agency').values(theme.agencies.map((a) => ({ round_id: round.id, agency_id: a.id, partnership_id: partnershipId }))).execute();
    await addSections(tx, partnershipId, round.id, cases.map((c) => c.id));
  });
}

export type SectionProgress = {
  id: string; caseId: string; caseNumber: number; agencyId: number; agency: string; status: 'draft' | 'submitted'; started: boolean;
  overallGrade: string | null; submittedAt: Date | null; onTime: boolean | null;
};

/** Every section of the round, by case and agency. */
export async function sectionsOf(db: Db, partnershipId: number, roundId: string): Promise<SectionProgress[]> {
  const rows = await db.selectFrom('audit_section as s').innerJoin('audit_case as c', 'c.id', 's.case_id').innerJoin('agency as a', 'a.id', 's.agency_id')
    .innerJoin('audit_round as r', 'r.id', 's.round_id')
    .select(['s.id', 's.case_id', 'c.case_number', 's.agency_id', 'a.name', 's.status', 's.updated_at', 's.overall_grade', 's.submitted_at', 'r.sections_due'])
    .where('s.partnership_id', '=', partnershipId).where('s.round_id', '=', roundId).where('c.status', '=', 'selected')
    .orderBy('c.case_number').orderBy('a.name').execute();
  return rows.map((r) => ({
    id: r.id, caseId: r.case_id, caseNumber: r.case_number, agencyId: r.agency_id, agency: r.name, status: r.status, started: r.updated_at !== null,
    overallGrade: r.overall_grade, submittedAt: r.submitted_at,
    onTime: r.submitted_at && r.sections_due ? londonParts(r.submitted_at).date <= r.sections_due : null,
  }));
}

/** The agencies of a round under way (or of the theme before it starts). */
export async function roundAgencies(db: Db, partnershipId: number, round: Round): Promise<{ id: number; name: string }[]> {
  if (round.status === 'planned') return (await findTheme(db, partnershipId, round.themeId)).agencies;
  return db.selectFrom('audit_round_agency as ra').innerJoin('agency as a', 'a.id', 'ra.agency_id').select(['a.id', 'a.name'])
    .where('ra.partnership_id', '=', partnershipId).where('ra.round_id', '=', round.id).orderBy('a.name').execute();
}

// ---------------------------------------------------------------------------------------------------------
// An agency's section

export type Section = {
  id: string; roundId: string; caseId: string; caseNumber: number; agencyId: number; agency: string; status: 'draft' | 'submitted'; answers: AuditAnswers;
  overallGrade: string | null; strengths: string | null; development: string | null; updatedAt: Date | null; updatedBy: string | null;
  submittedAt: Date | null; submittedBy: string | null; version: number;
};

export async function findSection(db: Db, partnershipId: number, roundId: string, caseId: string, agencyId: string): Promise<Section> {
  const row = isUuid(caseId) && /^\d{1,9}$/.test(agencyId)
    ? await db.selectFrom('audit_section as s').innerJoin('audit_case as c', 'c.id', 's.case_id').innerJoin('agency as a', 'a.id', 's.agency_id')
      .leftJoin('app_user as u', 'u.id', 's.updated_by').leftJoin('app_user as sb', 'sb.id', 's.submitted_by')
      .select(['s.id', 's.round_id', 's.case_id', 'c.case_number', 's.agency_id', 'a.name', 's.status', 's.answers', 's.overall_grade', 's.strengths', 's.development',
        's.updated_at', 'u.name as updated_by', 's.submitted_at', 'sb.name as submitted_by', 's.version'])
      .where('s.partnership_id', '=', partnershipId).where('c.partnership_id', '=', partnershipId).where('s.round_id', '=', roundId)
      .where('s.case_id', '=', caseId).where('s.agency_id', '=', Number(agencyId)).where('c.status', '=', 'selected').executeTakeFirst()
    : undefined;
  if (!row) throw new NotFound('No such section', 'audit_section', `${caseId.slice(0, 40)}/${agencyId.slice(0, 10)}`);
  return {
    id: row.id, roundId: row.round_id, caseId: row.case_id, caseNumber: row.case_number, agencyId: row.agency_id, agency: row.name, status: row.status,
    answers: row.answers ?? {}, overallGrade: row.overall_grade, strengths: row.strengths, development: row.development, updatedAt: row.updated_at,
    updatedBy: row.updated_by, submittedAt: row.submitted_at, submittedBy: row.submitted_by, version: row.version,
  };
}

/** Every section of one case, for its moderation. */
export async function sectionsOfCase(db: Db, partnershipId: number, roundId: string, caseId: string): Promise<Section[]> {
  const agencies = await db.selectFrom('audit_section').select('agency_id').where('partnership_id', '=', partnershipId).where('round_id', '=', roundId)
    .where('case_id', '=', caseId).execute();
  const sections = await Promise.all(agencies.map((a) => findSection(db, partnershipId, roundId, caseId, String(a.agency_id))));
  return sections.sort((a, b) => a.agency.localeCompare(b.agency));
}

export type SectionForm = { answers: AuditAnswers; overallGrade: string | null; strengths: string | null; development: string | null; submit: boolean };

/**
 * Reads the section form. A draft keeps whatever is entered (checked only for valid grades and length);
 * submitting needs every question graded, a comment for each grade below good, the overall grade, and
 * the areas for development when that grade is below good.
 */
export function parseSectionForm(tool: AuditTool, input: Body): SectionForm {
  const errors: FieldError[] = [];
  const submit = one(input.intent) === 'submit';
  const options = gradeOptions(tool.scale, tool.scoreLabels);
  const valid = (g: string) => options.some((o) => o.value === g);
  const answers: AuditAnswers = {};
  tool.questions.forEach((q, i) => {
    const grade = one(input[`grade-${q.id}`]);
    const comment = one(input[`comment-${q.id}`]);
    const label = `question ${i + 1}`;
    if (grade && !valid(grade)) errors.push({ field: `grade-${q.id}`, message: `Select a grade for ${label}` });
    else if (submit && !grade) errors.push({ field: `grade-${q.id}`, message: `Select a grade for ${label}: ${q.text}` });
    else if (submit && !isGoodOrBetter(tool.scale, grade) && !comment) errors.push({ field: `comment-${q.id}`, message: `Say why, for the grade of ${label}: a grade below good needs a comment` });
    if (comment.length > MAX_TEXT) errors.push({ field: `comment-${q.id}`, message: `The comment on ${label} must be ${MAX_TEXT} characters or fewer` });
    answers[String(q.id)] = { grade: grade || null, comment };
  });
  const overall = one(input.overallGrade);
  const strengths = one(input.strengths);
  const development = one(input.development);
  if (overall && !valid(overall)) errors.push({ field: 'overallGrade', message: 'Select the agency’s overall grade' });
  else if (submit && !overall) errors.push({ field: 'overallGrade', message: 'Select the agency’s overall grade for the case' });
  else if (submit && !isGoodOrBetter(tool.scale, overall) && !development) errors.push({ field: 'development', message: 'Enter the areas for development: an overall grade below good needs them' });
  if (strengths.length > MAX_TEXT) errors.push({ field: 'strengths', message: `The strengths must be ${MAX_TEXT} characters or fewer` });
  if (development.length > MAX_TEXT) errors.push({ field: 'development', message: `The areas for development must be ${MAX_TEXT} characters or fewer` });
  if (errors.length) throw new ValidationFailed(errors);
  return { answers, overallGrade: overall || null, strengths: strengths || null, development: development || null, submit };
}

/**
 * Saves an agency's section as a draft or submits it. A submitted section is final; a section changed by
 * someone else since the form was opened (its version moved on) is refused rather than overwritten.
 */
export async function saveSection(db: Db, partnershipId: number, section: Section, form: SectionForm, version: number, userId: number, now: Date): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await lockRound(tx, partnershipId, section.roundId, ['in_progress'], 'form', 'Changing a section');
    const updated = await tx.updateTable('audit_section').set({
      answers: JSON.stringify(form.answers), overall_grade: form.overallGrade, strengths: form.strengths, development: form.development,
      updated_at: now, updated_by: userId, version: sql<number>`version + 1`,
      ...(form.submit ? { status: 'submitted' as const, submitted_at: now, submitted_by: userId } : {}),
    }).where('partnership_id', '=', partnershipId).where('id', '=', section.id).where('status', '=', 'draft').where('version', '=', version).executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      const fresh = await tx.selectFrom('audit_section').select('status').where('id', '=', section.id).executeTakeFirstOrThrow();
      refuse('form', fresh.status === 'submitted'
        ? 'This section has already been submitted and can no longer be changed'
        : 'Someone else saved this section after you opened it: check what is shown and save again');
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// Moderation and findings

/** Moves the round to moderation: with every section submitted, or when the manager decides to go on without the rest. */
export async function beginModeration(db: Db, partnershipId: number, roundId: string, proceed: boolean, now: Date): Promise<{ missing: number }> {
  const round = await findRound(db, partnershipId, roundId);
  requireStatus(round, ['in_progress'], 'proceed', 'Starting moderation');
  return db.transaction().execute(async (tx) => {
    await lockRound(tx, partnershipId, round.id, ['in_progress'], 'proceed', 'Starting moderation');
    const missing = Number((await tx.selectFrom('audit_section as s').innerJoin('audit_case as c', 'c.id', 's.case_id')
      .select((eb) => eb.fn.countAll<string>().as('n')).where('s.partnership_id', '=', partnershipId).where('s.round_id', '=', round.id)
      .where('c.status', '=', 'selected').where('s.status', '=', 'draft').executeTakeFirstOrThrow()).n);
    if (missing && !proceed) {
      refuse('proceed', `${missing} ${missing === 1 ? 'section is' : 'sections are'} not submitted: confirm that moderation goes ahead without ${missing === 1 ? 'it' : 'them'}`);
    }
    await tx.updateTable('audit_round').set({ status: 'moderation', moderation_at: now, updated_at: now })
      .where('partnership_id', '=', partnershipId).where('id', '=', round.id).execute();
    return { missing };
  });
}

export type Moderation = { grade: string; notes: string };

export function parseModerationForm(round: Round, input: Body): Moderation {
  const errors: FieldError[] = [];
  const grade = one(input.grade);
  const notes = one(input.notes);
  if (!gradeOptions(round.scale, round.scoreLabels).some((o) => o.value === grade)) errors.push({ field: 'grade', message: 'Select the moderated grade for the case' });
  if (!notes) errors.push({ field: 'notes', message: 'Enter the moderation notes: why the case has this grade' });
  else if (notes.length > MAX_TEXT) errors.push({ field: 'notes', message: `The moderation notes must be ${MAX_TEXT} characters or fewer` });
  if (errors.length) throw new ValidationFailed(errors);
  return { grade, notes };
}

export async function moderateCase(db: Db, partnershipId: number, roundId: string, caseId: string, form: Moderation, userId: number, now: Date): Promise<void> {
  const round = await findRound(db, partnershipId, roundId);
  const c = await findCase(db, partnershipId, round.id, caseId);
  if (c.status !== 'selected') throw new NotFound('No such case', 'audit_case', caseId);
  await db.transaction().execute(async (tx) => {
    await lockRound(tx, partnershipId, round.id, ['moderation'], 'grade', 'Moderating a case');
    await tx.updateTable('audit_case').set({ moderated_grade: form.grade, moderation_notes: form.notes, moderated_at: now, moderated_by: userId })
      .where('partnership_id', '=', partnershipId).where('id', '=', c.id).execute();
  });
}

export type Finding = {
  id: string; number: number; kind: 'strength' | 'improvement'; text: string; actionDescription: string | null; ownerAgencyId: number | null;
  ownerAgency: string | null; dueDate: string | null; themes: string[]; groupId: number | null; group: string | null; actionId: string | null;
};

export async function findingsOf(db: Db, partnershipId: number, roundId: string): Promise<Finding[]> {
  const rows = await db.selectFrom('audit_finding as f').leftJoin('agency as a', 'a.id', 'f.owner_agency_id')
    .leftJoin('assurance_group as g', (j) => j.onRef('g.id', '=', 'f.group_id').on('g.partnership_id', '=', partnershipId))
    .select(['f.id', 'f.number', 'f.kind', 'f.text', 'f.action_description', 'f.owner_agency_id', 'a.name as owner_agency', 'f.due_date', 'f.themes',
      'f.group_id', 'g.name as group_name', 'f.action_id'])
    .where('f.partnership_id', '=', partnershipId).where('f.round_id', '=', roundId).orderBy('f.number').execute();
  return rows.map((r) => ({
    id: r.id, number: r.number, kind: r.kind, text: r.text, actionDescription: r.action_description, ownerAgencyId: r.owner_agency_id, ownerAgency: r.owner_agency,
    dueDate: r.due_date, themes: r.themes, groupId: r.group_id, group: r.group_name, actionId: r.action_id,
  }));
}

export async function findFinding(db: Db, partnershipId: number, roundId: string, id: string): Promise<Finding> {
  const f = isUuid(id) ? (await findingsOf(db, partnershipId, roundId)).find((x) => x.id === id) : undefined;
  if (!f) throw new NotFound('No such finding', 'audit_finding', id.slice(0, 60));
  return f;
}

export type FindingForm = Omit<Finding, 'id' | 'number' | 'ownerAgency' | 'group' | 'actionId'>;

/** Reads the finding form: an area for improvement needs its action, the agency that owns it and a due date. */
export async function parseFindingForm(db: Db, partnershipId: number, input: Body, now: Date): Promise<FindingForm> {
  const errors: FieldError[] = [];
  const kind = one(input.kind);
  const text = one(input.text);
  if (kind !== 'strength' && kind !== 'improvement') errors.push({ field: 'kind', message: 'Select whether the finding is a strength or an area for improvement' });
  if (!text) errors.push({ field: 'text', message: 'Enter the finding' });
  else if (text.length > MAX_TEXT) errors.push({ field: 'text', message: `The finding must be ${MAX_TEXT} characters or fewer` });
  const themes = many(input.themes);
  if (themes.some((t) => !isLearningTheme(t))) errors.push({ field: 'themes', message: 'Select learning themes from the list' });
  const form: FindingForm = { kind: kind as FindingForm['kind'], text, actionDescription: null, ownerAgencyId: null, dueDate: null, themes, groupId: null };
  if (kind === 'improvement') {
    const action = one(input.actionDescription);
    if (!action) errors.push({ field: 'actionDescription', message: 'Enter the action to be taken' });
    else if (action.length > MAX_TEXT) errors.push({ field: 'actionDescription', message: `The action must be ${MAX_TEXT} characters or fewer` });
    const owner = one(input.ownerAgencyId);
    const agencies = await listAgencies(db, partnershipId);
    if (!agencies.some((a) => String(a.id) === owner)) errors.push({ field: 'ownerAgencyId', message: 'Select the agency that owns the action' });
    const due = dateFromInput(input, 'dueDate');
    if (due === null) errors.push({ field: 'dueDate', message: 'Enter the date the action is due' });
    else if (due === 'invalid') errors.push({ field: 'dueDate', message: 'The due date must be a real date, like 30 6 2026' });
    else if (due < today(now)) errors.push({ field: 'dueDate', message: 'The due date must be today or later' });
    else if (due > addMonths(today(now), 36)) errors.push({ field: 'dueDate', message: 'The due date must be within three years' });
    const group = one(input.groupId);
    if (group && !(await groupsOf(db, partnershipId)).some((g) => String(g.id) === group)) errors.push({ field: 'groupId', message: 'Select a group of this partnership' });
    Object.assign(form, { actionDescription: action, ownerAgencyId: Number(owner), dueDate: due, groupId: group ? Number(group) : null });
  }
  if (errors.length) throw new ValidationFailed(errors);
  return form;
}

const findingValues = (f: FindingForm) => ({
  kind: f.kind, text: f.text, action_description: f.actionDescription, owner_agency_id: f.ownerAgencyId, due_date: f.dueDate, themes: f.themes, group_id: f.groupId,
});

export async function addFinding(db: Db, partnershipId: number, roundId: string, form: FindingForm, userId: number, now: Date): Promise<string> {
  return db.transaction().execute(async (tx) => {
    await lockRound(tx, partnershipId, roundId, ['moderation'], 'text', 'Adding a finding');
    const last = await tx.selectFrom('audit_finding').select((eb) => eb.fn.max('number').as('n')).where('partnership_id', '=', partnershipId)
      .where('round_id', '=', roundId).executeTakeFirst();
    const { id } = await tx.insertInto('audit_finding').values({
      partnership_id: partnershipId, round_id: roundId, number: Number(last?.n ?? 0) + 1, ...findingValues(form), created_by: userId, created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    return id;
  });
}

export async function updateFinding(db: Db, partnershipId: number, roundId: string, id: string, form: FindingForm, now: Date): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await lockRound(tx, partnershipId, roundId, ['moderation'], 'text', 'Changing a finding');
    await tx.updateTable('audit_finding').set({ ...findingValues(form), updated_at: now })
      .where('partnership_id', '=', partnershipId).where('round_id', '=', roundId).where('id', '=', id).execute();
  });
}

export async function removeFinding(db: Db, partnershipId: number, roundId: string, id: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await lockRound(tx, partnershipId, roundId, ['moderation'], 'text', 'Removing a finding');
    await tx.deleteFrom('audit_finding').where('partnership_id', '=', partnershipId).where('round_id', '=', roundId).where('id', '=', id).execute();
  });
}

/** The reference of a finding's action: "MAA Neglect 2026-03 F1". */
export const findingReference = (round: Round, number: number) => `${round.reference} F${number}`;

export function parseSummary(input: Body): string | null {
  const summary = one(input.summary);
  if (summary.length > MAX_TEXT) refuse('summary', `The summary must be ${MAX_TEXT} characters or fewer`);
  return summary || null;
}

/**
 * Completes the round: every case moderated, then each area for improvement added to the action tracker
 * and the round closed, all in one transaction. If the tracker refuses any action, nothing is written.
 */
export async function completeRound(db: Db, partnershipId: number, roundId: string, summary: string | null, userId: number, now: Date): Promise<{ actions: number }> {
  const round = await findRound(db, partnershipId, roundId);
  requireStatus(round, ['moderation'], 'complete', 'Completing the round');
  return db.transaction().execute(async (tx) => {
    await lockRound(tx, partnershipId, round.id, ['moderation'], 'complete', 'Completing the round');
    const unmoderated = (await casesOf(tx, partnershipId, round.id)).filter((c) => c.status === 'selected' && !c.moderatedGrade);
    if (unmoderated.length) {
      throw new ValidationFailed(unmoderated.map((c) => ({ field: 'complete', message: `Moderate case ${c.caseNumber} before completing the round` })));
    }
    const improvements = (await findingsOf(tx, partnershipId, round.id)).filter((f) => f.kind === 'improvement');
    const actions: NewAction[] = improvements.map((f) => ({
      source: 'audit', sourceId: round.id, reference: findingReference(round, f.number), recommendation: f.text, description: f.actionDescription!,
      ownerAgencyId: f.ownerAgencyId!, groupId: f.groupId ?? round.leadGroupId, themes: f.themes.length ? f.themes : [round.learningTheme], dueDate: f.dueDate!,
    }));
    let ids: string[];
    try {
      ids = await createActions(tx, partnershipId, actions, userId, now);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      // The tracker names the action by position; the manager knows it by its finding.
      throw new ValidationFailed(err.errors.map((e) => {
        const [pos] = e.field.split('.');
        const f = improvements[actions.length > 1 ? Number(pos) - 1 : 0];
        return { field: 'complete', message: `Finding F${f?.number ?? '?'}: ${e.message}` };
      }));
    }
    for (const [i, f] of improvements.entries()) {
      await tx.updateTable('audit_finding').set({ action_id: ids[i]!, updated_at: now }).where('id', '=', f.id).execute();
    }
    await tx.updateTable('audit_round').set({ status: 'completed', summary, completed_at: now, completed_by: userId, updated_at: now })
      .where('partnership_id', '=', partnershipId).where('id', '=', round.id).execute();
    return { actions: ids.length };
  });
}
