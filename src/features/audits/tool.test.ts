import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../platform/errors';
import { nextRound } from './programme.service';
import { parseSectionForm } from './rounds.service';
import { criteriaFormValues, describeCriteria, gradeLabel, gradeOptions, isGoodOrBetter, parseCriteriaForm } from './tool';

const errorsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationFailed) return err.errors;
    throw err;
  }
  return [];
};

describe('grading scales', () => {
  it('grades Ofsted words best first, and scores 3 to 0 with their labels', () => {
    expect(gradeOptions('ofsted', []).map((o) => [o.value, o.goodOrBetter])).toEqual([
      ['outstanding', true], ['good', true], ['requires_improvement', false], ['inadequate', false],
    ]);
    expect(gradeOptions('score', ['None', 'Some', 'Most', 'All']).map((o) => o.text)).toEqual(['3: All', '2: Most', '1: Some', '0: None']);
    // Without four labels, the default words.
    expect(gradeOptions('score', []).map((o) => o.text)[0]).toBe('3: Fully met');
    expect(gradeLabel('ofsted', [], 'requires_improvement')).toBe('Requires improvement');
    expect(gradeLabel('ofsted', [], null)).toBe('');
    expect(isGoodOrBetter('score', '2')).toBe(true);
    expect(isGoodOrBetter('score', '1')).toBe(false);
    expect(isGoodOrBetter('ofsted', 'good')).toBe(true);
  });
});

describe('case selection criteria', () => {
  it('reads the rules chosen with their parameters, and reads back as sentences and form values', () => {
    const criteria = parseCriteriaForm({
      rules: ['exploitation', 'missing'], match: 'any', 'exploitation-kind': 'sexual', 'exploitation-risk': 'medium', 'exploitation-months': '12',
      'missing-episodes': '3', 'missing-months': '6', 'cp_plan-months': 'ignored: not chosen',
    });
    expect(criteria).toEqual({ match: 'any', rules: [
      { rule: 'exploitation', kind: 'sexual', risk: 'medium', months: 12 }, { rule: 'missing', episodes: 3, months: 6 },
    ] });
    expect(describeCriteria(criteria)).toEqual([
      'An exploitation risk assessment for sexual exploitation at medium or high risk in the last 12 months',
      'Missing from home or care at least 3 times in the last 6 months',
    ]);
    expect(parseCriteriaForm(criteriaFormValues(criteria))).toEqual(criteria);
    // One rule needs no choice of all or any.
    expect(parseCriteriaForm({ rules: 're_referral', 're_referral-months': '12' })).toEqual({ match: 'all', rules: [{ rule: 're_referral', months: 12 }] });
  });

  it('refuses no rule, unknown rules only, missing or out-of-range parameters, and a missing all-or-any', () => {
    expect(errorsOf(() => parseCriteriaForm({}))).toEqual([{ field: 'rules', message: 'Select at least one rule a child must meet to be audited' }]);
    expect(errorsOf(() => parseCriteriaForm({ rules: 'drop table child' }))).toEqual([{ field: 'rules', message: 'Select at least one rule a child must meet to be audited' }]);
    expect(errorsOf(() => parseCriteriaForm({ rules: ['cp_plan', 'domestic_abuse'], 'cp_plan-category': 'ABC', 'cp_plan-months': '0', 'domestic_abuse-months': '' })).map((e) => e.field))
      .toEqual(['cp_plan-category', 'cp_plan-months', 'domestic_abuse-months', 'match']);
    expect(errorsOf(() => parseCriteriaForm({ rules: 'missing', 'missing-episodes': '21', 'missing-months': '1.5' })).map((e) => e.message)).toEqual([
      'The number of missing episodes for the missing from home or care rule must be a whole number from 1 to 20',
      'The number of months for the missing from home or care rule must be a whole number from 1 to 36',
    ]);
  });
});

describe('an agency’s section', () => {
  const tool = { scale: 'ofsted' as const, scoreLabels: [], questions: [{ id: 7, text: 'Was the child seen?', help: null }, { id: 9, text: 'Was a chronology used?', help: null }] };

  it('keeps a draft as entered, with only valid grades', () => {
    expect(parseSectionForm(tool, { intent: 'save', 'grade-7': 'inadequate' })).toMatchObject({
      submit: false, overallGrade: null, answers: { 7: { grade: 'inadequate', comment: '' }, 9: { grade: null, comment: '' } },
    });
    expect(errorsOf(() => parseSectionForm(tool, { intent: 'save', 'grade-7': 'brilliant' }))).toEqual([{ field: 'grade-7', message: 'Select a grade for question 1' }]);
  });

  it('needs every grade, a comment below good, the overall grade and areas for development below good to submit', () => {
    expect(errorsOf(() => parseSectionForm(tool, { intent: 'submit', 'grade-7': 'requires_improvement', overallGrade: 'inadequate' }))).toEqual([
      { field: 'comment-7', message: 'Say why, for the grade of question 1: a grade below good needs a comment' },
      { field: 'grade-9', message: 'Select a grade for question 2: Was a chronology used?' },
      { field: 'development', message: 'Enter the areas for development: an overall grade below good needs them' },
    ]);
    expect(parseSectionForm(tool, { intent: 'submit', 'grade-7': 'good', 'grade-9': 'outstanding', overallGrade: 'good', strengths: ' Seen alone. ' }))
      .toMatchObject({ submit: true, overallGrade: 'good', strengths: 'Seen alone.', development: null });
  });
});

describe('the next round', () => {
  const today = '2026-06-15';
  it('is an unstarted planned round, or the last round plus the frequency, overdue once passed', () => {
    expect(nextRound([], 4, today)).toBeNull();
    expect(nextRound([{ plannedDate: '2026-03-10', status: 'completed' }], 4, today)).toEqual({ date: '2026-07-10', scheduled: false, overdue: false });
    expect(nextRound([{ plannedDate: '2026-01-10', status: 'completed' }], 4, today)).toEqual({ date: '2026-05-10', scheduled: false, overdue: true });
    expect(nextRound([{ plannedDate: '2026-01-10', status: 'completed' }, { plannedDate: '2026-06-01', status: 'planned' }], 4, today))
      .toEqual({ date: '2026-06-01', scheduled: true, overdue: true });
    expect(nextRound([{ plannedDate: '2026-05-10', status: 'in_progress' }], 6, today)).toEqual({ date: '2026-11-10', scheduled: false, overdue: false });
  });
});
