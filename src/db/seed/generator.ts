import { nhsCheckDigit, upnCheckLetter } from '../../domain/identifiers';
import { mulberry32 as prng } from '../../domain/seeded-random';

/**
 * Synthetic children for the demo and for benchmarks at any size. Deterministic for a seed, so a
 * benchmark run and a demo are repeatable. Every name, address and number is made up.
 */

export type SyntheticChild = {
  laChildId: string;
  upn: string | null;
  nhsNumber: string | null;
  firstName: string;
  lastName: string;
  dateOfBirth: string | null;
  expectedBirthDate: string | null;
  sex: 'M' | 'F' | 'U';
  ethnicity: string;
  postcode: string;
  locality: string;
};

/** The seeded generator the demo's records come from. */
export { prng };

const GIRLS = ['Amelia', 'Olivia', 'Isla', 'Ava', 'Mia', 'Lily', 'Freya', 'Grace', 'Ivy', 'Sophia', 'Aisha', 'Zara', 'Maya', 'Ruby', 'Evie', 'Poppy', 'Hana', 'Chloe', 'Nia', 'Layla', 'Esme', 'Willow', 'Amira', 'Daisy'];
const BOYS = ['Oliver', 'George', 'Noah', 'Arthur', 'Leo', 'Harry', 'Oscar', 'Jack', 'Muhammad', 'Theo', 'Alfie', 'Ibrahim', 'Kai', 'Finley', 'Reuben', 'Tyler', 'Mason', 'Yusuf', 'Kofi', 'Jayden', 'Callum', 'Dylan', 'Ethan', 'Rhys'];
// Surnames are long-tailed, as in any English town: a few common ones and many rare ones.
const SURNAMES = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'Khan', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Ahmed', 'Hussain', 'Mensah', 'Kowalski', 'Nowak', 'Okafor', 'Murphy', 'Kelly', 'Hughes', 'Edwards', 'Turner', 'Baker', 'Hill', 'Moore', 'Lewis', 'Ali', 'Begum', 'Campbell',
  'Harris', 'Martin', 'Cooper', 'King', 'Lee', 'Allen', 'Young', 'Scott', 'Mitchell', 'Carter', 'Phillips', 'Morris', 'Ward', 'Watson', 'Bennett', 'Gray', 'Cook', 'Bailey', 'Parker', 'Miller', 'Shaw', 'Price', 'Lloyd', 'Collins', 'Richardson', 'Cox', 'Marshall', 'Kaur', 'Singh', 'Begg', 'Iqbal', 'Rahman', 'Chowdhury', 'Miah', 'Uddin', 'Sharma', 'Mistry', 'Osei', 'Boateng', 'Adeyemi', 'Okonkwo', 'Nwosu', 'Wiśniewski', 'Lewandowski', 'Popescu', 'Ionescu', 'Silva', 'Santos', 'Ferreira', 'Kaya', 'Yilmaz', 'Demir', 'Nguyen', 'Tran', 'Wong', 'Chen', 'Li', 'Obi', 'Hassan', 'Mohamed', 'Abdi', 'Farah', 'Greenwood', 'Ashworth', 'Butterworth', 'Haworth', 'Sutcliffe', 'Pickles', 'Crossley', 'Holroyd', 'Whitaker', 'Barraclough', 'Ackroyd', 'Hepworth', 'Brook', 'Lumb', 'Dyson', 'Firth', 'Hirst', 'Mellor', 'Ogden', 'Pollard', 'Rhodes', 'Schofield', 'Sykes', 'Walsh', 'Doyle', 'Byrne', "O'Brien", "O'Neill", 'McCarthy', 'Gallagher', 'Quinn', 'Reid', 'Fraser', 'Stewart', 'Duncan', 'Grant', 'Baxter', 'Lamb', 'Fox', 'Hunt', 'Fletcher', 'Pearson', 'Booth', 'Holmes', 'Lowe', 'Kirby', 'Nash', 'Rowe'];
const SURNAME_WEIGHTS: [string, number][] = SURNAMES.map((name, rank) => [name, 1 / (rank + 8)]);
// Census ethnicity codes, weighted roughly as a northern English town's children are.
const ETHNICITY: [string, number][] = [['WBRI', 70], ['WOTH', 5], ['WIRI', 1], ['MWBC', 3], ['MWAS', 2], ['MOTH', 2], ['APKN', 5], ['AIND', 2], ['ABAN', 2], ['BAFR', 3], ['BCRB', 1], ['CHNE', 1], ['OOTH', 1], ['NOBT', 2]];
const LOCALITIES = ['North', 'South', 'East', 'West', 'Central'];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

function weighted<T>(rand: () => number, items: [T, number][]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [v, w] of items) if ((r -= w) < 0) return v;
  return items[0]![0];
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function generateChildren(opts: { count: number; seed?: number; laCode: string; today: string }): SyntheticChild[] {
  const rand = prng(opts.seed ?? 1);
  const today = new Date(`${opts.today}T00:00:00Z`);
  const children: SyntheticChild[] = [];
  for (let i = 0; i < opts.count; i++) {
    const sex = rand() < 0.5 ? 'F' : 'M';
    const unborn = rand() < 0.02;
    // Ages skew young, as children's social care caseloads do: under-ones and teenagers most of all.
    const age = rand() < 0.2 ? rand() : rand() < 0.35 ? 12 + rand() * 5.9 : rand() * 17.9;
    const dob = new Date(today.getTime() - age * 365.25 * 86_400_000);
    const expected = new Date(today.getTime() + (20 + rand() * 150) * 86_400_000);
    const hasUpn = !unborn && age >= 4;
    const upnRest = `${opts.laCode}${String(2000 + Math.floor(rand() * 1000)).slice(-4)}${String(Math.floor(rand() * 100_000)).padStart(5, '0')}`;
    let nhs: string | null = null;
    while (!unborn && nhs === null) {
      const nine = `9${String(Math.floor(rand() * 100_000_000)).padStart(8, '0')}`;
      const check = nhsCheckDigit(nine);
      if (check !== null) nhs = `${nine}${check}`;
    }
    const area = `NM${1 + Math.floor(rand() * 9)}`;
    children.push({
      laChildId: `${opts.laCode}${String(100000 + i).padStart(6, '0')}`,
      upn: hasUpn ? `${upnCheckLetter(upnRest)}${upnRest}` : null,
      nhsNumber: nhs,
      firstName: unborn ? 'Unborn' : pick(rand, sex === 'F' ? GIRLS : BOYS),
      lastName: weighted(rand, SURNAME_WEIGHTS),
      dateOfBirth: unborn ? null : isoDate(dob),
      expectedBirthDate: unborn ? isoDate(expected) : null,
      sex: unborn ? 'U' : sex,
      ethnicity: weighted(rand, ETHNICITY),
      postcode: `${area} ${Math.floor(rand() * 10)}${pick(rand, 'ABDEFGHJLNPQRSTUWXYZ'.split(''))}${pick(rand, 'ABDEFGHJLNPQRSTUWXYZ'.split(''))}`,
      locality: pick(rand, LOCALITIES),
    });
  }
  return children;
}

// Most children in need have no disability recorded as such; of those who do, learning disability,
// autism and communication needs are the most common, often together. Drawn apart from the children's
// other attributes, so that adding them left every existing demo child as it was.
const DISABILITIES: [string[], number][] = [
  [['NONE'], 84], [['LD'], 4], [['AUT'], 4], [['COMM'], 2], [['AUT', 'COMM'], 2], [['BEH'], 1], [['MOB'], 1], [['HEAR'], 0.5],
  [['VIS'], 0.5], [['LD', 'MOB', 'PC'], 0.5], [['CON'], 0.5],
];

export function generateDisabilities(count: number, seed = 1): string[][] {
  const rand = prng(seed * 104_729);
  return Array.from({ length: count }, () => weighted(rand, DISABILITIES));
}
