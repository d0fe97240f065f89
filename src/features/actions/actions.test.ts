import { describe, expect, it } from 'vitest';
import { exportCsv } from './actions-csv';
import { sourceHref, updateProblems } from './actions.service';
import { filtersQuery, parseActionFilters, type TrackerRow } from './tracker.service';

describe('a progress update', () => {
  it('needs evidence to complete and a reason to cancel', () => {
    expect(updateProblems({ status: 'completed', evidence: ' ' }, 'in_progress').map((e) => e.field)).toEqual(['evidence']);
    expect(updateProblems({ status: 'completed', evidence: 'Audit of 20 cases in May showed …' }, 'in_progress')).toEqual([]);
    expect(updateProblems({ status: 'cancelled', evidence: 'x' }, 'open').map((e) => e.field)).toEqual(['note']);
    expect(updateProblems({ status: 'cancelled', note: 'Superseded' }, 'open')).toEqual([]);
  });
  it('says something: a new status, a note or evidence', () => {
    expect(updateProblems({ status: 'open' }, 'open').map((e) => e.message)).toEqual(['Enter a progress note, or change the status']);
    expect(updateProblems({ status: 'in_progress' }, 'open')).toEqual([]);
    expect(updateProblems({ status: 'open', evidence: 'Dip sample done' }, 'open')).toEqual([]);
  });
  it('takes only the four statuses, and text of a sensible length', () => {
    expect(updateProblems({ status: 'done', note: 'x' }, 'open').map((e) => e.field)).toEqual(['status']);
    expect(updateProblems({ note: 'x' }, 'open').map((e) => e.field)).toEqual(['status']);
    expect(updateProblems({ status: 'in_progress', note: 'x'.repeat(10_001) }, 'open').map((e) => e.field)).toEqual(['note']);
  });
});

describe('the tracker’s filters', () => {
  const known = { groups: new Set([3, 4]), agencies: new Set([7]) };
  it('reads each filter and the page, and writes them back as a query', () => {
    const { filters, page, errors } = parseActionFilters({ group: '3', agency: '7', theme: 'neglect', status: 'in_progress', source: 'section_11', rag: 'red', page: '2' }, known);
    expect(errors).toEqual([]);
    expect(page).toBe(2);
    expect(filters).toEqual({ groupId: 3, agencyId: 7, theme: 'neglect', status: 'in_progress', source: 'section_11', rag: 'red' });
    expect(filtersQuery(filters)).toBe('group=3&agency=7&theme=neglect&status=in_progress&source=section_11&rag=red');
  });
  it('ignores empty filters and a page that is not a number, and names each it does not know', () => {
    expect(parseActionFilters({ group: '', rag: '', page: 'x' }, known)).toEqual({ filters: {}, page: 1, errors: [] });
    expect(parseActionFilters({ group: '5', agency: '7.0', theme: 'toString', rag: 'RED' }, known).errors.map((e) => e.field)).toEqual(['group', 'agency', 'theme', 'rag']);
  });
});

describe('the source’s page', () => {
  it('links each source that has one', () => {
    expect(sourceHref('review', 'abc')).toBe('/reviews/abc');
    expect(sourceHref('audit', '12')).toBe('/audits/rounds/12');
    expect(sourceHref('section_11', '9')).toBe('/section-11/returns/9');
    expect(sourceHref('meeting', '4')).toBe('/governance/meetings/4');
    expect(sourceHref('challenge', '5')).toBe('/governance/challenges/5');
    expect(sourceHref('inspection', '1')).toBeNull();
    expect(sourceHref('review', null)).toBeNull();
    expect(sourceHref('review', '../admin')).toBe('/reviews/..%2Fadmin');
  });
});

describe('the export', () => {
  it('has the agreed columns, and disarms formulas in every cell', () => {
    const row: TrackerRow = { id: 'x', reference: '@ref', description: '-1+1', source: 'other', sourceId: null, ownerAgencyId: 1, ownerAgency: 'Police', owner: null,
      group: null, themes: [], dueDate: '2026-01-31', status: 'open', rag: 'red' };
    expect(exportCsv([row])).toBe("source,reference,action,owner_agency,owner,due,status,rag\r\nother,'@ref,'-1+1,Police,,2026-01-31,open,red\r\n");
  });
});
