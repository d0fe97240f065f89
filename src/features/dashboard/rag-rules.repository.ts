import type { Db } from '../../db/create-db';
import type { IndicatorCode } from '../indicators/indicator-codes';
import { defaultRule, type RagRule } from './rag';

/** One indicator's settings as the scorecard uses them: the rule in force, whether it is the default, and the neighbours' figure. */
export type IndicatorSetting = { rule: RagRule; isDefault: boolean; neighbour: number | null; updatedBy: string | null; updatedAt: Date | null };

const ruleOf = (row: { method: string; target: number | null; tolerance: number | null; polarity: 'higher' | 'lower' | null }): RagRule =>
  row.method === 'target' ? { method: 'target', target: row.target!, tolerance: row.tolerance!, polarity: row.polarity! }
    : row.method === 'direction' ? { method: 'direction', polarity: row.polarity! } : { method: 'none' };

/** The settings of every indicator of a partnership: its own rows, else the shipped defaults. */
export async function settingsOf(db: Db, partnershipId: number, codes: readonly IndicatorCode[]): Promise<Record<IndicatorCode, IndicatorSetting>> {
  const rows = await db.selectFrom('rag_rule').selectAll().where('partnership_id', '=', partnershipId).execute();
  const byCode = new Map(rows.map((r) => [r.indicator, r]));
  return Object.fromEntries(codes.map((code) => {
    const row = byCode.get(code);
    return [code, row
      ? { rule: ruleOf(row), isDefault: false, neighbour: row.neighbour_value, updatedBy: row.updated_by, updatedAt: row.updated_at }
      : { rule: defaultRule(code), isDefault: true, neighbour: null, updatedBy: null, updatedAt: null }];
  })) as Record<IndicatorCode, IndicatorSetting>;
}

export async function saveSetting(db: Db, partnershipId: number, code: IndicatorCode, rule: RagRule, neighbour: number | null, by: string) {
  const values = {
    method: rule.method,
    target: rule.method === 'target' ? rule.target : null,
    tolerance: rule.method === 'target' ? rule.tolerance : null,
    polarity: rule.method === 'none' ? null : rule.polarity,
    neighbour_value: neighbour,
    updated_by: by,
    updated_at: new Date(),
  };
  await db.insertInto('rag_rule').values({ partnership_id: partnershipId, indicator: code, ...values })
    .onConflict((oc) => oc.columns(['partnership_id', 'indicator']).doUpdateSet(values)).execute();
}

/** Back to the shipped default, with no neighbours' figure. */
export async function resetSetting(db: Db, partnershipId: number, code: IndicatorCode) {
  await db.deleteFrom('rag_rule').where('partnership_id', '=', partnershipId).where('indicator', '=', code).execute();
}
