import type { Db } from '../../db/create-db';
import type { AuditCriteria, AuditRoundStatus, AuditScale } from '../../db/schema-audits';
import { LEARNING_THEMES, isLearningTheme, type LearningTheme } from '../../domain/assurance';
import { addMonths } from '../../domain/calendar';
import { NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { listAgencies } from '../agencies/agencies.service';
import { MAX_TEXT, many, one, type Body } from './forms';
import { DEFAULT_SCORE_LABELS, isScale } from './tool';

/**
 * The multi-agency audit programme: the themes audited, each with its frequency, lead group, agencies,
 * sample, case selection criteria and audit tool, and the schedule of their rounds.
 */

export type Theme = {
  id: number; name: string; shortName: string; learningTheme: LearningTheme; description: string | null; frequencyMonths: number;
  leadGroupId: number | null; leadGroup: string | null; sampleSize: number; criteria: AuditCriteria; scale: AuditScale; scoreLabels: string[];
  active: boolean; agencies: { id: number; name: string }[];
};

export const isId = (id: string) => /^\d{1,9}$/.test(id);
export const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export async function findTheme(db: Db, partnershipId: number, id: string | number): Promise<Theme> {
  const row = isId(String(id))
    ? await db.selectFrom('audit_theme as t').leftJoin('assurance_group as g', (j) => j.onRef('g.id', '=', 't.lead_group_id').on('g.partnership_id', '=', partnershipId))
      .selectAll('t').select('g.name as lead_group')
      .where('t.partnership_id', '=', partnershipId).where('t.id', '=', Number(id)).executeTakeFirst()
    : undefined;
  if (!row) throw new NotFound('No such audit theme', 'audit_theme', String(id).slice(0, 60));
  const agencies = await db.selectFrom('audit_theme_agency as ta').innerJoin('agency as a', 'a.id', 'ta.agency_id')
    .select(['a.id', 'a.name']).where('ta.partnership_id', '=', partnershipId).where('ta.theme_id', '=', row.id).orderBy('a.name').execute();
  return {
    id: row.id, name: row.name, shortName: row.short_name, learningTheme: row.learning_theme as LearningTheme, description: row.description,
    frequencyMonths: row.frequency_months, leadGroupId: row.lead_group_id, leadGroup: row.lead_group, sampleSize: row.sample_size,
    criteria: row.criteria, scale: row.scale, scoreLabels: row.score_labels.length === 4 ? row.score_labels : DEFAULT_SCORE_LABELS,
    active: row.active, agencies,
  };
}

export type ThemeForm = {
  name: string; shortName: string; learningTheme: LearningTheme; description: string | null; frequencyMonths: number; leadGroupId: number | null;
  agencyIds: number[]; sampleSize: number; scale: AuditScale; scoreLabels: string[]; active: boolean;
};

/** The groups that may lead a theme: the partnership's active ones. */
export function groupsOf(db: Db, partnershipId: number) {
  return db.selectFrom('assurance_group').select(['id', 'name']).where('partnership_id', '=', partnershipId).where('active', '=', true).orderBy('name').execute();
}

const wholeNumber = (raw: string, min: number, max: number) => /^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max;

/** Reads and checks the theme form against the partnership's groups and agencies. */
export async function parseThemeForm(db: Db, partnershipId: number, input: Body): Promise<ThemeForm> {
  const errors: FieldError[] = [];
  const name = one(input.name);
  const shortName = one(input.shortName);
  const description = one(input.description);
  if (!name) errors.push({ field: 'name', message: 'Enter the name of the theme' });
  else if (name.length > 120) errors.push({ field: 'name', message: 'The name must be 120 characters or fewer' });
  if (!shortName) errors.push({ field: 'shortName', message: 'Enter a short name for references, like Neglect or CSE' });
  else if (!/^[A-Za-z0-9][A-Za-z0-9 -]{0,29}$/.test(shortName)) errors.push({ field: 'shortName', message: 'The short name must be up to 30 letters, numbers, spaces or hyphens' });
  const learningTheme = one(input.learningTheme);
  if (!isLearningTheme(learningTheme)) errors.push({ field: 'learningTheme', message: 'Select the learning theme' });
  if (description.length > MAX_TEXT) errors.push({ field: 'description', message: `The purpose must be ${MAX_TEXT} characters or fewer` });
  const frequency = one(input.frequencyMonths);
  if (!frequency) errors.push({ field: 'frequencyMonths', message: 'Enter how often the theme is audited, in months' });
  else if (!wholeNumber(frequency, 1, 36)) errors.push({ field: 'frequencyMonths', message: 'How often must be a whole number of months from 1 to 36' });
  const sample = one(input.sampleSize);
  if (!sample) errors.push({ field: 'sampleSize', message: 'Enter the number of cases audited in each round' });
  else if (!wholeNumber(sample, 1, 100)) errors.push({ field: 'sampleSize', message: 'The number of cases must be a whole number from 1 to 100' });
  const group = one(input.leadGroupId);
  const groups = await groupsOf(db, partnershipId);
  if (group && !groups.some((g) => String(g.id) === group)) errors.push({ field: 'leadGroupId', message: 'Select a group of this partnership' });
  const agencies = await listAgencies(db, partnershipId);
  const chosen = many(input.agencies);
  const agencyIds = agencies.filter((a) => chosen.includes(String(a.id))).map((a) => a.id);
  if (agencyIds.length !== chosen.length) errors.push({ field: 'agencies', message: 'Select agencies of this partnership' });
  else if (agencyIds.length < 2) errors.push({ field: 'agencies', message: 'Select at least two agencies: a multi-agency audit needs more than one' });
  const scale = one(input.scale);
  if (!isScale(scale)) errors.push({ field: 'scale', message: 'Select the grading scale' });
  const scoreLabels = [0, 1, 2, 3].map((n) => one(input[`scoreLabel${n}`]));
  if (scale === 'score') {
    scoreLabels.forEach((l, n) => {
      if (!l) errors.push({ field: `scoreLabel${n}`, message: `Enter what a score of ${n} means` });
      else if (l.length > 40) errors.push({ field: `scoreLabel${n}`, message: `What a score of ${n} means must be 40 characters or fewer` });
    });
  }
  const active = one(input.active);
  if (active && active !== 'yes' && active !== 'no') errors.push({ field: 'active', message: 'Select whether the theme is being audited' });
  if (errors.length) throw new ValidationFailed(errors);
  return {
    name, shortName, learningTheme: learningTheme as LearningTheme, description: description || null, frequencyMonths: Number(frequency),
    leadGroupId: group ? Number(group) : null, agencyIds, sampleSize: Number(sample), scale: scale as AuditScale,
    scoreLabels: scale === 'score' ? scoreLabels : [], active: active !== 'no',
  };
}

async function checkUnique(db: Db, partnershipId: number, form: ThemeForm, exceptId: number | null) {
  const clash = await db.selectFrom('audit_theme').select(['name', 'short_name']).where('partnership_id', '=', partnershipId)
    .where((eb) => eb.or([eb(eb.fn('lower', ['name']), '=', form.name.toLowerCase()), eb(eb.fn('lower', ['short_name']), '=', form.shortName.toLowerCase())]))
    .$if(exceptId !== null, (q) => q.where('id', '<>', exceptId!)).execute();
  const errors: FieldError[] = [];
  if (clash.some((c) => c.name.toLowerCase() === form.name.toLowerCase())) errors.push({ field: 'name', message: 'The partnership already has a theme of that name' });
  if (clash.some((c) => c.short_name.toLowerCase() === form.shortName.toLowerCase())) errors.push({ field: 'shortName', message: 'Another theme already has that short name' });
  if (errors.length) throw new ValidationFailed(errors);
}

export async function createTheme(db: Db, partnershipId: number, form: ThemeForm, now: Date): Promise<number> {
  await checkUnique(db, partnershipId, form, null);
  return db.transaction().execute(async (tx) => {
    const { id } = await tx.insertInto('audit_theme').values({
      partnership_id: partnershipId, name: form.name, short_name: form.shortName, learning_theme: form.learningTheme, description: form.description,
      frequency_months: form.frequencyMonths, lead_group_id: form.leadGroupId, sample_size: form.sampleSize, scale: form.scale,
      score_labels: form.scoreLabels, active: form.active, criteria: JSON.stringify({ match: 'all', rules: [] }), created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    await tx.insertInto('audit_theme_agency').values(form.agencyIds.map((a) => ({ theme_id: id, agency_id: a, partnership_id: partnershipId }))).execute();
    return id;
  });
}

/** Saves a theme's settings. Its scale is fixed once a round has started: past grades would read on another scale. */
export async function updateTheme(db: Db, partnershipId: number, id: number, form: ThemeForm, now: Date): Promise<void> {
  const theme = await findTheme(db, partnershipId, id);
  await checkUnique(db, partnershipId, form, theme.id);
  if (form.scale !== theme.scale) {
    const started = await db.selectFrom('audit_round').select('id').where('partnership_id', '=', partnershipId).where('theme_id', '=', theme.id)
      .where('status', '<>', 'planned').executeTakeFirst();
    if (started) throw new ValidationFailed([{ field: 'scale', message: 'The grading scale cannot change once a round has started: past grades would read on another scale' }]);
  }
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('audit_theme').set({
      name: form.name, short_name: form.shortName, learning_theme: form.learningTheme, description: form.description, frequency_months: form.frequencyMonths,
      lead_group_id: form.leadGroupId, sample_size: form.sampleSize, scale: form.scale, score_labels: form.scoreLabels, active: form.active, updated_at: now,
    }).where('partnership_id', '=', partnershipId).where('id', '=', theme.id).execute();
    await tx.deleteFrom('audit_theme_agency').where('partnership_id', '=', partnershipId).where('theme_id', '=', theme.id).execute();
    await tx.insertInto('audit_theme_agency').values(form.agencyIds.map((a) => ({ theme_id: theme.id, agency_id: a, partnership_id: partnershipId }))).execute();
  });
}

export async function saveCriteria(db: Db, partnershipId: number, id: number, criteria: AuditCriteria, now: Date): Promise<void> {
  const theme = await findTheme(db, partnershipId, id);
  await db.updateTable('audit_theme').set({ criteria: JSON.stringify(criteria), updated_at: now })
    .where('partnership_id', '=', partnershipId).where('id', '=', theme.id).execute();
}

// ---------------------------------------------------------------------------------------------------------
// The audit tool's questions

export type Question = { id: number; position: number; text: string; help: string | null };

export function questionsOf(db: Db, partnershipId: number, themeId: number): Promise<Question[]> {
  return db.selectFrom('audit_question').select(['id', 'position', 'text', 'help'])
    .where('partnership_id', '=', partnershipId).where('theme_id', '=', themeId).orderBy('position').orderBy('id').execute();
}

export async function findQuestion(db: Db, partnershipId: number, themeId: number, id: string): Promise<Question> {
  const q = isId(id) ? (await questionsOf(db, partnershipId, themeId)).find((x) => x.id === Number(id)) : undefined;
  if (!q) throw new NotFound('No such question', 'audit_question', id.slice(0, 60));
  return q;
}

export type QuestionForm = { text: string; help: string | null; position: number | null };

export function parseQuestionForm(input: Body, count: number): QuestionForm {
  const errors: FieldError[] = [];
  const text = one(input.text);
  const help = one(input.help);
  const position = one(input.position);
  if (!text) errors.push({ field: 'text', message: 'Enter the question' });
  else if (text.length > 500) errors.push({ field: 'text', message: 'The question must be 500 characters or fewer' });
  if (help.length > 1_000) errors.push({ field: 'help', message: 'The help must be 1,000 characters or fewer' });
  if (input.position !== undefined && !wholeNumber(position, 1, Math.max(1, count))) {
    errors.push({ field: 'position', message: `The position must be a whole number from 1 to ${Math.max(1, count)}` });
  }
  if (errors.length) throw new ValidationFailed(errors);
  return { text, help: help || null, position: input.position === undefined ? null : Number(position) };
}

/** Numbers the questions 1..n in the order given, so positions never have gaps or ties. */
async function renumber(db: Db, partnershipId: number, ordered: number[]) {
  for (const [i, id] of ordered.entries()) {
    await db.updateTable('audit_question').set({ position: i + 1 }).where('partnership_id', '=', partnershipId).where('id', '=', id).execute();
  }
}

export async function addQuestion(db: Db, partnershipId: number, themeId: number, form: QuestionForm): Promise<number> {
  const theme = await findTheme(db, partnershipId, themeId);
  return db.transaction().execute(async (tx) => {
    const count = (await questionsOf(tx, partnershipId, theme.id)).length;
    const { id } = await tx.insertInto('audit_question').values({ theme_id: theme.id, partnership_id: partnershipId, position: count + 1, text: form.text, help: form.help })
      .returning('id').executeTakeFirstOrThrow();
    return id;
  });
}

export async function updateQuestion(db: Db, partnershipId: number, themeId: number, questionId: number, form: QuestionForm): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('audit_question').set({ text: form.text, help: form.help })
      .where('partnership_id', '=', partnershipId).where('theme_id', '=', themeId).where('id', '=', questionId).execute();
    if (form.position !== null) {
      const others = (await questionsOf(tx, partnershipId, themeId)).map((q) => q.id).filter((id) => id !== questionId);
      others.splice(form.position - 1, 0, questionId);
      await renumber(tx, partnershipId, others);
    }
  });
}

/** Removes a question from the tool; rounds already started keep their own copy of it. */
export async function removeQuestion(db: Db, partnershipId: number, themeId: number, questionId: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('audit_question').where('partnership_id', '=', partnershipId).where('theme_id', '=', themeId).where('id', '=', questionId).execute();
    await renumber(tx, partnershipId, (await questionsOf(tx, partnershipId, themeId)).map((q) => q.id));
  });
}

// ---------------------------------------------------------------------------------------------------------
// The schedule

/**
 * When a theme's next round is due: an unstarted planned round's date, or else the last round's date plus
 * the theme's frequency; null for a theme never audited. Overdue once that date has passed.
 */
export function nextRound(rounds: { plannedDate: string; status: AuditRoundStatus }[], frequencyMonths: number, today: string)
  : { date: string; scheduled: boolean; overdue: boolean } | null {
  const planned = rounds.filter((r) => r.status === 'planned').sort((a, b) => a.plannedDate.localeCompare(b.plannedDate))[0];
  if (planned) return { date: planned.plannedDate, scheduled: true, overdue: planned.plannedDate < today };
  const last = [...rounds].sort((a, b) => b.plannedDate.localeCompare(a.plannedDate))[0];
  if (!last) return null;
  const date = addMonths(last.plannedDate, frequencyMonths);
  return { date, scheduled: false, overdue: date < today };
}

export type ThemeRow = {
  id: number; name: string; learningTheme: string; frequencyMonths: number; leadGroup: string | null; agencies: string[]; sampleSize: number; active: boolean;
  questions: number; hasCriteria: boolean; lastCompleted: string | null; next: ReturnType<typeof nextRound>;
};

export type ScheduledRound = {
  id: string; themeId: number; theme: string; shortName: string; plannedDate: string; status: AuditRoundStatus; sectionsDue: string | null;
  completedAt: Date | null; reference: string;
};

export const roundReference = (shortName: string, plannedDate: string) => `MAA ${shortName} ${plannedDate.slice(0, 7)}`;

/** Every round of the partnership's themes (or of one theme), latest first. */
export async function roundsOf(db: Db, partnershipId: number, themeId?: number): Promise<ScheduledRound[]> {
  const rows = await db.selectFrom('audit_round as r').innerJoin('audit_theme as t', 't.id', 'r.theme_id')
    .select(['r.id', 'r.theme_id', 't.name', 't.short_name', 'r.planned_date', 'r.status', 'r.sections_due', 'r.completed_at'])
    .where('r.partnership_id', '=', partnershipId).where('t.partnership_id', '=', partnershipId)
    .$if(themeId !== undefined, (q) => q.where('r.theme_id', '=', themeId!))
    .orderBy('r.planned_date', 'desc').orderBy('t.name').execute();
  return rows.map((r) => ({
    id: r.id, themeId: r.theme_id, theme: r.name, shortName: r.short_name, plannedDate: r.planned_date, status: r.status, sectionsDue: r.sections_due,
    completedAt: r.completed_at, reference: roundReference(r.short_name, r.planned_date),
  }));
}

/** The programme: each theme with its agencies, tool, last completed round and next round due. */
export async function listThemes(db: Db, partnershipId: number, today: string): Promise<ThemeRow[]> {
  const themes = await db.selectFrom('audit_theme as t').leftJoin('assurance_group as g', (j) => j.onRef('g.id', '=', 't.lead_group_id').on('g.partnership_id', '=', partnershipId))
    .select(['t.id', 't.name', 't.learning_theme', 't.frequency_months', 't.sample_size', 't.active', 't.criteria', 'g.name as lead_group',
      (eb) => eb.selectFrom('audit_question as q').select(eb.fn.countAll<string>().as('n')).whereRef('q.theme_id', '=', 't.id').as('questions')])
    .where('t.partnership_id', '=', partnershipId).orderBy('t.active', 'desc').orderBy('t.name').execute();
  const agencies = await db.selectFrom('audit_theme_agency as ta').innerJoin('agency as a', 'a.id', 'ta.agency_id')
    .select(['ta.theme_id', 'a.name']).where('ta.partnership_id', '=', partnershipId).orderBy('a.name').execute();
  const rounds = await roundsOf(db, partnershipId);
  return themes.map((t) => {
    const own = rounds.filter((r) => r.themeId === t.id);
    return {
      id: t.id, name: t.name, learningTheme: LEARNING_THEMES[t.learning_theme as LearningTheme] ?? t.learning_theme, frequencyMonths: t.frequency_months,
      leadGroup: t.lead_group, agencies: agencies.filter((a) => a.theme_id === t.id).map((a) => a.name), sampleSize: t.sample_size, active: t.active,
      questions: Number(t.questions ?? 0), hasCriteria: t.criteria.rules.length > 0,
      lastCompleted: own.find((r) => r.status === 'completed')?.plannedDate ?? null,
      next: t.active ? nextRound(own, t.frequency_months, today) : null,
    };
  });
}

export type AuditCounts = { roundsUnderWay: number; themesOverdue: number; sectionsOverdue: number; agencySectionsToSubmit: number };

/**
 * The programme in four numbers, for the assurance hub: rounds under way (sections or moderation),
 * themes whose next round is overdue, sections past their due date still draft, and one agency's
 * sections still to submit in rounds under way.
 */
export async function auditCounts(db: Db, partnershipId: number, today: string, agencyId?: number): Promise<AuditCounts> {
  const themes = await listThemes(db, partnershipId, today);
  const row = await db.selectFrom('audit_section as s').innerJoin('audit_round as r', 'r.id', 's.round_id').innerJoin('audit_case as c', 'c.id', 's.case_id')
    .select((eb) => [
      eb.fn.countAll<string>().filterWhere('r.sections_due', '<', today).as('overdue'),
      eb.fn.countAll<string>().filterWhere('s.agency_id', '=', agencyId ?? -1).as('agency'),
    ])
    .where('s.partnership_id', '=', partnershipId).where('r.status', '=', 'in_progress').where('s.status', '=', 'draft').where('c.status', '=', 'selected')
    .executeTakeFirstOrThrow();
  const underWay = await db.selectFrom('audit_round').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('partnership_id', '=', partnershipId).where('status', 'in', ['in_progress', 'moderation']).executeTakeFirstOrThrow();
  return {
    roundsUnderWay: Number(underWay.n), themesOverdue: themes.filter((t) => t.next?.overdue).length,
    sectionsOverdue: Number(row.overdue), agencySectionsToSubmit: Number(row.agency),
  };
}
