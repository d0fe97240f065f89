import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Row903, Table903 } from './ssda903.parser';
import { ALL_CODES_903, IMPLEMENTED_903, rule903, rules903 } from './ssda903.rules';
import { CHECKED_903, validate903 } from './ssda903.validate';

// --- Building returns by hand -------------------------------------------------------------------------

type Values = Record<string, string | null>;
type Tables = Partial<Record<Table903, Row903[]>>;

const FILES: Record<Table903, string> = {
  header: 'header.csv', episodes: 'episodes.csv', reviews: 'reviews.csv', uasc: 'uasc.csv', oc2: 'oc2.csv', oc3: 'oc3.csv',
  ad1: 'ad1.csv', placed_for_adoption: 'placed_for_adoption.csv', previous_permanence: 'previous_permanence.csv',
  missing: 'missing.csv', sw_episodes: 'sw_episodes.csv', dolo: 'dolo.csv',
};

/** Rows of one table, numbered as lines of a file whose first line is the column names. */
function rows(table: Table903, ...values: Values[]): Row903[] {
  return values.map((v, i) => ({ table, file: FILES[table], row: i + 2, values: { CHILD: 'C1', ...v } }));
}

const DOB = '2012-06-15';
const header = (v: Values = {}): Values => ({ SEX: 'F', DOB, ETHNIC: 'WBRI', UPN: 'UN1', MOTHER: null, MC_DOB: null, ...v });
const episode = (v: Values = {}): Values => ({
  DECOM: '2024-05-01', RNE: 'S', LS: 'C2', CIN: 'N1', PLACE: 'U1', PLACE_PROVIDER: 'PR1', DEC: null, REC: null,
  REASON_PLACE_CHANGE: null, HOME_POST: null, PL_POST: null, URN: null, ...v,
});

/** A child with a header (2024-25 codes) and the given episodes and other tables. */
function child(eps: Values[] = [episode()], other: Tables = {}, head: Values = header()): Tables {
  return { header: rows('header', head), episodes: rows('episodes', ...eps), ...other };
}

const found = (year: number, tables: Tables, code: string) => validate903(year, tables).filter((i) => i.rule === code);

// --- Cases: each rule with a return that breaks it and one that keeps it ---------------------------------

interface Case {
  code: string;
  year?: number;
  why: string;
  fails: Tables;
  passes: Tables;
}

const ended = (from: string, to: string, v: Values = {}): Values => episode({ DECOM: from, DEC: to, REC: 'X1', ...v });

const CASES: Case[] = [
  // Code lists
  { code: '101', why: 'sex 1 is not a 2024-25 code', fails: child(undefined, {}, header({ SEX: '1' })), passes: child() },
  { code: '101', year: 2023, why: 'sex M is not a 2023-24 code', fails: child(undefined, {}, header({ SEX: 'M' })), passes: child(undefined, {}, header({ SEX: '2' })) },
  { code: '101', why: 'sex is required', fails: child(undefined, {}, header({ SEX: null })), passes: child() },
  { code: '103', why: 'ethnicity', fails: child(undefined, {}, header({ ETHNIC: 'XXXX' })), passes: child() },
  { code: '143', why: 'RNE', fails: child([episode({ RNE: 'Z' })]), passes: child() },
  { code: '144', why: 'LS', fails: child([episode({ LS: 'C3' })]), passes: child() },
  { code: '145', why: 'CIN N9 is not a 903 need', fails: child([episode({ CIN: 'N9' })]), passes: child() },
  { code: '146', why: 'K3 is a placement only from 2025-26', fails: child([episode({ PLACE: 'K3' })]), passes: child([episode({ PLACE: 'H5' })]) },
  { code: '146', year: 2025, why: 'H5 is withdrawn in 2025-26', fails: child([episode({ PLACE: 'H5' })]), passes: child([episode({ PLACE: 'K3' })]) },
  { code: '149', why: 'REC', fails: child([episode({ DEC: '2024-06-01', REC: 'E99' })]), passes: child([episode({ DEC: '2024-06-01', REC: 'E11' })]) },
  { code: '1006', why: 'missing type', fails: child(undefined, { missing: rows('missing', { DOB, MISSING: 'X', MIS_START: '2024-06-01', MIS_END: null }) }), passes: child(undefined, { missing: rows('missing', { DOB, MISSING: 'A', MIS_START: '2024-06-01', MIS_END: null }) }) },
  { code: '1009', why: 'reason for placement change', fails: child([episode({ REASON_PLACE_CHANGE: 'BORED' })]), passes: child([episode({ REASON_PLACE_CHANGE: 'CARPL' })]) },
  { code: '167', why: 'review code PN8', fails: child(undefined, { reviews: rows('reviews', { DOB, REVIEW: '2024-06-01', REVIEW_CODE: 'PN8' }) }), passes: child(undefined, { reviews: rows('reviews', { DOB, REVIEW: '2024-06-01', REVIEW_CODE: 'PN7' }) }) },
  { code: '167', why: 'a review needs a code', fails: child(undefined, { reviews: rows('reviews', { DOB, REVIEW: '2024-06-01', REVIEW_CODE: null }) }), passes: child(undefined, { reviews: rows('reviews', { DOB, REVIEW: '2024-06-01', REVIEW_CODE: 'PN1' }) }) },
  { code: '178', why: 'provider code', fails: child([episode({ PLACE_PROVIDER: 'PR9' })]), passes: child() },
  { code: '178', why: 'no provider for a temporary placement', fails: child([episode({ PLACE: 'T1', PLACE_PROVIDER: 'PR1' })]), passes: child([episode({ PLACE: 'T1', PLACE_PROVIDER: null })]) },
  { code: '131', why: 'in touch', fails: child(undefined, { oc3: rows('oc3', { DOB, IN_TOUCH: 'MAYBE', ACTIV: 'F1', ACCOM: 'B1' }) }), passes: child(undefined, { oc3: rows('oc3', { DOB, IN_TOUCH: 'YES', ACTIV: 'F1', ACCOM: 'B1' }) }) },
  { code: '132', why: 'activity', fails: child(undefined, { oc3: rows('oc3', { DOB, IN_TOUCH: 'YES', ACTIV: 'P3', ACCOM: 'B1' }) }), passes: child(undefined, { oc3: rows('oc3', { DOB, IN_TOUCH: 'YES', ACTIV: 'P2', ACCOM: 'B1' }) }) },
  { code: '133', why: 'accommodation', fails: child(undefined, { oc3: rows('oc3', { DOB, IN_TOUCH: 'YES', ACTIV: 'F1', ACCOM: '01' }) }), passes: child(undefined, { oc3: rows('oc3', { DOB, IN_TOUCH: 'YES', ACTIV: 'F1', ACCOM: '0' }) }) },
  { code: '120', why: 'reason placed ceased', fails: child(undefined, { placed_for_adoption: rows('placed_for_adoption', { DOB, DATE_PLACED: '2024-05-02', DATE_PLACED_CEASED: '2024-07-01', REASON_PLACED_CEASED: 'XXX' }) }), passes: child(undefined, { placed_for_adoption: rows('placed_for_adoption', { DOB, DATE_PLACED: '2024-05-02', DATE_PLACED_CEASED: '2024-07-01', REASON_PLACED_CEASED: 'RD1' }) }) },
  { code: '175', why: 'number of adopters', fails: child(undefined, { ad1: rows('ad1', { DOB, NB_ADOPTR: '3' }) }), passes: child(undefined, { ad1: rows('ad1', { DOB, NB_ADOPTR: '2' }) }) },
  { code: '176', why: 'sex of adopters', fails: child(undefined, { ad1: rows('ad1', { DOB, SEX_ADOPTR: 'XY' }) }), passes: child(undefined, { ad1: rows('ad1', { DOB, SEX_ADOPTR: 'MF' }) }) },
  { code: '177', why: 'legal status of adopters', fails: child(undefined, { ad1: rows('ad1', { DOB, LS_ADOPTR: 'L5' }) }), passes: child(undefined, { ad1: rows('ad1', { DOB, LS_ADOPTR: 'L12' }) }) },
  { code: '114', why: 'former foster carer flag', fails: child(undefined, { ad1: rows('ad1', { DOB, FOSTER_CARE: '2' }) }), passes: child(undefined, { ad1: rows('ad1', { DOB, FOSTER_CARE: '0' }) }) },
  { code: '196', why: 'SDQ reason', fails: child(undefined, { oc2: rows('oc2', { DOB, SDQ_REASON: 'SDQ6' }) }), passes: child(undefined, { oc2: rows('oc2', { DOB, SDQ_REASON: 'SDQ5' }) }) },
  { code: '180', why: 'SDQ score 0–40', fails: child(undefined, { oc2: rows('oc2', { DOB, SDQ_SCORE: '41' }) }), passes: child(undefined, { oc2: rows('oc2', { DOB, SDQ_SCORE: '40' }) }) },
  { code: '181', why: 'OC2 flags 0 or 1', fails: child(undefined, { oc2: rows('oc2', { DOB, CONVICTED: 'Y' }) }), passes: child(undefined, { oc2: rows('oc2', { DOB, CONVICTED: '1' }) }) },
  { code: '631', why: 'previous permanence', fails: child(undefined, { previous_permanence: rows('previous_permanence', { DOB, PREV_PERM: 'P5' }) }), passes: child(undefined, { previous_permanence: rows('previous_permanence', { DOB, PREV_PERM: 'Z1' }) }) },
  { code: '168', why: 'UPN shape', fails: child(undefined, {}, header({ UPN: 'I12345678901A' })), passes: child(undefined, {}, header({ UPN: 'A123456789012' })) },
  { code: 'SW13STG1', why: 'social worker change reason', fails: child(undefined, { sw_episodes: rows('sw_episodes', { DOB, SW_ID: 'SW1', SW_DECOM: '2024-05-01', SW_DEC: null, SW_REASON: 'SWLAZY' }) }), passes: child(undefined, { sw_episodes: rows('sw_episodes', { DOB, SW_ID: 'SW1', SW_DECOM: '2024-05-01', SW_DEC: null, SW_REASON: 'MANAGE' }) }) },
  { code: 'SW13STG1', why: 'a reason is needed for an episode from April 2023', fails: child(undefined, { sw_episodes: rows('sw_episodes', { DOB, SW_ID: 'SW1', SW_DECOM: '2024-05-01', SW_DEC: null, SW_REASON: null }) }), passes: child(undefined, { sw_episodes: rows('sw_episodes', { DOB, SW_ID: 'SW1', SW_DECOM: '2023-03-01', SW_DEC: null, SW_REASON: null }) }) },

  // Valid dates (the parser refuses most bad dates; these hold if a value gets past it)
  { code: '102', why: 'DOB', fails: child(undefined, {}, header({ DOB: '2012-02-30' })), passes: child() },
  { code: '141', why: 'DECOM', fails: child([episode({ DECOM: '15/05/2024' })]), passes: child() },
  { code: '147', why: 'DEC', fails: child([episode({ DEC: '2024-13-01', REC: 'E11' })]), passes: child([episode({ DEC: '2024-12-01', REC: 'E11' })]) },
  { code: '166', why: 'review date', fails: child(undefined, { reviews: rows('reviews', { DOB, REVIEW: null, REVIEW_CODE: null }) }), passes: child(undefined, { reviews: rows('reviews', { DOB, REVIEW: '2024-06-01', REVIEW_CODE: 'PN1' }) }) },
  { code: '1004', why: 'missing start is required', fails: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: null, MIS_END: null }) }), passes: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-01', MIS_END: null }) }) },
  { code: '1005', why: 'missing end', fails: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-01', MIS_END: 'soon' }) }), passes: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-01', MIS_END: '2024-06-03' }) }) },

  // The other date fields: a case each, built from [rule, table, field, year].
  ...([
    ['104', 'uasc', 'DUC', 2024], ['112', 'ad1', 'DATE_INT', 2024], ['113', 'ad1', 'DATE_MATCH', 2024],
    ['115', 'placed_for_adoption', 'DATE_PLACED', 2024], ['116', 'placed_for_adoption', 'DATE_PLACED_CEASED', 2024],
    ['SW04STG1', 'sw_episodes', 'SW_DECOM', 2024], ['SW05STG1', 'sw_episodes', 'SW_DEC', 2024],
    ['700', 'dolo', 'DOLO_START', 2026], ['701', 'dolo', 'DOLO_END', 2026],
  ] as const).map(([code, table, field, year]): Case => ({
    code, year, why: `${field} not a date`,
    fails: child(undefined, { [table]: rows(table, { DOB, DOLO_START: '2024-06-01', SW_REASON: 'MANAGE', [field]: '2024-02-30' }) }),
    passes: child(undefined, { [table]: rows(table, { DOB, DOLO_START: '2024-06-01', SW_REASON: 'MANAGE', [field]: '2024-06-30' }) }),
  })),
  { code: '171', why: 'mother\'s child DOB', fails: child(undefined, {}, header({ MOTHER: '1', MC_DOB: '31/12/2024' })), passes: child(undefined, {}, header({ MOTHER: '1', MC_DOB: '2024-12-31' })) },

  // Date order and range
  { code: '148', why: 'DEC without REC', fails: child([episode({ DEC: '2024-06-01' })]), passes: child([episode({ DEC: '2024-06-01', REC: 'E11' })]) },
  { code: '301', why: 'born after the year', fails: child(undefined, {}, header({ DOB: '2025-04-01' })), passes: child(undefined, {}, header({ DOB: '2025-03-31' })) },
  { code: '302', why: 'first episode before birth', fails: child([episode({ DECOM: '2012-06-14' })]), passes: child([episode({ DECOM: '2012-06-15' })]) },
  { code: '351', why: 'over 25 at the year start', fails: child(undefined, {}, header({ DOB: '1999-03-31' })), passes: child(undefined, {}, header({ DOB: '1999-04-01' })) },
  { code: '352', why: 'started care at 18', fails: child([episode({ DECOM: '2024-06-15' })], {}, header({ DOB: '2006-06-15' })), passes: child([episode({ DECOM: '2024-06-14' })], {}, header({ DOB: '2006-06-15' })) },
  { code: '353', why: 'before 14 October 1991', fails: child([episode({ DECOM: '1991-10-13' })], {}, header({ DOB: '1990-01-01' })), passes: child([episode({ DECOM: '1991-10-14' })], {}, header({ DOB: '1990-01-01' })) },
  { code: '354', why: 'starts after the year', fails: child([episode({ DECOM: '2025-04-01' })]), passes: child([episode({ DECOM: '2025-03-31' })]) },
  { code: '355', why: 'same-day episode', fails: child([episode({ DEC: '2024-05-01', REC: 'E11' })]), passes: child([episode({ DEC: '2024-05-02', REC: 'E11' })]) },
  { code: '356', why: 'ends before it starts', fails: child([episode({ DEC: '2024-04-30', REC: 'E11' })]), passes: child([episode({ DEC: '2024-05-02', REC: 'E11' })]) },
  { code: '385', why: 'ends after the year', fails: child([episode({ DEC: '2025-04-01', REC: 'E11' })]), passes: child([episode({ DEC: '2025-03-31', REC: 'E11' })]) },
  { code: '386', why: 'adopted at 18', fails: child([episode({ DECOM: '2024-04-01', DEC: '2024-06-15', REC: 'E11' })], {}, header({ DOB: '2006-06-15' })), passes: child([episode({ DECOM: '2024-04-01', DEC: '2024-06-14', REC: 'E11' })], {}, header({ DOB: '2006-06-15' })) },
  { code: '387', why: 'independent living under 14', fails: child([episode({ DEC: '2024-06-14', REC: 'E5' })], {}, header({ DOB: '2010-06-15' })), passes: child([episode({ DEC: '2024-06-15', REC: 'E5' })], {}, header({ DOB: '2010-06-15' })) },
  { code: '389', why: 'adult social care under 16', fails: child([episode({ DEC: '2024-06-14', REC: 'E7' })], {}, header({ DOB: '2008-06-15' })), passes: child([episode({ DEC: '2024-06-15', REC: 'E7' })], {}, header({ DOB: '2008-06-15' })) },
  { code: '407', why: 'SGO at 18', fails: child([episode({ DEC: '2024-06-15', REC: 'E45' })], {}, header({ DOB: '2006-06-15' })), passes: child([episode({ DEC: '2024-06-14', REC: 'E45' })], {}, header({ DOB: '2006-06-15' })) },
  { code: '460', why: 'stayed put under 18', fails: child([episode({ DEC: '2024-06-14', REC: 'E17' })], {}, header({ DOB: '2006-06-15' })), passes: child([episode({ DEC: '2024-06-15', REC: 'E17' })], {}, header({ DOB: '2006-06-15' })) },
  { code: '445', year: 2023, why: 'D1 after 2005', fails: child([episode({ LS: 'D1' })]), passes: child([episode({ LS: 'E1' })]) },
  { code: '446', why: 'E1 before 30 December 2005', fails: child([episode({ LS: 'E1', DECOM: '2005-12-29' })], {}, header({ DOB: '2001-01-01' })), passes: child([episode({ LS: 'E1', DECOM: '2005-12-30' })], {}, header({ DOB: '2001-01-01' })) },
  { code: '184', why: 'decision to place before birth', fails: child(undefined, { placed_for_adoption: rows('placed_for_adoption', { DOB, DATE_PLACED: '2012-06-14' }) }), passes: child(undefined, { placed_for_adoption: rows('placed_for_adoption', { DOB, DATE_PLACED: '2012-06-15' }) }) },
  { code: '304', why: 'UASC ceased after 18', fails: child(undefined, { uasc: rows('uasc', { SEX: 'F', DOB, DUC: '2030-06-16' }) }), passes: child(undefined, { uasc: rows('uasc', { SEX: 'F', DOB, DUC: '2030-06-15' }) }) },
  { code: '621', why: 'mother younger than her child', fails: child(undefined, {}, header({ MOTHER: '1', MC_DOB: '2012-06-15' })), passes: child(undefined, {}, header({ MOTHER: '1', MC_DOB: '2028-01-01', DOB: '2008-01-01' })) },

  // Episode sequence
  { code: '142', why: 'an earlier episode left open', fails: child([episode({ DECOM: '2024-05-01' }), episode({ DECOM: '2024-06-01', RNE: 'P' })]), passes: child([ended('2024-05-01', '2024-06-01'), episode({ DECOM: '2024-06-01', RNE: 'P' })]) },
  { code: '501', why: 'starts before the previous ends', fails: child([ended('2024-05-01', '2024-06-10'), episode({ DECOM: '2024-06-01', RNE: 'P' })]), passes: child([ended('2024-05-01', '2024-06-01'), episode({ DECOM: '2024-06-01', RNE: 'P' })]) },
  { code: '357', why: 'first episode in the year not S', fails: child([episode({ RNE: 'P' })]), passes: child() },
  { code: '388', why: 'X1 with no continuation', fails: child([ended('2024-05-01', '2024-06-01')]), passes: child([ended('2024-05-01', '2024-06-01'), episode({ DECOM: '2024-06-01', RNE: 'P' })]) },
  { code: '388', why: 'left care, yet the next episode starts the same day', fails: child([ended('2024-05-01', '2024-06-01', { REC: 'E11' }), episode({ DECOM: '2024-06-01', RNE: 'S' })]), passes: child([ended('2024-05-01', '2024-06-01', { REC: 'E11' }), episode({ DECOM: '2024-07-01', RNE: 'S' })]) },
  { code: '431', why: 'S on the day the last episode ended', fails: child([ended('2024-05-01', '2024-06-01', { REC: 'E11' }), episode({ DECOM: '2024-06-01', RNE: 'S' })]), passes: child([ended('2024-05-01', '2024-06-01', { REC: 'E11' }), episode({ DECOM: '2024-06-02', RNE: 'S' })]) },
  { code: '432', why: 'care ended but the next episode is not S', fails: child([ended('2024-05-01', '2024-06-01', { REC: 'E11' }), episode({ DECOM: '2024-07-01', RNE: 'P' })]), passes: child([ended('2024-05-01', '2024-06-01', { REC: 'E11' }), episode({ DECOM: '2024-07-01', RNE: 'S' })]) },
  { code: '433', why: 'continuation with a gap', fails: child([ended('2024-05-01', '2024-06-01'), episode({ DECOM: '2024-06-02', RNE: 'P' })]), passes: child([ended('2024-05-01', '2024-06-01'), episode({ DECOM: '2024-06-01', RNE: 'P' })]) },
  { code: '437', why: 'died, then more episodes', fails: child([ended('2024-05-01', '2024-06-01', { REC: 'E2' }), episode({ DECOM: '2024-07-01' })]), passes: child([ended('2024-05-01', '2024-06-01', { REC: 'E3' }), episode({ DECOM: '2024-07-01' })]) },
  { code: '504', why: 'need changes mid-period', fails: child([ended('2024-05-01', '2024-06-01'), episode({ DECOM: '2024-06-01', RNE: 'P', CIN: 'N2' })]), passes: child([ended('2024-05-01', '2024-06-01'), episode({ DECOM: '2024-06-01', RNE: 'P' })]) },
  { code: '226', why: 'reason for change on a temporary placement', fails: child([episode({ PLACE: 'T1', PLACE_PROVIDER: null, REASON_PLACE_CHANGE: 'OTHER' })]), passes: child([episode({ PLACE: 'T1', PLACE_PROVIDER: null })]) },
  { code: '213', why: 'provider for a temporary placement', fails: child([episode({ PLACE: 'T3' })]), passes: child([episode({ PLACE: 'T3', PLACE_PROVIDER: null })]) },
  { code: '361', why: 'police protection over 72 hours', fails: child([ended('2024-05-01', '2024-05-05', { LS: 'L1' }), episode({ DECOM: '2024-05-05', RNE: 'L' })]), passes: child([ended('2024-05-01', '2024-05-04', { LS: 'L1' }), episode({ DECOM: '2024-05-04', RNE: 'L' })]) },
  { code: '362', why: 'EPO over 21 days across two episodes', fails: child([ended('2024-05-01', '2024-05-10', { LS: 'L2' }), ended('2024-05-10', '2024-05-23', { LS: 'L2', RNE: 'P' }), episode({ DECOM: '2024-05-23', RNE: 'L' })]), passes: child([ended('2024-05-01', '2024-05-10', { LS: 'L2' }), ended('2024-05-10', '2024-05-22', { LS: 'L2', RNE: 'P' }), episode({ DECOM: '2024-05-22', RNE: 'L' })]) },
  { code: '363', why: 'CAO over 7 days', fails: child([ended('2024-05-01', '2024-05-09', { LS: 'L3' }), episode({ DECOM: '2024-05-09', RNE: 'L' })]), passes: child([ended('2024-05-01', '2024-05-08', { LS: 'L3' }), episode({ DECOM: '2024-05-08', RNE: 'L' })]) },
  { code: '364', why: 'PACE open to the year end', fails: child([episode({ LS: 'J2' })]), passes: child([ended('2024-05-01', '2024-05-20', { LS: 'J2' }), episode({ DECOM: '2024-05-20', RNE: 'L' })]) },
  { code: '365', why: 'respite over 17 days', fails: child([episode({ LS: 'V3', DEC: '2024-05-19', REC: 'E13' })]), passes: child([episode({ LS: 'V3', DEC: '2024-05-18', REC: 'E13' })]) },

  // Missing
  { code: '564', why: 'missing with no start', fails: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: null, MIS_END: null }) }), passes: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-01', MIS_END: null }) }) },
  { code: '565', why: 'start with no type', fails: child(undefined, { missing: rows('missing', { DOB, MISSING: null, MIS_START: '2024-06-01', MIS_END: null }) }), passes: child(undefined, { missing: rows('missing', { DOB, MISSING: 'A', MIS_START: '2024-06-01', MIS_END: null }) }) },
  { code: '566', why: 'end with no type', fails: child(undefined, { missing: rows('missing', { DOB, MISSING: null, MIS_START: '2024-06-01', MIS_END: '2024-06-02' }) }), passes: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-01', MIS_END: '2024-06-02' }) }) },
  { code: '567', why: 'ends before it starts', fails: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-03', MIS_END: '2024-06-02' }) }), passes: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-03', MIS_END: '2024-06-03' }) }) },
  { code: '570', why: 'starts after the year', fails: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2025-04-01', MIS_END: null }) }), passes: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2025-03-31', MIS_END: null }) }) },
  { code: '571', why: 'ends before the year', fails: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-03-01', MIS_END: '2024-03-31' }) }), passes: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-03-01', MIS_END: '2024-04-01' }) }) },
  { code: '586', why: 'missing on or before birth', fails: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: DOB, MIS_END: null }) }), passes: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2012-06-16', MIS_END: null }) }) },
  { code: '574', why: 'overlapping missing periods', fails: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-01', MIS_END: '2024-06-10' }, { DOB, MISSING: 'A', MIS_START: '2024-06-05', MIS_END: '2024-06-12' }) }), passes: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-01', MIS_END: '2024-06-10' }, { DOB, MISSING: 'A', MIS_START: '2024-06-10', MIS_END: '2024-06-12' }) }) },
  { code: '574', why: 'a period starts while another is open', fails: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-01', MIS_END: null }, { DOB, MISSING: 'A', MIS_START: '2024-06-05', MIS_END: '2024-06-12' }) }), passes: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-14', MIS_END: null }, { DOB, MISSING: 'A', MIS_START: '2024-06-05', MIS_END: '2024-06-12' }) }) },
  { code: '575', why: 'placement ended, missing still open', fails: child([episode({ DEC: '2024-07-01', REC: 'E11' })], { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-01', MIS_END: null }) }), passes: child([episode({ DEC: '2024-07-01', REC: 'E11' })], { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-01', MIS_END: '2024-06-20' }) }) },
  { code: '577', why: 'care ended, missing still open', fails: child([episode({ DEC: '2024-07-01', REC: 'E11' })], { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-01', MIS_END: null }) }), passes: child([episode()], { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-01', MIS_END: null }) }) },
  { code: '578', why: 'missing after care ended', fails: child([episode({ DEC: '2024-07-01', REC: 'E11' })], { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-07-02', MIS_END: '2024-07-03' }) }), passes: child([episode({ DEC: '2024-07-01', REC: 'E11' })], { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-02', MIS_END: '2024-06-03' }) }) },
  { code: '581', why: 'missing before care began', fails: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-04-30', MIS_END: '2024-05-02' }) }), passes: child(undefined, { missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-05-01', MIS_END: '2024-05-02' }) }) },
  { code: '580', why: 'missing on leaving care at 18, not E8', fails: child([episode({ DEC: '2024-06-15', REC: 'E17' })], { missing: rows('missing', { DOB: '2006-06-15', MISSING: 'M', MIS_START: '2024-06-01', MIS_END: '2024-06-15' }) }, header({ DOB: '2006-06-15' })), passes: child([episode({ DEC: '2024-06-15', REC: 'E8' })], { missing: rows('missing', { DOB: '2006-06-15', MISSING: 'M', MIS_START: '2024-06-01', MIS_END: '2024-06-15' }) }, header({ DOB: '2006-06-15' })) },

  // Reviews
  { code: '440', why: 'PN0 for a child of 4', fails: child(undefined, { reviews: rows('reviews', { DOB: '2020-06-15', REVIEW: '2024-06-16', REVIEW_CODE: 'PN0' }) }, header({ DOB: '2020-06-15' })), passes: child(undefined, { reviews: rows('reviews', { DOB: '2020-06-15', REVIEW: '2024-06-15', REVIEW_CODE: 'PN0' }) }, header({ DOB: '2020-06-15' })) },
  { code: '441', why: 'PN1 for a child under 4', fails: child(undefined, { reviews: rows('reviews', { DOB: '2020-06-15', REVIEW: '2024-06-14', REVIEW_CODE: 'PN1' }) }, header({ DOB: '2020-06-15' })), passes: child(undefined, { reviews: rows('reviews', { DOB: '2020-06-15', REVIEW: '2024-06-15', REVIEW_CODE: 'PN1' }) }, header({ DOB: '2020-06-15' })) },

  // Motherhood
  { code: '174', why: 'a male child with a child', fails: child(undefined, {}, header({ SEX: 'M', MC_DOB: '2024-01-01' })), passes: child(undefined, {}, header({ SEX: 'F', MOTHER: '1', MC_DOB: '2024-01-01', DOB: '2008-01-01' })) },
  { code: '174', year: 2023, why: 'male is 1 up to 2023-24', fails: child(undefined, {}, header({ SEX: '1', MC_DOB: '2024-01-01' })), passes: child(undefined, {}, header({ SEX: 'M', MC_DOB: '2024-01-01' })) },
  { code: '611', why: 'a mother with no child DOB', fails: child(undefined, {}, header({ MOTHER: '1' })), passes: child(undefined, {}, header({ MOTHER: '1', MC_DOB: '2024-01-01' })) },
  { code: '612', why: 'a child DOB but not a mother', fails: child(undefined, {}, header({ MOTHER: '0', MC_DOB: '2024-01-01' })), passes: child(undefined, {}, header({ MOTHER: '1', MC_DOB: '2024-01-01' })) },
  { code: '620', why: 'a mother under 11', fails: child(undefined, {}, header({ MOTHER: '1', MC_DOB: '2024-01-01', DOB: '2013-04-02' })), passes: child(undefined, {}, header({ MOTHER: '1', MC_DOB: '2024-01-01', DOB: '2013-04-01' })) },
  { code: '232', why: 'sex unknown', fails: child(undefined, {}, header({ SEX: 'U' })), passes: child() },

  // Placements and providers
  ...([['527', 'PR1', 'R2', 'U1'], ['528', 'PR2', 'R5', 'U1'], ['529', 'PR3', 'K1', 'R1'], ['530', 'PR4', 'P1', 'U1'], ['531', 'PR5', 'P1', 'U1'], ['550', 'PR0', 'U1', 'P1']] as const)
    .map(([code, provider, bad, good]): Case => ({
      code, why: `${provider} with ${bad}`,
      fails: child([episode({ PLACE_PROVIDER: provider, PLACE: bad })]), passes: child([episode({ PLACE_PROVIDER: provider, PLACE: good })]),
    })),
  { code: '380', why: 'temporary placement starting care', fails: child([episode({ PLACE: 'T1', PLACE_PROVIDER: null })]), passes: child([ended('2024-05-01', '2024-06-01'), episode({ DECOM: '2024-06-01', RNE: 'P', PLACE: 'T1', PLACE_PROVIDER: null })]) },
  { code: '381', why: 'temporary placement ending care', fails: child([ended('2024-05-01', '2024-06-01'), episode({ DECOM: '2024-06-01', RNE: 'P', PLACE: 'T1', PLACE_PROVIDER: null, DEC: '2024-06-05', REC: 'E11' })]), passes: child([ended('2024-05-01', '2024-06-01'), episode({ DECOM: '2024-06-01', RNE: 'P', PLACE: 'T1', PLACE_PROVIDER: null, DEC: '2024-06-05', REC: 'X1' }), episode({ DECOM: '2024-06-05', RNE: 'P' })]) },
  { code: '379', why: 'T4 over 7 days', fails: child([ended('2024-05-01', '2024-05-09', { PLACE: 'T4', PLACE_PROVIDER: null })]), passes: child([ended('2024-05-01', '2024-05-08', { PLACE: 'T4', PLACE_PROVIDER: null })]) },
  { code: '217', why: 'A5 with P', fails: child([ended('2024-05-01', '2024-06-01'), episode({ DECOM: '2024-06-01', RNE: 'P', PLACE: 'A5' })]), passes: child([ended('2024-05-01', '2024-06-01'), episode({ DECOM: '2024-06-01', RNE: 'T', PLACE: 'A5' })]) },
  { code: '358', why: 'remanded at 10', fails: child([episode({ LS: 'J1' })], {}, header({ DOB: '2014-05-01' })), passes: child([episode({ LS: 'J1' })], {}, header({ DOB: '2014-04-30' })) },
  { code: '233', year: 2025, why: 'reason for change on an open episode', fails: child([episode({ DECOM: '2025-05-01', REASON_PLACE_CHANGE: 'CARPL' })]), passes: child([episode({ DECOM: '2025-05-01', DEC: '2025-06-01', REC: 'E11', REASON_PLACE_CHANGE: 'CARPL' })]) },
  { code: '234', year: 2025, why: 'custody under 10', fails: child([episode({ DECOM: '2025-05-01', REASON_PLACE_CHANGE: 'CUSTOD' })], {}, header({ DOB: '2015-05-02' })), passes: child([episode({ DECOM: '2025-05-01', REASON_PLACE_CHANGE: 'CUSTOD' })], {}, header({ DOB: '2015-05-01' })) },

  // Social worker episodes
  ...((): Case[] => {
    const sw = (...v: Values[]): Tables => child(undefined, { sw_episodes: rows('sw_episodes', ...v.map((x) => ({ DOB, SW_ID: 'SW1', SW_REASON: 'MANAGE', ...x }))) });
    return [
      { code: 'SW02STG1', why: 'ID prefix', fails: sw({ SW_ID: 'AB1', SW_DECOM: '2024-05-01' }), passes: sw({ SW_ID: 'XX1', SW_DECOM: '2024-05-01' }) },
      { code: 'SW06STG2', why: 'starts after the year', fails: sw({ SW_DECOM: '2025-04-01' }), passes: sw({ SW_DECOM: '2025-03-31' }) },
      { code: 'SW07STG2', why: 'ends more than a year before', fails: sw({ SW_DECOM: '2023-01-01', SW_DEC: '2023-03-31' }), passes: sw({ SW_DECOM: '2023-01-01', SW_DEC: '2023-04-01' }) },
      { code: 'SW07STG2', year: 2023, why: 'ends before the year (2023-24)', fails: sw({ SW_DECOM: '2023-01-01', SW_DEC: '2023-03-31' }), passes: sw({ SW_DECOM: '2023-01-01', SW_DEC: '2023-04-01' }) },
      { code: 'SW09STG2', why: 'under a day', fails: sw({ SW_DECOM: '2024-05-01', SW_DEC: '2024-05-01' }), passes: sw({ SW_DECOM: '2024-05-01', SW_DEC: '2024-05-02' }) },
      { code: 'SW10STG2', why: 'gap over 7 days', fails: sw({ SW_DECOM: '2024-05-01', SW_DEC: '2024-06-01' }, { SW_ID: 'SW2', SW_DECOM: '2024-06-09' }), passes: sw({ SW_DECOM: '2024-05-01', SW_DEC: '2024-06-01' }, { SW_ID: 'SW2', SW_DECOM: '2024-06-08' }) },
      { code: 'SW108STG2', why: 'earlier episode open', fails: sw({ SW_DECOM: '2024-05-01' }, { SW_ID: 'SW2', SW_DECOM: '2024-06-09' }), passes: sw({ SW_DECOM: '2024-05-01', SW_DEC: '2024-06-09' }, { SW_ID: 'SW2', SW_DECOM: '2024-06-09' }) },
    ];
  })(),

  // DoLOs
  ...((): Case[] => {
    const dolo = (eps: Values[], ...v: Values[]): Tables => child(eps, { dolo: rows('dolo', ...v.map((x) => ({ DOB, ...x }))) });
    const open = [episode({ DECOM: '2026-05-01' })];
    return [
      { code: '702', year: 2026, why: 'ends before it starts', fails: dolo(open, { DOLO_START: '2026-06-02', DOLO_END: '2026-06-01' }), passes: dolo(open, { DOLO_START: '2026-06-01', DOLO_END: '2026-06-01' }) },
      { code: '703', year: 2026, why: 'starts after the year', fails: dolo(open, { DOLO_START: '2027-04-01' }), passes: dolo(open, { DOLO_START: '2027-03-31' }) },
      { code: '704', year: 2026, why: 'ends after the year', fails: dolo(open, { DOLO_START: '2026-06-01', DOLO_END: '2027-04-01' }), passes: dolo(open, { DOLO_START: '2026-06-01', DOLO_END: '2027-03-31' }) },
      { code: '705', year: 2026, why: 'overlapping', fails: dolo(open, { DOLO_START: '2026-06-01', DOLO_END: '2026-07-01' }, { DOLO_START: '2026-06-15', DOLO_END: '2026-08-01' }), passes: dolo(open, { DOLO_START: '2026-06-01', DOLO_END: '2026-07-01' }, { DOLO_START: '2026-07-01', DOLO_END: '2026-08-01' }) },
      { code: '707', year: 2026, why: 'open after care ended', fails: dolo([episode({ DECOM: '2026-05-01', DEC: '2026-09-01', REC: 'E11' })], { DOLO_START: '2026-06-01' }), passes: dolo(open, { DOLO_START: '2026-06-01' }) },
      { code: '708', year: 2026, why: 'before birth', fails: dolo(open, { DOLO_START: DOB }), passes: dolo(open, { DOLO_START: '2012-06-16' }) },
    ];
  })(),

  // Items that go together
  ...((): Case[] => {
    const pa = (v: Values): Tables => child(undefined, { placed_for_adoption: rows('placed_for_adoption', { DOB, DATE_PLACED: '2024-05-02', ...v }) });
    const ad = (v: Values): Tables => child(undefined, { ad1: rows('ad1', { DOB, ...v }) });
    const oc2 = (v: Values): Tables => child(undefined, { oc2: rows('oc2', { DOB, ...v }) });
    const oc3 = (v: Values): Tables => child(undefined, { oc3: rows('oc3', { DOB, ...v }) });
    return [
      { code: '119', why: 'ceased date without reason', fails: pa({ DATE_PLACED_CEASED: '2024-07-01' }), passes: pa({ DATE_PLACED_CEASED: '2024-07-01', REASON_PLACED_CEASED: 'RD1' }) },
      { code: '522', why: 'ceased before the decision', fails: pa({ DATE_PLACED_CEASED: '2024-05-01', REASON_PLACED_CEASED: 'RD1' }), passes: pa({ DATE_PLACED_CEASED: '2024-05-02', REASON_PLACED_CEASED: 'RD1' }) },
      { code: '563', why: 'ceased with no decision date', fails: pa({ DATE_PLACED: null, DATE_PLACED_CEASED: '2024-07-01', REASON_PLACED_CEASED: 'RD1' }), passes: pa({ DATE_PLACED_CEASED: '2024-07-01', REASON_PLACED_CEASED: 'RD1' }) },
      { code: '333', why: 'matched before the decision', fails: ad({ DATE_INT: '2024-06-02', DATE_MATCH: '2024-06-01' }), passes: ad({ DATE_INT: '2024-06-01', DATE_MATCH: '2024-06-01' }) },
      { code: '197a', why: 'score and reason', fails: oc2({ SDQ_SCORE: '12', SDQ_REASON: 'SDQ1' }), passes: oc2({ SDQ_SCORE: '12' }) },
      { code: '158', why: 'received and offered', fails: oc2({ SUBSTANCE_MISUSE: '1', INTERVENTION_RECEIVED: '1', INTERVENTION_OFFERED: '1' }), passes: oc2({ SUBSTANCE_MISUSE: '1', INTERVENTION_RECEIVED: '1' }) },
      { code: '159', why: 'not received, offered blank', fails: oc2({ SUBSTANCE_MISUSE: '1', INTERVENTION_RECEIVED: '0' }), passes: oc2({ SUBSTANCE_MISUSE: '1', INTERVENTION_RECEIVED: '0', INTERVENTION_OFFERED: '1' }) },
      { code: '192', why: 'misuse, received blank', fails: oc2({ SUBSTANCE_MISUSE: '1' }), passes: oc2({ SUBSTANCE_MISUSE: '1', INTERVENTION_RECEIVED: '1' }) },
      { code: '193', why: 'no misuse, yet an intervention', fails: oc2({ SUBSTANCE_MISUSE: '0', INTERVENTION_OFFERED: '1' }), passes: oc2({ SUBSTANCE_MISUSE: '0' }) },
      { code: '153', why: 'care leaver items part given', fails: oc3({ IN_TOUCH: 'YES', ACTIV: 'F1', ACCOM: null }), passes: oc3({ IN_TOUCH: 'YES', ACTIV: 'F1', ACCOM: 'B1' }) },
    ];
  })(),

  // The whole return, and internal checks
  { code: '444', year: 2025, why: 'two children with one UPN', fails: { header: rows('header', header({ UPN: 'A123456789012' }), { ...header({ UPN: 'A123456789012' }), CHILD: 'C2' }) }, passes: { header: rows('header', header({ UPN: 'UN1' }), { ...header({ UPN: 'UN1' }), CHILD: 'C2' }) } },
  ...(['ad1', 'placed_for_adoption', 'episodes', 'missing', 'oc2', 'oc3', 'previous_permanence', 'reviews', 'uasc'] as const).map((table, i): Case => ({
    code: `INT0${i + 1}`, why: `${table} child not in the header`,
    fails: { [table]: rows(table, table === 'episodes' ? episode() : { DOB }) },
    passes: { header: rows('header', header()), [table]: rows(table, table === 'episodes' ? episode() : { DOB }) },
  })),
  ...(['ad1', 'placed_for_adoption', 'missing', 'oc2', 'oc3', 'previous_permanence', 'reviews', 'uasc'] as const).map((table, i): Case => ({
    code: `INT1${i + 1}`, why: `${table} DOB differs`,
    fails: child(undefined, { [table]: rows(table, { DOB: '2012-06-16' }) }),
    passes: child(undefined, { [table]: rows(table, { DOB }) }),
  })),
  { code: 'INT21', why: 'UASC sex differs', fails: child(undefined, { uasc: rows('uasc', { DOB, SEX: 'M' }) }), passes: child(undefined, { uasc: rows('uasc', { DOB, SEX: 'F' }) }) },
  ...(['ad1', 'header', 'oc2', 'oc3', 'previous_permanence', 'uasc'] as const).map((table, i): Case => ({
    code: `INT3${i + 1}`, why: `twice in ${table}`,
    fails: { ...child(), [table]: rows(table, table === 'header' ? header() : { DOB }, table === 'header' ? header() : { DOB }) },
    passes: { ...child(), [table]: rows(table, table === 'header' ? header() : { DOB }) },
  })),
];

describe('validate903, rule by rule', () => {
  it.each(CASES.map((c) => [`${c.code} (${c.year ?? 2024}): ${c.why}`, c] as const))('%s', (_name, c) => {
    const year = c.year ?? 2024;
    const hits = found(year, c.fails, c.code);
    expect(hits.length, `${c.code} should fire`).toBeGreaterThan(0);
    expect(hits[0]!.message).toBe(rule903(c.code, year)!.message);
    expect(found(year, c.passes, c.code), `${c.code} should not fire`).toEqual([]);
  });

  it('has a case for every rule it checks', () => {
    const covered = new Set(CASES.map((c) => c.code));
    expect(CHECKED_903.filter((code) => !covered.has(code))).toEqual([]);
  });
});

// --- The rules data ---------------------------------------------------------------------------------

describe('the 903 rules data', () => {
  it('lists what the validator checks, and nothing it does not', () => {
    expect([...IMPLEMENTED_903].sort()).toEqual([...CHECKED_903].sort());
    expect(IMPLEMENTED_903.filter((code) => !ALL_CODES_903.includes(code))).toEqual([]);
  });

  it('holds the 312 codes of the 2024-25 list, with DfE messages', () => {
    expect(ALL_CODES_903.length).toBeGreaterThanOrEqual(312);
    expect(rule903('143', 2024)?.message).toBe('The reason for new episode code is not a valid code.');
    expect(rule903('1006', 2024)?.message).toBe('Missing type invalid.');
  });

  it('changes by year', () => {
    expect(rule903('101', 2023)?.message).toBe('Gender code is not valid.');
    expect(rule903('101', 2024)?.message).toMatch(/reported sex is not valid/);
    expect(rule903('445', 2023)).toBeDefined();
    expect(rule903('445', 2024)).toBeUndefined();
    expect(rule903('SW13STG1', 2022)).toBeUndefined();
    expect(rule903('SW13STG1', 2023)).toBeDefined();
    expect(rule903('700', 2025)).toBeUndefined();
    expect(rule903('700', 2026)).toBeDefined();
    // Years outside those held run the nearest year's rules.
    expect(rules903(2019)).toBe(rules903(2022));
    expect(rules903(2030)).toBe(rules903(2026));
  });

  it('does not run a rule outside its years', () => {
    const d1 = child([episode({ LS: 'D1' })]);
    expect(found(2023, d1, '445')).toHaveLength(1);
    expect(found(2024, d1, '445')).toEqual([]);
  });
});

// --- The issues themselves -----------------------------------------------------------------------------

describe('validate903 findings', () => {
  it('names the rule, severity, child, file, row and fields', () => {
    const issues = found(2024, child([episode(), episode({ DECOM: '2024-06-01', RNE: 'P', LS: 'C9' })]), '144');
    expect(issues).toEqual([{
      rule: '144', severity: 'error', child: 'C1', location: 'episodes.csv row 3, LS', message: 'The legal status code is not a valid code.',
    }]);
  });

  it('finds nothing wrong in a tidy child', () => {
    const tidy = child(
      [ended('2024-05-01', '2024-08-01', { REASON_PLACE_CHANGE: null }), episode({ DECOM: '2024-08-01', RNE: 'P', PLACE: 'U3', REASON_PLACE_CHANGE: 'CARPL' })],
      {
        reviews: rows('reviews', { DOB, REVIEW: '2024-06-01', REVIEW_CODE: 'PN1' }),
        missing: rows('missing', { DOB, MISSING: 'M', MIS_START: '2024-06-01', MIS_END: '2024-06-03' }),
      },
    );
    expect(validate903(2024, tidy)).toEqual([]);
  });

  it('groups by child: one child\'s episodes do not follow another\'s', () => {
    const two: Tables = {
      header: [...rows('header', header()), ...rows('header', { ...header(), CHILD: 'C2' })],
      episodes: [...rows('episodes', ended('2024-05-01', '2024-06-10', { REC: 'E11' })), ...rows('episodes', { ...episode({ DECOM: '2024-06-01' }), CHILD: 'C2' })],
    };
    expect(found(2024, two, '501')).toEqual([]);
    expect(found(2024, two, '432')).toEqual([]);
  });

  it('refuses a year that is not a 4-digit starting year', () => {
    expect(() => validate903(24, {})).toThrow(RangeError);
  });
});

// --- The public fake return ---------------------------------------------------------------------------

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/public/', import.meta.url));
const FAKE: Record<string, Table903> = {
  header: 'header', episodes: 'episodes', reviews: 'reviews', uasc: 'uasc', oc2: 'oc2', oc3: 'oc3', ad1: 'ad1',
  placed_for_adoption: 'placed_for_adoption', previous_permanence: 'previous_permanence', missing: 'missing',
  sw_episodes: 'sw_episodes', DoLo: 'dolo',
};

/** The fake data's CSVs, read plainly: dd/mm/yyyy dates become ISO, anything else is kept as written. */
function readFake(): Tables {
  const tables: Tables = {};
  for (const [name, table] of Object.entries(FAKE)) {
    const file = `data-to-insight__csc-validator-be-903__tests__fake_data__${name}.csv`;
    const records = parse(readFileSync(FIXTURES + file, 'utf8'), { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
    tables[table] = records.map((record, i) => ({
      table,
      file: `${name}.csv`,
      row: i + 2,
      values: Object.fromEntries(Object.entries(record).map(([k, v]) => {
        const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v.trim());
        return [k, v.trim() === '' ? null : m ? `${m[3]}-${m[2]}-${m[1]}` : v];
      })),
    }));
  }
  return tables;
}

describe('validate903 over the public fake return', () => {
  const tables = readFake();

  // The fake return's dates fall in 2017-18.
  const issues = validate903(2017, tables);
  const at = (rule: string, list = issues) => list.filter((i) => i.rule === rule).map((i) => `${i.child} ${i.location}`);

  it('reads every table', () => {
    expect(Object.values(tables).every((t) => t.length > 0)).toBe(true);
  });

  it('finds the episode after one that ended E15 (437)', () => {
    // 116056: row 108 ends 16/06/2017 E15, and row 109 starts 06/08/2017.
    expect(at('437')).toContain('116056 episodes.csv row 108, REC');
    expect(at('437')).not.toContain('116056 episodes.csv row 109, REC');
  });

  it('finds an RNE other than S after care ended (432)', () => {
    // 139805: 09/09/2017–09/11/2017 ends E3, and the next by start date (07/01/2018) is P.
    expect(at('432')).toContain('139805 episodes.csv row 665, RNE');
  });

  it('finds an ended episode with no reason, and none where both are given (148)', () => {
    // 566910 row 3: no DEC but REC X1. Row 2 has both.
    expect(at('148')).toContain('566910 episodes.csv row 3, DEC, REC');
    expect(at('148')).not.toContain('566910 episodes.csv row 2, DEC, REC');
  });

  it('finds overlapping missing periods (574) and one outlasting the care (577)', () => {
    // 366621: 20/11–04/12/2017, then 02/11–22/12/2017 which starts before the first ends.
    expect(at('574')).toEqual(['366621 missing.csv row 37, MIS_START']);
    // 510000: away 13/11–25/11/2017; care ended 20/11/2017 (E14).
    expect(at('577')).toContain('510000 missing.csv row 2, MIS_END');
    expect(at('578')).not.toContain('510000 missing.csv row 2, MIS_START');
  });

  it('judges the code lists as the data has them', () => {
    const rowsWhere = (table: Table903, test: (v: Record<string, string | null>) => boolean) =>
      tables[table]!.filter((r) => test(r.values)).map((r) => `${r.values.CHILD} ${r.file} row ${r.row}`);
    // Every decision to place was reversed with reason XXX.
    expect(at('120').map((s) => s.replace(/, .*$/, ''))).toEqual(rowsWhere('placed_for_adoption', (v) => v.REASON_PLACED_CEASED === 'XXX'));
    // F3 and P3 are no activity codes.
    expect(at('132').map((s) => s.replace(/, .*$/, ''))).toEqual(rowsWhere('oc3', (v) => v.ACTIV === 'F3' || v.ACTIV === 'P3'));
    expect(at('132').length).toBeGreaterThan(0);
    // 197474's accommodation 01 is no code.
    expect(at('133')).toContain('197474 oc3.csv row 2, ACCOM');
  });

  it('reads SEX 1/2 as valid up to 2023-24 and invalid from 2024-25 (101)', () => {
    expect(at('101', validate903(2023, tables))).toEqual([]);
    expect(at('101', validate903(2024, tables))).toHaveLength(tables.header!.length);
  });

  it('checks the social worker change reason from 2023-24 only (SW13STG1)', () => {
    expect(at('SW13STG1', validate903(2022, tables))).toEqual([]);
    expect(at('SW13STG1', validate903(2023, tables))).toEqual(['CHILD10 sw_episodes.csv row 2, SW_REASON']);
  });
});
