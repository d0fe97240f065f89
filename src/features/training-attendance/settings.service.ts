import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { TrainingSettings } from '../../db/schema-training';
import { ValidationFailed, type FieldError } from '../../platform/errors';

/**
 * The partnership's training rules, which the business manager sets: how late a person may cancel their
 * own place, the charge for not attending (none unless set), and how many weeks after a course its impact
 * survey goes out.
 */

export type TrainingRules = TrainingSettings & { impactSurveyWeeks: number };

export const DEFAULT_TRAINING_RULES: TrainingRules = Object.freeze({ cancellationCutoffHours: 48, nonAttendanceChargePence: null, impactSurveyWeeks: 8 });

const MAX_CUTOFF_HOURS = 720;
const MAX_CHARGE_PENCE = 100_000;
const IMPACT_WEEKS = { min: 2, max: 52 };

export async function trainingRules(db: Db, partnershipId: number): Promise<TrainingRules> {
  const row = await db.selectFrom('partnership').select('settings').where('id', '=', partnershipId).executeTakeFirstOrThrow();
  return { ...DEFAULT_TRAINING_RULES, ...(row.settings?.training ?? {}) };
}

export type RulesForm = { cancellationCutoffHours?: string; charge?: string; impactSurveyWeeks?: string };

/** The form's values for saved rules: the charge in pounds, blank for none. */
export const rulesForm = (r: TrainingRules): RulesForm => ({
  cancellationCutoffHours: String(r.cancellationCutoffHours),
  charge: r.nonAttendanceChargePence === null ? '' : (r.nonAttendanceChargePence / 100).toFixed(2),
  impactSurveyWeeks: String(r.impactSurveyWeeks),
});

export function parseRules(form: RulesForm): TrainingRules {
  const errors: FieldError[] = [];
  const cutoff = (form.cancellationCutoffHours ?? '').trim();
  if (cutoff === '') errors.push({ field: 'cancellationCutoffHours', message: 'Enter how many hours before a session people can cancel their place' });
  else if (!/^\d+$/.test(cutoff) || Number(cutoff) > MAX_CUTOFF_HOURS) {
    errors.push({ field: 'cancellationCutoffHours', message: `The cut-off must be a whole number of hours from 0 to ${MAX_CUTOFF_HOURS}` });
  }
  const charge = (form.charge ?? '').trim().replace(/^£/, '').replace(/,/g, '');
  let pence: number | null = null;
  if (charge !== '') {
    if (!/^\d+(\.\d{1,2})?$/.test(charge)) errors.push({ field: 'charge', message: 'Enter the charge in pounds and pence, like 25 or 25.50, or leave it blank for no charge' });
    else {
      pence = Math.round(Number(charge) * 100);
      if (pence === 0) errors.push({ field: 'charge', message: 'Enter a charge of more than £0, or leave it blank for no charge' });
      else if (pence > MAX_CHARGE_PENCE) errors.push({ field: 'charge', message: `The charge must be no more than £${MAX_CHARGE_PENCE / 100}` });
    }
  }
  const weeks = (form.impactSurveyWeeks ?? '').trim();
  if (weeks === '') errors.push({ field: 'impactSurveyWeeks', message: 'Enter how many weeks after a course the impact survey is sent' });
  else if (!/^\d+$/.test(weeks) || Number(weeks) < IMPACT_WEEKS.min || Number(weeks) > IMPACT_WEEKS.max) {
    errors.push({ field: 'impactSurveyWeeks', message: `The impact survey must be sent between ${IMPACT_WEEKS.min} and ${IMPACT_WEEKS.max} weeks after a course` });
  }
  if (errors.length) throw new ValidationFailed(errors);
  return { cancellationCutoffHours: Number(cutoff), nonAttendanceChargePence: pence, impactSurveyWeeks: Number(weeks) };
}

/** Saves the rules under the settings' training key only, so that a change elsewhere in the settings is never lost. */
export async function saveTrainingRules(db: Db, partnershipId: number, rules: TrainingRules): Promise<void> {
  await db.updateTable('partnership')
    .set({ settings: sql`coalesce(settings, '{}'::jsonb) || jsonb_build_object('training', ${JSON.stringify(rules)}::jsonb)` as never })
    .where('id', '=', partnershipId).execute();
}
