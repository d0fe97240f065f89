import { describe, expect, it } from 'vitest';
import { actionRag, isLearningTheme } from './assurance';

describe('action RAG', () => {
  const today = '2026-06-10';
  it('is blue once completed, whatever the due date', () => {
    expect(actionRag({ status: 'completed', due_date: '2026-01-01' }, today)).toBe('blue');
  });
  it('is none once cancelled', () => {
    expect(actionRag({ status: 'cancelled', due_date: '2026-01-01' }, today)).toBe('none');
  });
  it('is red from the day after the due date', () => {
    expect(actionRag({ status: 'in_progress', due_date: '2026-06-09' }, today)).toBe('red');
    expect(actionRag({ status: 'open', due_date: '2026-06-10' }, today)).toBe('amber');
  });
  it('is amber within 14 days and green beyond', () => {
    expect(actionRag({ status: 'open', due_date: '2026-06-24' }, today)).toBe('amber');
    expect(actionRag({ status: 'open', due_date: '2026-06-25' }, today)).toBe('green');
  });
});

describe('learning themes', () => {
  it('knows its codes and no others', () => {
    expect(isLearningTheme('neglect')).toBe(true);
    expect(isLearningTheme('toString')).toBe(false);
  });
});
