import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CODE_LIST_IDS,
  checkCode,
  codeList,
  codesFor,
  collectionYearLabel,
  collectionYearOf,
  labelOf,
  normaliseCode,
} from './codes';

const YEARS = [2020, 2021, 2022, 2023, 2024, 2025, 2026];

describe('collection years', () => {
  it('turns on 1 April', () => {
    expect(collectionYearOf('2025-03-31')).toBe(2024);
    expect(collectionYearOf('2025-04-01')).toBe(2025);
    expect(collectionYearOf('2024-12-31')).toBe(2024);
    expect(collectionYearOf('2025-01-01')).toBe(2024);
  });
  it('labels a year by its start and end', () => {
    expect(collectionYearLabel(2024)).toBe('2024-25');
    expect(collectionYearLabel(1999)).toBe('1999-00');
    expect(collectionYearLabel(2009)).toBe('2009-10');
  });
  it('refuses malformed dates and years', () => {
    expect(() => collectionYearOf('31/03/2025')).toThrow(/YYYY-MM-DD/);
    expect(() => collectionYearOf('2025-02-30')).toThrow(/YYYY-MM-DD/);
    expect(() => collectionYearOf('2025-13-01')).toThrow(/YYYY-MM-DD/);
    expect(() => collectionYearLabel(2024.5)).toThrow(/4-digit/);
    expect(() => checkCode('sex', 'M', 24)).toThrow(/4-digit/);
  });
  it('puts every date between its year’s 1 April and the next 31 March', () => {
    fc.assert(fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }), (d) => {
      const iso = d.toISOString().slice(0, 10);
      const year = collectionYearOf(iso);
      expect(iso >= `${year}-04-01` && iso <= `${year + 1}-03-31`).toBe(true);
    }));
  });
});

describe('the lists', () => {
  it.each(CODE_LIST_IDS)('%s is non-empty, with unique, published-form codes and labels', (id) => {
    const list = codeList(id);
    expect(list.id).toBe(id);
    expect(list.codes.length).toBeGreaterThan(0);
    expect(new Set(list.codes.map((c) => c.code)).size).toBe(list.codes.length);
    expect(list.returns.length).toBeGreaterThan(0);
    for (const c of list.codes) {
      expect(normaliseCode(c.code)).toBe(c.code);
      expect(c.label.trim()).not.toBe('');
      if (c.from !== undefined && c.to !== undefined) expect(c.from).toBeLessThanOrEqual(c.to);
    }
    for (const r of list.rules) expect(list.returns).toContain(r.return);
  });
  it('has a valid code in every year a list is collected', () => {
    for (const id of CODE_LIST_IDS) {
      for (const year of YEARS) {
        const codes = codesFor(id, year);
        const list = codeList(id);
        const collected = (list.from ?? 0) <= year && year <= (list.to ?? Infinity);
        expect(codes.length > 0).toBe(collected);
      }
    }
  });
  it('names the ids the other modules use', () => {
    expect(CODE_LIST_IDS).toEqual(expect.arrayContaining([
      'ethnicity', 'sex', 'genderCurrent', 'disability', 'referralSource', 'primaryNeed', 'primaryNeed903',
      'reasonForClosure', 'categoryOfAbuse', 'assessmentFactor', 'upnUnknown', 'legalStatus', 'reasonNewEpisode',
      'placementType', 'placementProvider', 'reasonEpisodeCeased', 'reasonPlaceChange', 'missingType', 'reviewCode',
      'sdqReason', 'inTouch', 'activity', 'accommodation', 'reasonPlacedCeased', 'lsAdopter', 'sexAdopter',
      'prevPerm', 'swReason',
    ]));
  });
  it('cannot be changed by a caller', () => {
    const list = codeList('sex');
    expect(() => (list.codes as unknown as { code: string }[]).push({ code: 'X' })).toThrow();
    expect(checkCode('sex', 'X', 2024).ok).toBe(false);
  });
});

describe('year changes', () => {
  it('early help: 5D and RC9 from 2022-23, as encoded', () => {
    expect(checkCode('referralSource', '5D', 2021).ok).toBe(false);
    expect(checkCode('referralSource', '5D', 2022)).toEqual({ ok: true });
    expect(checkCode('referralSource', '5D', 2023)).toEqual({ ok: true });
    expect(checkCode('reasonForClosure', 'RC9', 2021).ok).toBe(false);
    expect(checkCode('reasonForClosure', 'RC9', 2022)).toEqual({ ok: true });
    expect(codesFor('referralSource', 2021).map((c) => c.code)).not.toContain('5D');
  });
  it('CIN: GenderCurrent up to 2023-24, Sex from 2024-25', () => {
    expect(checkCode('sex', 'M', 2023).ok).toBe(false);
    expect(checkCode('sex', 'M', 2024)).toEqual({ ok: true });
    expect(checkCode('genderCurrent', '1', 2023)).toEqual({ ok: true });
    expect(checkCode('genderCurrent', '1', 2024).ok).toBe(false);
    expect(codesFor('sex', 2023)).toEqual([]);
    expect(codesFor('genderCurrent', 2024)).toEqual([]);
  });
  it('903 SEX: 1/2 up to 2023-24, M/F/U from 2024-25', () => {
    expect(checkCode('sex903', '1', 2023)).toEqual({ ok: true });
    expect(checkCode('sex903', '1', 2024)).toMatchObject({ ok: false, rule: '101' });
    expect(checkCode('sex903', 'U', 2023).ok).toBe(false);
    expect(codesFor('sex903', 2024).map((c) => c.code)).toEqual(['M', 'F', 'U']);
  });
  it('903 placements: H5, P2, Z1 to 2024-25; K3, Z11–Z14 from 2025-26', () => {
    for (const code of ['H5', 'P2', 'Z1']) {
      expect(checkCode('placementType', code, 2024)).toEqual({ ok: true });
      expect(checkCode('placementType', code, 2025)).toMatchObject({ ok: false, rule: '146' });
    }
    for (const code of ['K3', 'Z11', 'Z12', 'Z13', 'Z14']) {
      expect(checkCode('placementType', code, 2024)).toMatchObject({ ok: false, rule: '146' });
      expect(checkCode('placementType', code, 2025)).toEqual({ ok: true });
    }
    expect(codesFor('placementType', 2025)).toHaveLength(29);
    expect(codesFor('placementType', 2024)).toHaveLength(27);
  });
  it('SW_REASON only once the SWEpisodes table exists', () => {
    expect(checkCode('swReason', 'MANAGE', 2022)).toMatchObject({ ok: false, message: expect.stringContaining('collected from 2023-24') });
    expect(checkCode('swReason', 'MANAGE', 2023)).toEqual({ ok: true });
  });
});

describe('queries', () => {
  it('18A and 19A are valid but queried from 2024-25', () => {
    expect(checkCode('assessmentFactor', '18A', 2024)).toEqual({
      ok: true,
      query: { rule: '8945Q', message: expect.stringContaining("'18A' should not be used") },
    });
    expect(checkCode('assessmentFactor', '19A', 2025)).toMatchObject({ ok: true, query: { rule: '8950Q' } });
    expect(checkCode('assessmentFactor', '18A', 2023)).toEqual({ ok: true });
    expect(checkCode('assessmentFactor', '18B', 2024)).toEqual({ ok: true });
  });
  it('lists the query with the code for the year', () => {
    const a18 = codesFor('assessmentFactor', 2024).find((c) => c.code === '18A');
    expect(a18?.query?.rule).toBe('8945Q');
    expect(codesFor('assessmentFactor', 2023).find((c) => c.code === '18A')?.query).toBeUndefined();
  });
});

describe('refusals', () => {
  it('name the list, the value and the year, with the rule', () => {
    expect(checkCode('referralSource', 'XYZ', 2024)).toEqual({
      ok: false,
      rule: '8866',
      message: "ReferralSource 'XYZ' is not a valid code for 2024-25",
    });
    expect(checkCode('primaryNeed', 'N10', 2023)).toMatchObject({ rule: '8650', message: expect.stringContaining('2023-24') });
    expect(checkCode('missingType', 'X', 2024)).toMatchObject({ rule: '1006', message: expect.stringContaining("MISSING 'X'") });
  });
  it('say when a code is valid if it is valid in other years', () => {
    expect(checkCode('referralSource', '5D', 2021)).toMatchObject({ message: expect.stringContaining('valid from 2022-23') });
    expect(checkCode('placementType', 'H5', 2025)).toMatchObject({ message: expect.stringContaining('valid up to 2024-25') });
  });
  it('give every rule of a list, or the one of the return asked for', () => {
    expect(checkCode('categoryOfAbuse', 'XXX', 2024)).toMatchObject({ ok: false, rule: '8905/8910' });
    expect(checkCode('ethnicity', 'XXXX', 2024, { return: '903' })).toMatchObject({ rule: '103' });
    expect(checkCode('ethnicity', 'XXXX', 2024, { return: 'cin' })).toMatchObject({ rule: '4220' });
    expect(checkCode('assessmentFactor', '99Z', 2024)).not.toHaveProperty('rule');
  });
  it('compare exactly, and say so when a normalised value would pass', () => {
    const lower = checkCode('sex', 'm', 2024);
    expect(lower).toMatchObject({ ok: false, message: expect.stringContaining("'M' is valid") });
    expect(checkCode('sex', normaliseCode(' m '), 2024)).toEqual({ ok: true });
    expect(checkCode('ethnicity', 'WBRI ', 2024).ok).toBe(false);
  });
});

describe('labels', () => {
  it('give the published meaning', () => {
    expect(labelOf('referralSource', '5D')).toBe('LA services – early help');
    expect(labelOf('reasonForClosure', 'RC9')).toBe('Case closed after assessment, referred to early help');
    expect(labelOf('ethnicity', 'WBRI')).toBe('White British');
    expect(labelOf('missingType', 'A')).toBe('Away without authorisation (whereabouts known)');
    expect(labelOf('genderCurrent', '0')).toBe('Not recorded or unborn');
  });
  it('say when a meaning is not verified', () => {
    expect(labelOf('placementType', 'K3')).toBe('K3 (meaning not yet verified)');
    expect(labelOf('placementType', 'U4')).toBe('Foster placement: U4 (exact meaning not yet verified)');
    expect(codeList('placementType').codes.find((c) => c.code === 'Z11')?.meaningUnverified).toBe(true);
  });
  it('are found in any year but only for codes the list has had', () => {
    expect(labelOf('placementType', 'H5')).toBeDefined();
    expect(labelOf('sex', 'X')).toBeUndefined();
    expect(labelOf('sex', 'm')).toBeUndefined();
  });
});
