/**
 * The DfE SSDA903 (children looked after) validation rules, as pure functions over the parser's rows.
 *
 * `validate903(year, tables)` groups the return's rows by CHILD once, then runs each rule in force in the
 * collection year (`rules903`) over each child. Messages are DfE's, from `ssda903.rules`; code lists
 * come from `domain/codes` for the same year, so a list that changes (SEX in 2024-25, PLACE in 2025-26)
 * is judged by the return's own year.
 *
 * The logic follows the DfE rule texts as the public data-to-insight 903 validator implements them (its
 * year folders `lac2022_23` … `lac2026_27`); the code here is written afresh. Rules that compare with
 * last year's return, the Ofsted provider list or postcode-derived fields cannot run on one return
 * alone and are not here (see `IMPLEMENTED_903` for what is).
 *
 * Dates are ISO strings (YYYY-MM-DD), so comparing them as strings compares them as dates. A value that
 * is not a real date is the concern of the "not a valid date" rules only; every other rule skips it.
 * The collection year runs from 1 April of the year it is named by to 31 March of the next.
 */
import { addMonths, isIsoDate } from '../../domain/calendar';
import { checkCode, type CodeListId } from '../../domain/codes';
import type { Row903, Table903 } from './ssda903.parser';
import { rules903 } from './ssda903.rules';
import { severityOf, type ReturnIssue } from './return-issue';

export { rules903, rule903, IMPLEMENTED_903 } from './ssda903.rules';

// --- Values -----------------------------------------------------------------------------------------

/** A field's value, trimmed; blank is null. */
function val(row: Row903 | undefined, field: string): string | null {
  const raw = row?.values[field];
  if (raw === null || raw === undefined) return null;
  const trimmed = raw.trim();
  return trimmed === '' ? null : trimmed;
}

/** A field's value if it is a real date, else null (blank or not a date). */
function date(row: Row903 | undefined, field: string): string | null {
  const v = val(row, field);
  return v !== null && isIsoDate(v) ? v : null;
}

/** Present but not a real date. */
function badDate(row: Row903, field: string): boolean {
  const v = val(row, field);
  return v !== null && !isIsoDate(v);
}

const addYears = (d: string, n: number): string => addMonths(d, 12 * n);

function addDays(d: string, n: number): string {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

/** Whole days from a to b. */
function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

const oneOf = (value: string | null, codes: readonly string[]): boolean => value !== null && codes.includes(value);

// --- A child's rows ---------------------------------------------------------------------------------

interface Child {
  readonly id: string | null;
  readonly rows: Readonly<Record<Table903, Row903[]>>;
  /** Episodes with a real DECOM, in order of DECOM then DEC (an open episode last), then row. */
  readonly spells: Row903[];
  /** The DOB on the child's first header row, if a real date. */
  readonly dob: string | null;
}

interface Year {
  readonly year: number;
  /** 1 April. */
  readonly start: string;
  /** 31 March. */
  readonly end: string;
}

type Emit = (row: Row903, fields: string | readonly string[]) => void;
type Check = (child: Child, year: Year, emit: Emit) => void;

const TABLES: readonly Table903[] = ['header', 'episodes', 'reviews', 'uasc', 'oc2', 'oc3', 'ad1', 'placed_for_adoption', 'previous_permanence', 'missing', 'sw_episodes', 'dolo'];

function byDecom(a: Row903, b: Row903): number {
  const [da, db] = [date(a, 'DECOM')!, date(b, 'DECOM')!];
  if (da !== db) return da < db ? -1 : 1;
  const [ea, eb] = [date(a, 'DEC') ?? '9999-12-31', date(b, 'DEC') ?? '9999-12-31'];
  if (ea !== eb) return ea < eb ? -1 : 1;
  return a.row - b.row;
}

function groupByChild(tables: Partial<Record<Table903, Row903[]>>): Child[] {
  const groups = new Map<string | null, Record<Table903, Row903[]>>();
  for (const table of TABLES) {
    for (const row of tables[table] ?? []) {
      const id = val(row, 'CHILD');
      let group = groups.get(id);
      if (!group) {
        group = Object.fromEntries(TABLES.map((t) => [t, [] as Row903[]])) as unknown as Record<Table903, Row903[]>;
        groups.set(id, group);
      }
      group[table].push(row);
    }
  }
  return [...groups].map(([id, rows]) => ({
    id,
    rows,
    spells: rows.episodes.filter((e) => date(e, 'DECOM') !== null).sort(byDecom),
    dob: date(rows.header[0], 'DOB'),
  }));
}

// --- Rule builders ----------------------------------------------------------------------------------

/** A value, where given, must be on a code list for the year; `required`: and must be given. */
function codeRule(table: Table903, field: string, list: CodeListId, required = false): Check {
  return (child, year, emit) => {
    for (const row of child.rows[table]) {
      const v = val(row, field);
      if (v === null ? required : !checkCode(list, v, year.year, { return: '903' }).ok) emit(row, field);
    }
  };
}

/** A value, where given, must be one of these. */
function valueRule(table: Table903, field: string, allowed: readonly string[], required = false): Check {
  return (child, _year, emit) => {
    for (const row of child.rows[table]) {
      const v = val(row, field);
      if (v === null ? required : !allowed.includes(v)) emit(row, field);
    }
  };
}

/** A date, where given, must be a real date; `required`: and must be given. */
function dateRule(table: Table903, field: string, required = false): Check {
  return (child, _year, emit) => {
    for (const row of child.rows[table]) {
      if (badDate(row, field) || (required && val(row, field) === null)) emit(row, field);
    }
  };
}

/** Each row of a table on its own. */
function eachRow(table: Table903, test: (row: Row903, child: Child, year: Year) => boolean, fields: string | readonly string[]): Check {
  return (child, year, emit) => {
    for (const row of child.rows[table]) if (test(row, child, year)) emit(row, fields);
  };
}

/** Each episode with the one before it (by DECOM) for the same child. */
function eachPair(test: (prev: Row903, cur: Row903, year: Year) => boolean, fields: string | readonly string[]): Check {
  return (child, year, emit) => {
    const s = child.spells;
    for (let i = 1; i < s.length; i++) if (test(s[i - 1]!, s[i]!, year)) emit(s[i]!, fields);
  };
}

/** The child's age-in-years threshold: DOB + n years (29 February → 28 February). */
const birthday = (child: Child, n: number): string | null => (child.dob ? addYears(child.dob, n) : null);

// --- Shared code groups ------------------------------------------------------------------------------

const TEMPORARY = ['T0', 'T1', 'T2', 'T3', 'T4'];
const ZERO_ONE = ['0', '1'];
const OC2_FLAGS = ['CONVICTED', 'HEALTH_CHECK', 'IMMUNISATIONS', 'TEETH_CHECK', 'HEALTH_ASSESSMENT', 'SUBSTANCE_MISUSE', 'INTERVENTION_RECEIVED', 'INTERVENTION_OFFERED'];
/** REC codes that end a period of care (all but X1). */
const LEFT_CARE = ['E2', 'E3', 'E4A', 'E4B', 'E5', 'E6', 'E7', 'E8', 'E9', 'E11', 'E12', 'E13', 'E14', 'E15', 'E16', 'E17', 'E41', 'E45', 'E46', 'E47', 'E48'];
/** Placement types with no placement provider: temporary placements, and Z1 until 2024-25, Z11–Z14 after. */
const noProviderPlacements = (year: number): readonly string[] =>
  year >= 2025 ? ['T0', 'T1', 'T2', 'T3', 'T4', 'Z11', 'Z12', 'Z13', 'Z14'] : ['T0', 'T1', 'T2', 'T3', 'T4', 'Z1'];

/** Periods of care: runs of episodes each starting on or before the previous one's end. */
function periodsOfCare(spells: readonly Row903[]): Row903[][] {
  const periods: Row903[][] = [];
  for (const ep of spells) {
    const last = periods.at(-1);
    const prevEnd = last ? date(last.at(-1), 'DEC') : null;
    if (last && (prevEnd === null || date(ep, 'DECOM')! <= prevEnd)) last.push(ep);
    else periods.push([ep]);
  }
  return periods;
}

/** Runs of episodes under a legal status lasting more than `days` (rules 361–364). */
function legalStatusLimit(ls: string, days: number): Check {
  return (child, year, emit) => {
    const runs: Row903[][] = [];
    for (const ep of child.spells.filter((e) => val(e, 'LS') === ls)) {
      const last = runs.at(-1);
      if (last && date(ep, 'DECOM')! <= (date(last.at(-1), 'DEC') ?? year.end)) last.push(ep);
      else runs.push([ep]);
    }
    for (const run of runs) {
      const ends = run.map((e) => date(e, 'DEC') ?? year.end).sort();
      if (daysBetween(date(run[0], 'DECOM')!, ends.at(-1)!) > days) run.forEach((e) => emit(e, ['LS', 'DECOM', 'DEC']));
    }
  };
}

/**
 * Spells (missing periods, DoLOs) in order of their end, an open one by its start: a spell must not
 * start before the previous one ends, nor follow an open one (rules 574, 705).
 */
function overlapping(table: Table903, startField: string, endField: string): Check {
  return (child, _y, emit) => {
    const spells = child.rows[table]
      .map((r) => ({ r, start: date(r, startField), end: date(r, endField) }))
      .filter((m) => m.start !== null || m.end !== null)
      .sort((a, b) => {
        const [ka, kb] = [a.end ?? a.start!, b.end ?? b.start!];
        if (ka !== kb) return ka < kb ? -1 : 1;
        const [sa, sb] = [a.start ?? '', b.start ?? ''];
        return sa !== sb ? (sa < sb ? -1 : 1) : a.r.row - b.r.row;
      });
    for (let i = 1; i < spells.length; i++) {
      const [prev, cur] = [spells[i - 1]!, spells[i]!];
      if (prev.end === null || (cur.start !== null && cur.start < prev.end)) emit(cur.r, startField);
    }
  };
}

/**
 * A spell (missing period, DoLO) must lie within a period of care: an open one only in a period still
 * open, an ended one ending within a period (rules 577, 707).
 */
function withinCare(table: Table903, startField: string, endField: string): Check {
  return (child, _y, emit) => {
    const periods = periodsOfCare(child.spells);
    if (periods.length === 0) return;
    for (const m of child.rows[table]) {
      const [start, end] = [date(m, startField), date(m, endField)];
      if (start === null) continue;
      const fits = periods.some((p) => {
        const [from, to] = [date(p[0], 'DECOM')!, date(p.at(-1), 'DEC')];
        if (end === null) return to === null && start >= from;
        return end >= from && (to === null || end <= to);
      });
      if (!fits) emit(m, endField);
    }
  };
}

/** Rows of a table whose child has no header row (INT01–INT09). */
function notInHeader(table: Table903): Check {
  return (child, _y, emit) => {
    if (child.rows.header.length === 0) child.rows[table].forEach((r) => emit(r, 'CHILD'));
  };
}

/** Rows of a table whose DOB (or SEX) differs from the child's header (INT11–INT21). */
function differsFromHeader(table: Table903, field: string): Check {
  return (child, _y, emit) => {
    const head = val(child.rows.header[0], field);
    if (head === null) return;
    child.rows[table].forEach((r) => {
      const v = val(r, field);
      if (v !== null && v !== head) emit(r, field);
    });
  };
}

/** A child on more than one row of a table that holds one row a child (INT31–INT36). */
function onceOnly(table: Table903): Check {
  return (child, _y, emit) => {
    if (child.id !== null && child.rows[table].length > 1) child.rows[table].forEach((r) => emit(r, 'CHILD'));
  };
}

const male = (sex: string | null, year: number): boolean => sex === (year >= 2024 ? 'M' : '1');
const female = (sex: string | null, year: number): boolean => sex === (year >= 2024 ? 'F' : '2');

// --- The rules --------------------------------------------------------------------------------------

const CHECKS: Readonly<Record<string, Check>> = {
  // (1) Code lists.
  '101': codeRule('header', 'SEX', 'sex903', true),
  '103': codeRule('header', 'ETHNIC', 'ethnicity', true),
  '143': codeRule('episodes', 'RNE', 'reasonNewEpisode'),
  '144': codeRule('episodes', 'LS', 'legalStatus'),
  '145': codeRule('episodes', 'CIN', 'primaryNeed903'),
  '146': codeRule('episodes', 'PLACE', 'placementType'),
  '149': codeRule('episodes', 'REC', 'reasonEpisodeCeased'),
  '1006': codeRule('missing', 'MISSING', 'missingType'),
  '1009': codeRule('episodes', 'REASON_PLACE_CHANGE', 'reasonPlaceChange'),
  // A participation code goes with a review date, and only with one.
  '167': eachRow('reviews', (r, _c, y) => {
    const code = val(r, 'REVIEW_CODE');
    if (val(r, 'REVIEW') === null) return code !== null;
    return code === null || !checkCode('reviewCode', code, y.year, { return: '903' }).ok;
  }, 'REVIEW_CODE'),
  // A provider, where given, must be a valid code, and is not given for the placements that have none.
  '178': eachRow('episodes', (r, _c, y) => {
    const provider = val(r, 'PLACE_PROVIDER');
    if (provider === null) return false;
    return !checkCode('placementProvider', provider, y.year, { return: '903' }).ok || oneOf(val(r, 'PLACE'), noProviderPlacements(y.year));
  }, 'PLACE_PROVIDER'),
  '131': codeRule('oc3', 'IN_TOUCH', 'inTouch', true),
  '132': codeRule('oc3', 'ACTIV', 'activity', true),
  '133': codeRule('oc3', 'ACCOM', 'accommodation', true),
  '120': codeRule('placed_for_adoption', 'REASON_PLACED_CEASED', 'reasonPlacedCeased'),
  '176': codeRule('ad1', 'SEX_ADOPTR', 'sexAdopter'),
  '177': codeRule('ad1', 'LS_ADOPTR', 'lsAdopter'),
  '196': codeRule('oc2', 'SDQ_REASON', 'sdqReason'),
  '631': codeRule('previous_permanence', 'PREV_PERM', 'prevPerm'),
  '114': valueRule('ad1', 'FOSTER_CARE', ZERO_ONE),
  '175': valueRule('ad1', 'NB_ADOPTR', ['1', '2']),
  '180': eachRow('oc2', (r) => {
    const score = val(r, 'SDQ_SCORE');
    return score !== null && !(/^\d{1,2}$/.test(score) && Number(score) <= 40);
  }, 'SDQ_SCORE'),
  '181': (child, _y, emit) => {
    for (const row of child.rows.oc2) {
      const bad = OC2_FLAGS.filter((f) => val(row, f) !== null && !ZERO_ONE.includes(val(row, f)!));
      if (bad.length > 0) emit(row, bad);
    }
  },
  // A UPN, where given, is a letter (not I, O or S) and 12 digits or 11 and a letter, or UN1–UN5.
  '168': eachRow('header', (r) => {
    const upn = val(r, 'UPN');
    return upn !== null && !/^(?:[A-HJ-NP-RT-Z](?:\d{12}|\d{11}[A-Z])|UN[1-5])$/.test(upn);
  }, 'UPN'),
  // 2023-24 on: the reason must be given and valid; from 2024-25 a blank reason counts only for
  // social worker episodes that began on or after 1 April 2023.
  SW13STG1: eachRow('sw_episodes', (r, _c, y) => {
    const reason = val(r, 'SW_REASON');
    if (reason !== null) return !checkCode('swReason', reason, y.year, { return: '903' }).ok;
    if (y.year < 2024) return true;
    const begun = date(r, 'SW_DECOM');
    return begun !== null && begun >= '2023-04-01';
  }, 'SW_REASON'),

  // Not valid dates.
  '102': eachRow('header', (r) => date(r, 'DOB') === null, 'DOB'),
  '104': dateRule('uasc', 'DUC'),
  '112': dateRule('ad1', 'DATE_INT'),
  '113': dateRule('ad1', 'DATE_MATCH'),
  '115': dateRule('placed_for_adoption', 'DATE_PLACED'),
  '116': dateRule('placed_for_adoption', 'DATE_PLACED_CEASED'),
  '141': dateRule('episodes', 'DECOM'),
  '147': dateRule('episodes', 'DEC'),
  '166': dateRule('reviews', 'REVIEW', true),
  '171': dateRule('header', 'MC_DOB'),
  '1004': dateRule('missing', 'MIS_START', true),
  '1005': dateRule('missing', 'MIS_END'),
  SW04STG1: dateRule('sw_episodes', 'SW_DECOM'),
  SW05STG1: dateRule('sw_episodes', 'SW_DEC'),
  '700': dateRule('dolo', 'DOLO_START', true),
  '701': dateRule('dolo', 'DOLO_END'),

  // (2) Date order and range.
  '148': eachRow('episodes', (r) => (val(r, 'DEC') === null) !== (val(r, 'REC') === null), ['DEC', 'REC']),
  '301': eachRow('header', (r, _c, y) => (date(r, 'DOB') ?? '') > y.end, 'DOB'),
  // The child's first episode starts before the DOB.
  '302': (child, _y, emit) => {
    const first = child.spells[0];
    if (first && child.dob && child.dob > date(first, 'DECOM')!) emit(first, ['DECOM', 'DOB']);
  },
  '351': eachRow('header', (r, _c, y) => {
    const dob = date(r, 'DOB');
    return dob !== null && y.start > addYears(dob, 25);
  }, 'DOB'),
  '352': eachRow('episodes', (r, c) => {
    const at18 = birthday(c, 18);
    const decom = date(r, 'DECOM');
    return val(r, 'RNE') === 'S' && at18 !== null && decom !== null && decom >= at18;
  }, ['DECOM', 'RNE']),
  '353': eachRow('episodes', (r) => (date(r, 'DECOM') ?? '9999') < '1991-10-14', 'DECOM'),
  '354': eachRow('episodes', (r, _c, y) => (date(r, 'DECOM') ?? '') > y.end, 'DECOM'),
  '355': eachRow('episodes', (r) => val(r, 'DECOM') !== null && val(r, 'DECOM') === val(r, 'DEC'), ['DECOM', 'DEC']),
  '356': eachRow('episodes', (r) => {
    const [start, end] = [date(r, 'DECOM'), date(r, 'DEC')];
    return start !== null && end !== null && end < start;
  }, ['DECOM', 'DEC']),
  '385': eachRow('episodes', (r, _c, y) => (date(r, 'DEC') ?? '') > y.end, 'DEC'),
  // Age at the end of an episode against its reason for ending.
  '386': eachRow('episodes', (r, c) => {
    const [at18, dec] = [birthday(c, 18), date(r, 'DEC')];
    return oneOf(val(r, 'REC'), ['E11', 'E12']) && at18 !== null && dec !== null && dec >= at18;
  }, ['REC', 'DEC']),
  '387': eachRow('episodes', (r, c) => {
    const [at14, dec] = [birthday(c, 14), date(r, 'DEC')];
    return oneOf(val(r, 'REC'), ['E5', 'E6']) && at14 !== null && dec !== null && dec < at14;
  }, ['REC', 'DEC']),
  '389': eachRow('episodes', (r, c) => {
    const [at16, dec] = [birthday(c, 16), date(r, 'DEC')];
    return val(r, 'REC') === 'E7' && at16 !== null && dec !== null && dec < at16;
  }, ['REC', 'DEC']),
  '407': eachRow('episodes', (r, c) => {
    const [at18, dec] = [birthday(c, 18), date(r, 'DEC')];
    return oneOf(val(r, 'REC'), ['E45', 'E46', 'E47', 'E48']) && at18 !== null && dec !== null && dec >= at18;
  }, ['REC', 'DEC']),
  '460': eachRow('episodes', (r, c) => {
    const [at18, dec] = [birthday(c, 18), date(r, 'DEC')];
    return val(r, 'REC') === 'E17' && at18 !== null && dec !== null && dec < at18;
  }, ['REC', 'DEC']),
  '445': eachRow('episodes', (r) => val(r, 'LS') === 'D1' && (date(r, 'DECOM') ?? '') > '2005-12-30', ['LS', 'DECOM']),
  '446': eachRow('episodes', (r) => val(r, 'LS') === 'E1' && (date(r, 'DECOM') ?? '9999') < '2005-12-30', ['LS', 'DECOM']),
  '184': eachRow('placed_for_adoption', (r, c) => {
    const placed = date(r, 'DATE_PLACED');
    return placed !== null && c.dob !== null && placed < c.dob;
  }, 'DATE_PLACED'),
  '304': eachRow('uasc', (r, c) => {
    const [duc, at18] = [date(r, 'DUC'), birthday(c, 18) ?? (date(r, 'DOB') ? addYears(date(r, 'DOB')!, 18) : null)];
    return duc !== null && at18 !== null && duc > at18;
  }, 'DUC'),
  '621': eachRow('header', (r) => {
    const [dob, mcDob] = [date(r, 'DOB'), date(r, 'MC_DOB')];
    return dob !== null && mcDob !== null && mcDob <= dob;
  }, ['DOB', 'MC_DOB']),

  // (3) Episode sequence.
  // Every episode but the last must have ended.
  '142': (child, _y, emit) => {
    child.spells.slice(0, -1).forEach((ep) => {
      if (val(ep, 'DEC') === null || val(ep, 'REC') === null) emit(ep, ['DEC', 'REC']);
    });
  },
  '501': eachPair((prev, cur) => {
    const prevEnd = date(prev, 'DEC');
    return prevEnd !== null && date(cur, 'DECOM')! < prevEnd;
  }, 'DECOM'),
  // The first episode starting in the year, with no earlier episode: a new period of care.
  '357': (child, y, emit) => {
    const first = child.spells[0];
    if (first && date(first, 'DECOM')! >= y.start && val(first, 'RNE') !== 'S') emit(first, 'RNE');
  },
  // X1 means the next episode starts the same day; any other ending means there is no such episode;
  // and the last episode cannot end X1.
  '388': (child, _y, emit) => {
    const s = child.spells;
    s.forEach((ep, i) => {
      const [rec, dec, next] = [val(ep, 'REC'), date(ep, 'DEC'), s[i + 1]];
      if (rec === null || dec === null) return;
      if (!next) {
        if (rec === 'X1') emit(ep, 'REC');
        return;
      }
      const sameDay = date(next, 'DECOM') === dec;
      if ((rec === 'X1') !== sameDay) emit(ep, 'REC');
    });
  },
  '431': eachPair((prev, cur) => {
    const prevEnd = date(prev, 'DEC');
    return val(cur, 'RNE') === 'S' && prevEnd !== null && date(cur, 'DECOM')! <= prevEnd;
  }, ['DECOM', 'RNE']),
  '432': eachPair((prev, cur) => oneOf(val(prev, 'REC'), LEFT_CARE) && val(cur, 'RNE') !== 'S', 'RNE'),
  '433': eachPair((prev, cur) => oneOf(val(cur, 'RNE'), ['P', 'L', 'T', 'U', 'B']) && date(prev, 'DEC') !== date(cur, 'DECOM'), ['DECOM', 'RNE']),
  // Died (E2) or aged 18 (E15), yet a later episode follows.
  '437': (child, _y, emit) => {
    child.spells.slice(0, -1).forEach((ep) => {
      if (oneOf(val(ep, 'REC'), ['E2', 'E15'])) emit(ep, 'REC');
    });
  },
  '504': eachPair((prev, cur) => val(prev, 'REC') === 'X1' && date(prev, 'DEC') === date(cur, 'DECOM') && val(prev, 'CIN') !== val(cur, 'CIN'), 'CIN'),
  // A temporary placement, or the one after it, has no reason for placement change.
  '226': (child, _y, emit) => {
    child.spells.forEach((ep, i) => {
      const prev = child.spells[i - 1];
      const reasons = [val(ep, 'REASON_PLACE_CHANGE'), prev ? val(prev, 'REASON_PLACE_CHANGE') : null];
      if (oneOf(val(ep, 'PLACE'), TEMPORARY) && reasons.some((r) => r !== null)) emit(ep, ['PLACE', 'REASON_PLACE_CHANGE']);
    });
  },
  // Short legal statuses: a run of episodes under one (each starting by the end of the one before,
  // an open one running to the year end) must not last longer than the Act allows.
  '361': legalStatusLimit('L1', 3),
  '362': legalStatusLimit('L2', 21),
  '363': legalStatusLimit('L3', 7),
  '364': legalStatusLimit('J2', 21),
  '365': eachRow('episodes', (r, _c, y) => {
    const start = date(r, 'DECOM');
    return val(r, 'LS') === 'V3' && start !== null && (date(r, 'DEC') ?? y.end) > addDays(start, 17);
  }, ['LS', 'DECOM', 'DEC']),
  '213': eachRow('episodes', (r, _c, y) => oneOf(val(r, 'PLACE'), y.year >= 2025 ? [...TEMPORARY, 'Z11', 'Z12', 'Z13', 'Z14'] : TEMPORARY) && val(r, 'PLACE_PROVIDER') !== null, 'PLACE_PROVIDER'),

  // (4) Missing episodes.
  '564': eachRow('missing', (r) => oneOf(val(r, 'MISSING')?.toUpperCase() ?? null, ['M', 'A']) && val(r, 'MIS_START') === null, 'MIS_START'),
  '565': eachRow('missing', (r) => val(r, 'MIS_START') !== null && val(r, 'MISSING') === null, ['MISSING', 'MIS_START']),
  '566': eachRow('missing', (r) => val(r, 'MIS_END') !== null && val(r, 'MISSING') === null, ['MISSING', 'MIS_END']),
  '567': eachRow('missing', (r) => {
    const [start, end] = [date(r, 'MIS_START'), date(r, 'MIS_END')];
    return start !== null && end !== null && end < start;
  }, ['MIS_START', 'MIS_END']),
  '570': eachRow('missing', (r, _c, y) => (date(r, 'MIS_START') ?? '') > y.end, 'MIS_START'),
  '571': eachRow('missing', (r, _c, y) => {
    const end = date(r, 'MIS_END');
    return end !== null && (end < y.start || end > y.end);
  }, 'MIS_END'),
  '586': eachRow('missing', (r, c) => {
    const [start, dob] = [date(r, 'MIS_START'), date(r, 'DOB') ?? c.dob];
    return start !== null && dob !== null && start <= dob;
  }, 'MIS_START'),
  // Missing periods in order of their end (an open one by its start): none may start before the
  // previous one ends, nor after an open one.
  '574': overlapping('missing', 'MIS_START', 'MIS_END'),
  // A missing period that starts during an episode that has ended must have ended too.
  '575': (child, _y, emit) => {
    for (const m of child.rows.missing) {
      const start = date(m, 'MIS_START');
      if (start === null || val(m, 'MIS_END') !== null) continue;
      const inEnded = child.spells.some((ep) => {
        const [decom, dec] = [date(ep, 'DECOM')!, date(ep, 'DEC')];
        return dec !== null && start >= decom && start <= dec;
      });
      if (inEnded) emit(m, 'MIS_END');
    }
  },
  // A missing period must lie within a period of care: an open one only in a period still open.
  '577': withinCare('missing', 'MIS_START', 'MIS_END'),
  // A missing period must not start outside every period of care (before one began, or after it ended).
  '578': (child, _y, emit) => {
    const periods = periodsOfCare(child.spells);
    if (periods.length === 0) return;
    for (const m of child.rows.missing) {
      const start = date(m, 'MIS_START');
      if (start === null) continue;
      const inside = periods.some((p) => {
        const [from, to] = [date(p[0], 'DECOM')!, date(p.at(-1), 'DEC')];
        return start >= from && (to === null || start <= to);
      });
      if (!inside) emit(m, 'MIS_START');
    }
  },
  // The child is missing on the day it leaves care at 18: the episode must end E8.
  '580': (child, _y, emit) => {
    const ends = new Set(child.rows.missing.filter((m) => {
      const dob = date(m, 'DOB') ?? child.dob;
      return dob !== null && date(m, 'MIS_END') === addYears(dob, 18);
    }).map((m) => date(m, 'MIS_END')));
    for (const ep of child.spells) {
      const dec = date(ep, 'DEC');
      if (dec !== null && ends.has(dec) && val(ep, 'REC') !== 'E8') emit(ep, 'REC');
    }
  },
  // A missing period must start within some episode.
  '581': (child, _y, emit) => {
    if (child.spells.length === 0) return;
    for (const m of child.rows.missing) {
      const start = date(m, 'MIS_START');
      if (start === null) continue;
      const during = child.spells.some((ep) => {
        const [decom, dec] = [date(ep, 'DECOM')!, date(ep, 'DEC')];
        return start >= decom && (dec === null || start <= dec);
      });
      if (!during) emit(m, 'MIS_START');
    }
  },

  // (5) Reviews.
  '440': eachRow('reviews', (r, c) => {
    const [review, dob] = [date(r, 'REVIEW'), date(r, 'DOB') ?? c.dob];
    return val(r, 'REVIEW_CODE') === 'PN0' && review !== null && dob !== null && review > addYears(dob, 4);
  }, ['REVIEW', 'REVIEW_CODE']),
  '441': eachRow('reviews', (r, c) => {
    const [review, dob] = [date(r, 'REVIEW'), date(r, 'DOB') ?? c.dob];
    return oneOf(val(r, 'REVIEW_CODE'), ['PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6', 'PN7']) && review !== null && dob !== null && review < addYears(dob, 4);
  }, ['REVIEW', 'REVIEW_CODE']),
  // (6) More: motherhood, placements and providers, the social worker and DoLO tables, internal checks.
  '174': eachRow('header', (r, _c, y) => male(val(r, 'SEX'), y.year) && val(r, 'MC_DOB') !== null, ['SEX', 'MC_DOB']),
  '611': eachRow('header', (r) => val(r, 'MOTHER') === '1' && val(r, 'MC_DOB') === null, ['MOTHER', 'MC_DOB']),
  '612': eachRow('header', (r, _c, y) => (val(r, 'MOTHER') ?? '0') === '0' && female(val(r, 'SEX'), y.year) && val(r, 'MC_DOB') !== null, ['MOTHER', 'MC_DOB']),
  '620': eachRow('header', (r, _c, y) => {
    const dob = date(r, 'DOB');
    return val(r, 'MOTHER') === '1' && dob !== null && addYears(dob, 11) > y.start;
  }, ['MOTHER', 'DOB']),
  '232': eachRow('header', (r) => val(r, 'SEX')?.toUpperCase() === 'U', 'SEX'),
  '527': eachRow('episodes', (r) => val(r, 'PLACE_PROVIDER') === 'PR1' && oneOf(val(r, 'PLACE'), ['P1', 'R2', 'R5']), ['PLACE', 'PLACE_PROVIDER']),
  '528': eachRow('episodes', (r) => val(r, 'PLACE_PROVIDER') === 'PR2' && oneOf(val(r, 'PLACE'), ['P1', 'R2', 'R5']), ['PLACE', 'PLACE_PROVIDER']),
  '529': eachRow('episodes', (r) => val(r, 'PLACE_PROVIDER') === 'PR3' && oneOf(val(r, 'PLACE'), ['P1', 'A3', 'A4', 'A5', 'A6', 'K1', 'K2', 'U1', 'U2', 'U3', 'U4', 'U5', 'U6']), ['PLACE', 'PLACE_PROVIDER']),
  '530': eachRow('episodes', (r) => val(r, 'PLACE_PROVIDER') === 'PR4' && val(r, 'PLACE') === 'P1', ['PLACE', 'PLACE_PROVIDER']),
  '531': eachRow('episodes', (r) => val(r, 'PLACE_PROVIDER') === 'PR5' && val(r, 'PLACE') === 'P1', ['PLACE', 'PLACE_PROVIDER']),
  '550': eachRow('episodes', (r) => val(r, 'PLACE_PROVIDER') === 'PR0' && val(r, 'PLACE') !== 'P1', ['PLACE', 'PLACE_PROVIDER']),
  // A temporary placement is a change of placement (P or B), and does not end the period of care.
  '380': eachRow('episodes', (r) => oneOf(val(r, 'PLACE'), TEMPORARY) && !oneOf(val(r, 'RNE'), ['P', 'B']), ['PLACE', 'RNE']),
  '381': eachRow('episodes', (r) => oneOf(val(r, 'PLACE'), TEMPORARY) && val(r, 'REC') !== null && val(r, 'REC') !== 'X1', ['PLACE', 'REC']),
  '379': eachRow('episodes', (r, c) => {
    const [start, end] = [date(r, 'DECOM'), date(r, 'DEC')];
    return val(r, 'PLACE') === 'T4' && c.dob !== null && start !== null && end !== null && end > addDays(start, 7);
  }, ['PLACE', 'DECOM', 'DEC']),
  // Placed for adoption with current foster carers (A3, A5) from 1 April 2015: S, T or U.
  '217': eachRow('episodes', (r) => oneOf(val(r, 'PLACE'), ['A3', 'A5']) && (date(r, 'DECOM') ?? '') >= '2015-04-01' && !oneOf(val(r, 'RNE'), ['S', 'T', 'U']), ['PLACE', 'RNE']),
  '358': eachRow('episodes', (r, c) => {
    const [start, at10] = [date(r, 'DECOM'), birthday(c, 10)];
    return oneOf(val(r, 'LS'), ['J1', 'J2', 'J3']) && start !== null && at10 !== null && start <= at10;
  }, ['LS', 'DECOM']),
  '233': eachRow('episodes', (r) => val(r, 'DEC') === null && val(r, 'REASON_PLACE_CHANGE') !== null, ['DEC', 'REASON_PLACE_CHANGE']),
  '234': eachRow('episodes', (r, c) => {
    const [start, at10] = [date(r, 'DECOM'), birthday(c, 10)];
    return val(r, 'REASON_PLACE_CHANGE') === 'CUSTOD' && start !== null && at10 !== null && start < at10;
  }, 'REASON_PLACE_CHANGE'),

  // Social worker episodes.
  SW02STG1: eachRow('sw_episodes', (r) => !/^(?:SW|XX)/.test(val(r, 'SW_ID') ?? ''), 'SW_ID'),
  SW06STG2: eachRow('sw_episodes', (r, _c, y) => (date(r, 'SW_DECOM') ?? '') > y.end, 'SW_DECOM'),
  // From 2024-25 the reporting period for an end date reaches back a year before the collection year.
  SW07STG2: eachRow('sw_episodes', (r, _c, y) => {
    const end = date(r, 'SW_DEC');
    const from = y.year >= 2024 ? addYears(y.start, -1) : y.start;
    return end !== null && (end < from || end > y.end);
  }, 'SW_DEC'),
  SW09STG2: eachRow('sw_episodes', (r) => val(r, 'SW_DEC') !== null && val(r, 'SW_DEC') === val(r, 'SW_DECOM'), ['SW_DECOM', 'SW_DEC']),
  // Each social worker episode starts within 7 days of the previous one's end (from 2024-25, unless
  // the reason is FCONTA).
  SW10STG2: (child, y, emit) => {
    const sw = child.rows.sw_episodes.filter((r) => date(r, 'SW_DECOM') !== null)
      .sort((a, b) => (date(a, 'SW_DECOM')! < date(b, 'SW_DECOM')! ? -1 : date(a, 'SW_DECOM')! > date(b, 'SW_DECOM')! ? 1 : a.row - b.row));
    for (let i = 1; i < sw.length; i++) {
      const [prevEnd, start] = [date(sw[i - 1], 'SW_DEC'), date(sw[i], 'SW_DECOM')!];
      if (y.year >= 2024 && val(sw[i], 'SW_REASON') === 'FCONTA') continue;
      if (prevEnd === null || start < addDays(prevEnd, -7) || start > addDays(prevEnd, 7)) emit(sw[i]!, 'SW_DECOM');
    }
  },
  // Every social worker episode but the last has ended.
  SW108STG2: (child, _y, emit) => {
    const sw = child.rows.sw_episodes.filter((r) => date(r, 'SW_DECOM') !== null)
      .sort((a, b) => (date(a, 'SW_DECOM')! < date(b, 'SW_DECOM')! ? -1 : date(a, 'SW_DECOM')! > date(b, 'SW_DECOM')! ? 1 : a.row - b.row));
    sw.slice(0, -1).forEach((r) => {
      if (val(r, 'SW_DEC') === null) emit(r, 'SW_DEC');
    });
  },

  // Deprivation of liberty orders (2026-27 on).
  '702': eachRow('dolo', (r) => {
    const [start, end] = [date(r, 'DOLO_START'), date(r, 'DOLO_END')];
    return start !== null && end !== null && end < start;
  }, ['DOLO_START', 'DOLO_END']),
  '703': eachRow('dolo', (r, _c, y) => (date(r, 'DOLO_START') ?? '') > y.end, 'DOLO_START'),
  '704': eachRow('dolo', (r, _c, y) => {
    const end = date(r, 'DOLO_END');
    return end !== null && (end < y.start || end > y.end);
  }, 'DOLO_END'),
  '705': overlapping('dolo', 'DOLO_START', 'DOLO_END'),
  '707': withinCare('dolo', 'DOLO_START', 'DOLO_END'),
  '708': eachRow('dolo', (r, c) => {
    const [start, dob] = [date(r, 'DOLO_START'), date(r, 'DOB') ?? c.dob];
    return start !== null && dob !== null && start <= dob;
  }, 'DOLO_START'),

  // Adoption and health (OC2), care leavers (OC3): items that go together.
  '119': eachRow('placed_for_adoption', (r) => (val(r, 'DATE_PLACED_CEASED') === null) !== (val(r, 'REASON_PLACED_CEASED') === null), ['DATE_PLACED_CEASED', 'REASON_PLACED_CEASED']),
  '522': eachRow('placed_for_adoption', (r) => {
    const [placed, ceased] = [date(r, 'DATE_PLACED'), date(r, 'DATE_PLACED_CEASED')];
    return placed !== null && ceased !== null && ceased < placed;
  }, ['DATE_PLACED', 'DATE_PLACED_CEASED']),
  '563': eachRow('placed_for_adoption', (r) => val(r, 'DATE_PLACED_CEASED') !== null && val(r, 'REASON_PLACED_CEASED') !== null && val(r, 'DATE_PLACED') === null, 'DATE_PLACED'),
  '333': eachRow('ad1', (r) => {
    const [intended, matched] = [date(r, 'DATE_INT'), date(r, 'DATE_MATCH')];
    return matched !== null && (val(r, 'DATE_INT') === null || (intended !== null && intended > matched));
  }, ['DATE_INT', 'DATE_MATCH']),
  '197a': eachRow('oc2', (r) => val(r, 'SDQ_SCORE') !== null && val(r, 'SDQ_REASON') !== null, ['SDQ_SCORE', 'SDQ_REASON']),
  '158': eachRow('oc2', (r) => val(r, 'INTERVENTION_RECEIVED') === '1' && val(r, 'INTERVENTION_OFFERED') !== null, ['INTERVENTION_RECEIVED', 'INTERVENTION_OFFERED']),
  '159': eachRow('oc2', (r) => val(r, 'SUBSTANCE_MISUSE') === '1' && val(r, 'INTERVENTION_RECEIVED') === '0' && val(r, 'INTERVENTION_OFFERED') === null, 'INTERVENTION_OFFERED'),
  '192': eachRow('oc2', (r) => val(r, 'SUBSTANCE_MISUSE') === '1' && val(r, 'INTERVENTION_RECEIVED') === null, 'INTERVENTION_RECEIVED'),
  '193': eachRow('oc2', (r) => (val(r, 'SUBSTANCE_MISUSE') ?? '0') === '0' && (val(r, 'INTERVENTION_RECEIVED') !== null || val(r, 'INTERVENTION_OFFERED') !== null), ['INTERVENTION_RECEIVED', 'INTERVENTION_OFFERED']),
  '153': eachRow('oc3', (r) => {
    const given = ['IN_TOUCH', 'ACTIV', 'ACCOM'].filter((f) => val(r, f) !== null).length;
    return given > 0 && given < 3;
  }, ['IN_TOUCH', 'ACTIV', 'ACCOM']),

  // Internal checks: every child in the header, the same DOB and SEX there, one row where one is due.
  INT01: notInHeader('ad1'),
  INT02: notInHeader('placed_for_adoption'),
  INT03: notInHeader('episodes'),
  INT04: notInHeader('missing'),
  INT05: notInHeader('oc2'),
  INT06: notInHeader('oc3'),
  INT07: notInHeader('previous_permanence'),
  INT08: notInHeader('reviews'),
  INT09: notInHeader('uasc'),
  INT11: differsFromHeader('ad1', 'DOB'),
  INT12: differsFromHeader('placed_for_adoption', 'DOB'),
  INT13: differsFromHeader('missing', 'DOB'),
  INT14: differsFromHeader('oc2', 'DOB'),
  INT15: differsFromHeader('oc3', 'DOB'),
  INT16: differsFromHeader('previous_permanence', 'DOB'),
  INT17: differsFromHeader('reviews', 'DOB'),
  INT18: differsFromHeader('uasc', 'DOB'),
  INT21: differsFromHeader('uasc', 'SEX'),
  INT31: onceOnly('ad1'),
  INT32: onceOnly('header'),
  INT33: onceOnly('oc2'),
  INT34: onceOnly('oc3'),
  INT35: onceOnly('previous_permanence'),
  INT36: onceOnly('uasc'),
};

type ReturnEmit = (child: Child, row: Row903, fields: string | readonly string[]) => void;

/** Rules about the return as a whole, not one child. */
const RETURN_CHECKS: Readonly<Record<string, (children: readonly Child[], year: Year, emit: ReturnEmit) => void>> = {
  // The same UPN for two header rows (the UN codes aside).
  '444': (children, _y, emit) => {
    const byUpn = new Map<string, [Child, Row903][]>();
    for (const child of children) {
      for (const row of child.rows.header) {
        const upn = val(row, 'UPN');
        if (upn === null || /^UN[1-5]$/.test(upn)) continue;
        byUpn.set(upn, [...(byUpn.get(upn) ?? []), [child, row]]);
      }
    }
    for (const rows of byUpn.values()) if (rows.length > 1) rows.forEach(([child, row]) => emit(child, row, 'UPN'));
  },
};

// --- Running ------------------------------------------------------------------------------------------

/** The codes `validate903` checks (in some year). */
export const CHECKED_903: readonly string[] = Object.freeze([...Object.keys(CHECKS), ...Object.keys(RETURN_CHECKS)]);

function collectionYearSpan(year: number): Year {
  if (!Number.isInteger(year) || year < 1000 || year > 9998) throw new RangeError(`A collection year is the 4-digit year it starts in, got ${year}`);
  return { year, start: `${year}-04-01`, end: `${year + 1}-03-31` };
}

/**
 * Validates a whole SSDA903 return for a collection year (named by the year it starts), returning
 * DfE's findings: errors, and queries for `Q` codes. Rows are judged as given; nothing is corrected.
 */
export function validate903(collectionYear: number, tables: Partial<Record<Table903, Row903[]>>): ReturnIssue[] {
  const year = collectionYearSpan(collectionYear);
  const rules = rules903(collectionYear);
  const children = groupByChild(tables);
  const issues: ReturnIssue[] = [];
  const emitter = (code: string, message: string): ReturnEmit => {
    const seen = new Set<Row903>();
    return (child, row, fields) => {
      if (seen.has(row)) return;
      seen.add(row);
      issues.push({
        rule: code,
        severity: severityOf(code),
        child: child.id,
        location: `${row.file} row ${row.row}, ${typeof fields === 'string' ? fields : fields.join(', ')}`,
        message,
      });
    };
  };
  for (const [code, check] of Object.entries(CHECKS)) {
    const rule = rules.get(code);
    if (!rule) continue;
    const emit = emitter(code, rule.message);
    for (const child of children) check(child, year, (row, fields) => emit(child, row, fields));
  }
  for (const [code, check] of Object.entries(RETURN_CHECKS)) {
    const rule = rules.get(code);
    if (rule) check(children, year, emitter(code, rule.message));
  }
  return issues;
}
