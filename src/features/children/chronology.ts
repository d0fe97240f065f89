import type { Db } from '../../db/create-db';
import { codeList, type CodeListId } from '../../domain/codes';

/** A code with its meaning, as people read it ("6: Police"); the code alone where its meaning is unverified. */
export function coded(list: CodeListId, code: string | null): string | null {
  if (!code) return null;
  const entry = codeList(list).codes.find((c) => c.code === code);
  return entry && !entry.meaningUnverified ? `${code}: ${entry.label}` : code;
}

/** One line of a child's chronology: what happened, when, and which kind of record says so. */
export type ChronologyEvent = { date: string; kind: EventKind; title: string; detail: string | null; record: { type: string; id: string } };

export const EVENT_KINDS = {
  referral: 'Referrals',
  assessment: 'Assessments',
  protection: 'Child protection',
  cin: 'Child in need',
  care: 'Children in care',
  health: 'Health',
  missing: 'Missing and exploitation',
} as const;
export type EventKind = keyof typeof EVENT_KINDS;

/**
 * Every recorded event of one child, newest first. One child's records are few, so each table is read
 * by the child's key and the lines are merged here.
 */
export async function chronologyOf(db: Db, partnershipId: number, childId: string): Promise<ChronologyEvent[]> {
  const events: ChronologyEvent[] = [];
  let record = { type: '', id: '' };
  /** Sets the record the following lines come from, so that each line links to the form that edits it. */
  const from = (type: string, row: { id: string }) => { record = { type, id: row.id }; };
  const add = (date: string | null | undefined, kind: EventKind, title: string, detail: string | null = null) => {
    if (date) events.push({ date, kind, title, detail, record });
  };
  const referrals = await db.selectFrom('referral').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).execute();
  const referralIds = referrals.map((r) => r.id);
  for (const r of referrals) {
    from('referral', r);
    add(r.referral_date, 'referral', r.referral_nfa ? 'Referral: no further action' : 'Referral received', [r.referral_source && `source ${coded('referralSource', r.referral_source)}`, r.primary_need && `need ${coded('primaryNeed', r.primary_need)}`].filter(Boolean).join(', ') || null);
    add(r.closure_date, 'referral', 'Case closed', coded('reasonForClosure', r.closure_reason));
  }
  if (referralIds.length) {
    for (const a of await db.selectFrom('assessment').selectAll().where('partnership_id', '=', partnershipId).where('referral_id', 'in', referralIds).execute()) {
      from('assessment', a);
      add(a.start_date, 'assessment', 'Assessment started');
      add(a.authorisation_date, 'assessment', 'Assessment authorised', a.factors.length ? `factors ${a.factors.map((f) => coded('assessmentFactor', f)).join('; ')}` : null);
    }
    for (const s of await db.selectFrom('strategy_discussion').selectAll().where('partnership_id', '=', partnershipId).where('referral_id', 'in', referralIds).execute()) { from('strategy_discussion', s); add(s.discussion_date, 'protection', 'Strategy discussion held', s.s47_initiated ? 'Section 47 enquiry initiated' : null); }
    for (const s of await db.selectFrom('s47_enquiry').selectAll().where('partnership_id', '=', partnershipId).where('referral_id', 'in', referralIds).execute()) { from('s47_enquiry', s); add(s.start_date, 'protection', 'Section 47 enquiry started', s.icpc_not_required ? 'conference not required' : null); }
    for (const c of await db.selectFrom('initial_conference').selectAll().where('partnership_id', '=', partnershipId).where('referral_id', 'in', referralIds).execute()) { from('initial_conference', c); add(c.conference_date, 'protection', 'Initial child protection conference', c.resulted_in_plan ? 'child protection plan' : 'no plan'); }
    const plans = await db.selectFrom('cp_plan').selectAll().where('partnership_id', '=', partnershipId).where('referral_id', 'in', referralIds).execute();
    for (const p of plans) {
      from('cp_plan', p);
      add(p.start_date, 'protection', 'Child protection plan started', p.initial_category && `category ${coded('categoryOfAbuse', p.initial_category)}`);
      add(p.end_date, 'protection', 'Child protection plan ended', p.latest_category && `latest category ${coded('categoryOfAbuse', p.latest_category)}`);
    }
    if (plans.length) {
      const planIds = plans.map((p) => p.id);
      for (const r of await db.selectFrom('cp_plan_review').select(['id', 'review_date']).where('partnership_id', '=', partnershipId).where('cp_plan_id', 'in', planIds).execute()) { from('cp_plan_review', r); add(r.review_date, 'protection', 'Review conference'); }
      for (const g of await db.selectFrom('cp_core_group').select(['id', 'meeting_date']).where('partnership_id', '=', partnershipId).where('cp_plan_id', 'in', planIds).execute()) { from('cp_core_group', g); add(g.meeting_date, 'protection', 'Core group meeting'); }
      for (const v of await db.selectFrom('cp_visit').select(['id', 'visit_date', 'seen_alone']).where('partnership_id', '=', partnershipId).where('cp_plan_id', 'in', planIds).execute()) { from('cp_visit', v); add(v.visit_date, 'protection', 'Statutory visit', v.seen_alone ? 'seen alone' : null); }
    }
    for (const p of await db.selectFrom('cin_plan').selectAll().where('partnership_id', '=', partnershipId).where('referral_id', 'in', referralIds).execute()) {
      from('cin_plan', p);
      add(p.start_date, 'cin', 'Child in need plan started');
      add(p.end_date, 'cin', 'Child in need plan ended');
    }
  }
  for (const e of await db.selectFrom('cla_episode').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).execute()) {
    from('cla_episode', e);
    add(e.start_date, 'care', e.reason_new_episode === 'S' ? 'Became looked after' : 'Care episode started', [e.legal_status && `legal status ${coded('legalStatus', e.legal_status)}`, e.placement_type && `placement ${coded('placementType', e.placement_type)}`].filter(Boolean).join(', ') || null);
    add(e.end_date, 'care', e.reason_ceased === 'X1' ? 'Care episode ended (continues in care)' : 'Ceased to be looked after', coded('reasonEpisodeCeased', e.reason_ceased));
  }
  for (const r of await db.selectFrom('cla_review').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).execute()) { from('cla_review', r); add(r.review_date, 'care', 'Looked-after review', coded('reviewCode', r.review_code)); }
  for (const h of await db.selectFrom('health_assessment').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).execute()) { from('health_assessment', h); add(h.assessment_date, 'health', h.kind === 'initial' ? 'Initial health assessment' : 'Review health assessment'); }
  for (const m of await db.selectFrom('missing_episode').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).execute()) {
    from('missing_episode', m);
    add(m.start_date, 'missing', m.missing_type === 'M' ? 'Missing' : 'Away without authorisation');
    add(m.end_date, 'missing', 'Returned', m.return_interview_offered_at ? `return interview offered${m.return_interview_accepted ? ' and accepted' : ''}` : 'no return interview offered yet');
  }
  for (const x of await db.selectFrom('exploitation_assessment').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).execute()) { from('exploitation_assessment', x); add(x.assessment_date, 'missing', `${x.kind === 'sexual' ? 'Sexual' : 'Criminal'} exploitation assessment`, `${x.risk_level} risk`); }
  return events.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
}
