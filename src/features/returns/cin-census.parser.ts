/**
 * A streaming reader of the DfE children in need (CIN) census XML return.
 *
 * It reads the file chunk by chunk and yields one record per `<Child>`, so that memory stays constant
 * however large the return is: the whole document is never built. Every record carries the file's
 * header (the same object each time) and the line its `<Child>` starts on.
 *
 * What it checks, and what it leaves to the validator:
 * - The XML must be well-formed UTF-8 with a `<Message>` root. A DOCTYPE is refused outright (no DTD is
 *   read, so no external entity can be fetched and no entity can be expanded), and so is any entity
 *   reference other than the five XML built-ins (`&amp; &lt; &gt; &quot; &apos;`) and character references.
 * - Dates must be real dates written YYYY-MM-DD, booleans one of true/false/TRUE/FALSE/0/1, and counts
 *   whole numbers. Anything else raises a `CinParseError` naming the line, the column, the element path
 *   and, when known, the child's LAchildID. Values are otherwise kept as written: codes are not
 *   checked against the code lists (that is the validator's job, year by year).
 * - Elements with empty text are null; empty list items are left out.
 * - Elements the census does not define (for example the 2026 `PreProceedingsandFGDM` module) are
 *   skipped with everything inside them, and counted by path in the summary so the importer can
 *   report them.
 *
 * Sex: from 2024-25 the census has `<Sex>` (M/F/U) instead of `<GenderCurrent>` (1/2/0/9). `sex` is
 * always M, F or U (or null): from `<Sex>` when present, otherwise mapped from `<GenderCurrent>`
 * (1→M, 2→F, 0→U, 9→U). The raw texts are kept in `sexRaw` and `genderCurrent`. A `<Sex>` written
 * with the old numeric codes (as the DfE validator's own 2024 sample does) is mapped the same way, and
 * its raw value stays in `sexRaw` so that rule 4180 can still query it.
 */
import type { Readable } from 'node:stream';
import { SaxesParser } from 'saxes';
import { isIsoDate } from '../../domain/calendar';
import { ReturnUnreadable } from './import-run';

export type Sex = 'M' | 'F' | 'U';

export interface CinHeader {
  /** `Collection`: CIN in a census file. */
  collection: string | null;
  /** `Year`, as written in the header. */
  year: number | null;
  /** `ReferenceDate`, the census date (YYYY-MM-DD). */
  referenceDate: string | null;
  /** `LEA`, the local authority's three-digit code. */
  la: string | null;
}

export interface CinAssessment {
  startDate: string | null;
  internalReviewDate: string | null;
  authorisationDate: string | null;
  factors: string[];
}

export interface CinPlanDates {
  startDate: string | null;
  endDate: string | null;
}

export interface CinSection47 {
  startDate: string | null;
  initialCpcTarget: string | null;
  dateOfInitialCpc: string | null;
  icpcNotRequired: boolean | null;
}

export interface CinCpPlan {
  startDate: string | null;
  endDate: string | null;
  initialCategory: string | null;
  latestCategory: string | null;
  previousPlans: number | null;
  /** `CPPreviewDate`s, in file order. */
  reviews: string[];
}

/** One `CINdetails`: a referral and what followed it. */
export interface CinEpisode {
  referralDate: string | null;
  referralSource: string | null;
  primaryNeed: string | null;
  closureDate: string | null;
  reasonForClosure: string | null;
  dateOfInitialCpc: string | null;
  referralNfa: boolean | null;
  assessments: CinAssessment[];
  cinPlans: CinPlanDates[];
  section47s: CinSection47[];
  cpPlans: CinCpPlan[];
}

export interface CinChild {
  laChildId: string | null;
  upn: string | null;
  formerUpn: string | null;
  upnUnknown: string | null;
  birthDate: string | null;
  expectedBirthDate: string | null;
  /** M, F or U: see the module comment for how it is derived. */
  sex: Sex | null;
  /** The `<Sex>` text as written (2024-25 onwards). */
  sexRaw: string | null;
  /** The `<GenderCurrent>` text as written (up to 2023-24): 1, 2, 0 or 9. */
  genderCurrent: string | null;
  deathDate: string | null;
  ethnicity: string | null;
  disabilities: string[];
  episodes: CinEpisode[];
}

export interface CinChildRecord {
  header: CinHeader;
  child: CinChild;
  /** The line the child's `<Child>` tag starts on. */
  line: number;
}

export interface CinParseSummary {
  header: CinHeader;
  children: number;
  episodes: number;
  /** Elements the census does not define, by element path, with how often each was skipped. */
  unknownElements: Record<string, number>;
}

/** A CIN census file that cannot be read, with where and why, in words a data analyst can act on. */
export class CinParseError extends ReturnUnreadable {
  override name = 'CinParseError';
  constructor(
    readonly problem: string,
    /** 1-based. */
    readonly line: number,
    /** 1-based. */
    readonly column: number,
    /** The element path, e.g. `Message/Children/Child/CINdetails/ReferralNFA`; empty before the root. */
    readonly path: string,
    /** The LAchildID of the child being read, when one has been read. */
    readonly laChildId: string | null = null,
  ) {
    const child = laChildId ? `, in the child with LAchildID ${laChildId}` : '';
    super(`Line ${line}, column ${column}${path ? ` (${path})` : ''}${child}: ${problem}`);
  }
}

/** The longest text Beacon accepts in one element: far beyond any census item, short of a memory risk. */
export const MAX_VALUE_LENGTH = 1000;

const GENDER_CURRENT_TO_SEX: Readonly<Record<string, Sex>> = { '1': 'M', '2': 'F', '0': 'U', '9': 'U' };
const SEX_CODES: Readonly<Record<string, Sex>> = { M: 'M', F: 'F', U: 'U', ...GENDER_CURRENT_TO_SEX };
const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, TRUE: true, '1': true, false: false, FALSE: false, '0': false };

// ---------------------------------------------------------------------------------------------
// The census structure, as a tree of known elements. Containers open and close objects in the
// context; leaves convert their text and store it.

interface Context {
  header: CinHeader;
  child?: CinChild;
  episode?: CinEpisode;
  assessment?: CinAssessment;
  cpPlan?: CinCpPlan;
}

type Fail = (problem: string) => never;

interface Leaf {
  readonly leaf: (ctx: Context, value: string | null, fail: Fail) => void;
}

interface Container {
  readonly open?: (ctx: Context) => void;
  readonly close?: (ctx: Context) => void;
  readonly children: Readonly<Record<string, Node>>;
}

type Node = Leaf | Container;

const isLeaf = (node: Node): node is Leaf => 'leaf' in node;

const text = (set: (ctx: Context, v: string | null) => void): Leaf => ({ leaf: (ctx, v) => set(ctx, v) });

const ignored: Leaf = { leaf: () => undefined };

const date = (set: (ctx: Context, v: string | null) => void): Leaf => ({
  leaf: (ctx, v, fail) => {
    if (v !== null && !isIsoDate(v)) fail(`"${v}" is not a real date written YYYY-MM-DD (for example 2025-03-31).`);
    set(ctx, v);
  },
});

const bool = (set: (ctx: Context, v: boolean | null) => void): Leaf => ({
  leaf: (ctx, v, fail) => {
    if (v === null) return set(ctx, null);
    const b = BOOLEANS[v];
    if (b === undefined) fail(`"${v}" is not a yes/no value: the census accepts true, false, TRUE, FALSE, 1 or 0.`);
    set(ctx, b);
  },
});

const whole = (set: (ctx: Context, v: number | null) => void): Leaf => ({
  leaf: (ctx, v, fail) => {
    if (v !== null && !/^\d{1,9}$/.test(v)) fail(`"${v}" is not a whole number.`);
    set(ctx, v === null ? null : Number(v));
  },
});

/** A repeated item of a list: empty items are left out. */
const item = (list: (ctx: Context) => string[]): Leaf => ({
  leaf: (ctx, v) => {
    if (v !== null) list(ctx).push(v);
  },
});

const child = (ctx: Context): CinChild => ctx.child!;
const episode = (ctx: Context): CinEpisode => ctx.episode!;

const CHILD: Container = {
  open: (ctx) => {
    ctx.child = {
      laChildId: null, upn: null, formerUpn: null, upnUnknown: null, birthDate: null, expectedBirthDate: null,
      sex: null, sexRaw: null, genderCurrent: null, deathDate: null, ethnicity: null, disabilities: [], episodes: [],
    };
  },
  close: (ctx) => {
    const c = child(ctx);
    c.sex = c.sexRaw !== null ? (SEX_CODES[c.sexRaw] ?? null) : c.genderCurrent !== null ? (GENDER_CURRENT_TO_SEX[c.genderCurrent] ?? null) : null;
  },
  children: {
    ChildIdentifiers: {
      children: {
        LAchildID: text((ctx, v) => (child(ctx).laChildId = v)),
        UPN: text((ctx, v) => (child(ctx).upn = v)),
        FormerUPN: text((ctx, v) => (child(ctx).formerUpn = v)),
        UPNunknown: text((ctx, v) => (child(ctx).upnUnknown = v)),
        PersonBirthDate: date((ctx, v) => (child(ctx).birthDate = v)),
        ExpectedPersonBirthDate: date((ctx, v) => (child(ctx).expectedBirthDate = v)),
        Sex: text((ctx, v) => (child(ctx).sexRaw = v)),
        GenderCurrent: text((ctx, v) => (child(ctx).genderCurrent = v)),
        PersonDeathDate: date((ctx, v) => (child(ctx).deathDate = v)),
      },
    },
    ChildCharacteristics: {
      children: {
        Ethnicity: text((ctx, v) => (child(ctx).ethnicity = v)),
        Disabilities: { children: { Disability: item((ctx) => child(ctx).disabilities) } },
      },
    },
    CINdetails: {
      open: (ctx) => {
        const e: CinEpisode = {
          referralDate: null, referralSource: null, primaryNeed: null, closureDate: null, reasonForClosure: null,
          dateOfInitialCpc: null, referralNfa: null, assessments: [], cinPlans: [], section47s: [], cpPlans: [],
        };
        child(ctx).episodes.push(e);
        ctx.episode = e;
      },
      close: (ctx) => void (ctx.episode = undefined),
      children: {
        CINreferralDate: date((ctx, v) => (episode(ctx).referralDate = v)),
        ReferralSource: text((ctx, v) => (episode(ctx).referralSource = v)),
        PrimaryNeedCode: text((ctx, v) => (episode(ctx).primaryNeed = v)),
        CINclosureDate: date((ctx, v) => (episode(ctx).closureDate = v)),
        ReasonForClosure: text((ctx, v) => (episode(ctx).reasonForClosure = v)),
        DateOfInitialCPC: date((ctx, v) => (episode(ctx).dateOfInitialCpc = v)),
        ReferralNFA: bool((ctx, v) => (episode(ctx).referralNfa = v)),
        Assessments: {
          open: (ctx) => {
            const a: CinAssessment = { startDate: null, internalReviewDate: null, authorisationDate: null, factors: [] };
            episode(ctx).assessments.push(a);
            ctx.assessment = a;
          },
          children: {
            AssessmentActualStartDate: date((ctx, v) => (ctx.assessment!.startDate = v)),
            AssessmentInternalReviewDate: date((ctx, v) => (ctx.assessment!.internalReviewDate = v)),
            AssessmentAuthorisationDate: date((ctx, v) => (ctx.assessment!.authorisationDate = v)),
            FactorsIdentifiedAtAssessment: { children: { AssessmentFactors: item((ctx) => ctx.assessment!.factors) } },
          },
        },
        CINPlanDates: {
          open: (ctx) => void episode(ctx).cinPlans.push({ startDate: null, endDate: null }),
          children: {
            CINPlanStartDate: date((ctx, v) => (episode(ctx).cinPlans.at(-1)!.startDate = v)),
            CINPlanEndDate: date((ctx, v) => (episode(ctx).cinPlans.at(-1)!.endDate = v)),
          },
        },
        Section47: {
          open: (ctx) => void episode(ctx).section47s.push({ startDate: null, initialCpcTarget: null, dateOfInitialCpc: null, icpcNotRequired: null }),
          children: {
            S47ActualStartDate: date((ctx, v) => (episode(ctx).section47s.at(-1)!.startDate = v)),
            InitialCPCtarget: date((ctx, v) => (episode(ctx).section47s.at(-1)!.initialCpcTarget = v)),
            DateOfInitialCPC: date((ctx, v) => (episode(ctx).section47s.at(-1)!.dateOfInitialCpc = v)),
            ICPCnotRequired: bool((ctx, v) => (episode(ctx).section47s.at(-1)!.icpcNotRequired = v)),
          },
        },
        ChildProtectionPlans: {
          open: (ctx) => {
            const p: CinCpPlan = { startDate: null, endDate: null, initialCategory: null, latestCategory: null, previousPlans: null, reviews: [] };
            episode(ctx).cpPlans.push(p);
            ctx.cpPlan = p;
          },
          children: {
            CPPstartDate: date((ctx, v) => (ctx.cpPlan!.startDate = v)),
            CPPendDate: date((ctx, v) => (ctx.cpPlan!.endDate = v)),
            InitialCategoryOfAbuse: text((ctx, v) => (ctx.cpPlan!.initialCategory = v)),
            LatestCategoryOfAbuse: text((ctx, v) => (ctx.cpPlan!.latestCategory = v)),
            NumberOfPreviousCPP: whole((ctx, v) => (ctx.cpPlan!.previousPlans = v)),
            Reviews: {
              children: {
                CPPreviewDate: {
                  leaf: (ctx, v, fail) => {
                    if (v === null) return;
                    if (!isIsoDate(v)) fail(`"${v}" is not a real date written YYYY-MM-DD (for example 2025-03-31).`);
                    ctx.cpPlan!.reviews.push(v);
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

const MESSAGE: Container = {
  children: {
    Header: {
      children: {
        CollectionDetails: {
          children: {
            Collection: text((ctx, v) => (ctx.header.collection = v)),
            Year: {
              leaf: (ctx, v, fail) => {
                if (v !== null && !/^\d{4}$/.test(v)) fail(`"${v}" is not a year written with four digits.`);
                ctx.header.year = v === null ? null : Number(v);
              },
            },
            ReferenceDate: date((ctx, v) => (ctx.header.referenceDate = v)),
          },
        },
        Source: {
          children: {
            SourceLevel: ignored,
            LEA: text((ctx, v) => (ctx.header.la = v)),
            SoftwareCode: ignored,
            Release: ignored,
            SerialNo: ignored,
            DateTime: ignored,
          },
        },
      },
    },
    Children: { children: { Child: CHILD } },
  },
};

// ---------------------------------------------------------------------------------------------
// The push parser: saxes events drive the tree above; finished children wait in a small queue
// (at most one chunk's worth) until the generator hands them on.

interface Frame {
  name: string;
  /** Undefined inside an element the census does not define. */
  node: Node | undefined;
  line: number;
  column: number;
}

class CinCensusPush {
  readonly header: CinHeader = { collection: null, year: null, referenceDate: null, la: null };
  readonly ready: CinChildRecord[] = [];
  readonly unknownElements: Record<string, number> = {};
  children = 0;
  episodes = 0;

  private readonly sax = new SaxesParser({ position: true });
  private readonly ctx: Context = { header: this.header };
  private readonly stack: Frame[] = [];
  private tagStart = { line: 1, column: 1 };
  private text: string | null = null;
  private childLine = 0;
  private skipping = 0;
  private lastClosed: string | null = null;

  constructor() {
    const sax = this.sax;
    sax.on('doctype', () =>
      this.fail('The file declares a DOCTYPE. CIN census files have none, and Beacon does not read DTDs or expand entities, so it refuses the file. Export the return again without a DOCTYPE.'),
    );
    sax.on('error', (err) => {
      const detail = err.message.replace(/^(.*?:)?\d+:\d+: /, '').replace(/\.$/, '');
      if (/undefined entity|disallowed character in entity/.test(detail)) {
        this.fail('The file uses an entity reference (&name;) other than the five XML built-ins (&amp; &lt; &gt; &quot; &apos;). Beacon does not expand entities, so it refuses the file.', this.here());
      }
      if (/unexpected close tag/.test(detail) && this.lastClosed) {
        // saxes has already closed the element the stray end tag was meant to close; point at that element.
        const open = this.lastClosed;
        this.fail(`The file is not well-formed XML: the end tag after <${open}> does not match it. Check that it was exported completely and not edited by hand.`, this.here(), `${this.path()}/${open}`);
      }
      this.fail(`The file is not well-formed XML (${detail}). Check that it was exported completely and not edited by hand.`, this.here());
    });
    sax.on('opentagstart', (tag) => {
      // Called on the character after the name: the 1-based column of the tag's "<" is the name's length plus one back.
      this.tagStart = { line: sax.line, column: Math.max(1, sax.column - tag.name.length - 1) };
    });
    sax.on('opentag', (tag) => this.open(tag.name));
    sax.on('closetag', (tag) => this.close(tag.name));
    sax.on('text', (t) => this.addText(t));
    sax.on('cdata', (t) => this.addText(t));
  }

  write(chunk: string): void {
    this.sax.write(chunk);
  }

  end(): void {
    if (this.stack.length > 0) {
      const open = this.stack.at(-1)!.name;
      this.fail(`The file ends before the document does: <${open}> was opened but never closed. The file may be truncated; export it again.`, this.here());
    }
    this.sax.close();
  }

  /** Where the parser is now, 1-based (saxes counts the column of the next character from 0). */
  here(): { line: number; column: number } {
    return { line: this.sax.line, column: Math.max(1, this.sax.column) };
  }

  fail(problem: string, at: { line: number; column: number } = this.here(), path = this.path()): never {
    throw new CinParseError(problem, at.line, at.column, path, this.ctx.child?.laChildId ?? null);
  }

  private path(): string {
    return this.stack.map((f) => f.name).join('/');
  }

  private open(name: string): void {
    const at = this.tagStart;
    const parent = this.stack.at(-1);
    if (this.skipping > 0) {
      this.skipping++;
      this.stack.push({ name, node: undefined, ...at });
      return;
    }
    if (!parent) {
      if (name !== 'Message') this.fail(`This is not a CIN census file: its root element is <${name}>, not <Message>.`, at, name);
      this.stack.push({ name, node: MESSAGE, ...at });
      return;
    }
    const node = parent.node && !isLeaf(parent.node) ? parent.node.children[name] : undefined;
    this.stack.push({ name, node, ...at });
    if (!node) {
      const path = this.path();
      this.unknownElements[path] = (this.unknownElements[path] ?? 0) + 1;
      this.skipping = 1;
      return;
    }
    if (isLeaf(node)) {
      this.text = '';
      return;
    }
    if (node === CHILD) this.childLine = at.line;
    node.open?.(this.ctx);
  }

  private close(name: string): void {
    this.lastClosed = name;
    const frame = this.stack.at(-1)!;
    if (this.skipping > 0) {
      this.skipping--;
      this.stack.pop();
      return;
    }
    const node = frame.node!;
    if (isLeaf(node)) {
      const value = detached(this.text!.trim());
      this.text = null;
      node.leaf(this.ctx, value === '' ? null : value, (problem) => this.fail(`<${name}> ${problem}`, frame));
    } else {
      node.close?.(this.ctx);
      if (node === CHILD) {
        const c = this.ctx.child!;
        this.ready.push({ header: this.header, child: c, line: this.childLine });
        this.children++;
        this.episodes += c.episodes.length;
        this.ctx.child = undefined;
      }
    }
    this.stack.pop();
  }

  private addText(t: string): void {
    // Text outside a leaf (stray characters between elements) is not census data: ignored.
    if (this.text === null || this.skipping > 0) return;
    this.text += t;
    if (this.text.length > MAX_VALUE_LENGTH) {
      this.fail(`<${this.stack.at(-1)!.name}> holds more than ${MAX_VALUE_LENGTH} characters, far more than any census item.`, this.stack.at(-1)!);
    }
  }

  summary(): CinParseSummary {
    return { header: this.header, children: this.children, episodes: this.episodes, unknownElements: { ...this.unknownElements } };
  }
}

/**
 * Reads a CIN census from a stream (a `Readable` of bytes or text, or any async iterable of chunks) and
 * yields its children one by one. The generator's return value is the summary: children and episodes
 * read, and the unknown elements skipped. Children finished before a `CinParseError` are yielded first,
 * so the output does not depend on where the chunks break; nothing after the error is yielded.
 */
export async function* parseCinCensus(
  input: Readable | AsyncIterable<string | Uint8Array>,
): AsyncGenerator<CinChildRecord, CinParseSummary, undefined> {
  const push = new CinCensusPush();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let failure: unknown = null;
  const attempt = (step: () => void): void => {
    try {
      step();
    } catch (err) {
      failure = err instanceof CinParseError ? err : new CinParseError(`The file could not be read: ${(err as Error).message}`, push.here().line, push.here().column, '');
    }
  };
  const decode = (chunk: string | Uint8Array, stream: boolean): string => {
    if (typeof chunk === 'string') return chunk;
    try {
      return decoder.decode(chunk, { stream });
    } catch {
      return push.fail('The file is not UTF-8 text. Save or export it as UTF-8 and try again.');
    }
  };

  for await (const chunk of input as AsyncIterable<string | Uint8Array>) {
    attempt(() => push.write(decode(chunk, true)));
    while (push.ready.length > 0) yield push.ready.shift()!;
    if (failure) throw failure;
  }
  attempt(() => {
    push.write(decode(new Uint8Array(0), false));
    push.end();
  });
  while (push.ready.length > 0) yield push.ready.shift()!;
  if (failure) throw failure;
  return push.summary();
}

/**
 * Drives `parseCinCensus` for an importer that works child by child: awaits `onChild` for each record
 * (so a slow database write holds back the reading) and resolves to the summary.
 */
export async function readCinCensus(
  input: Readable | AsyncIterable<string | Uint8Array>,
  onChild: (record: CinChildRecord) => void | Promise<void>,
): Promise<CinParseSummary> {
  const records = parseCinCensus(input);
  let finished = false;
  try {
    for (;;) {
      const next = await records.next();
      if (next.done) {
        finished = true;
        return next.value;
      }
      await onChild(next.value);
    }
  } finally {
    // onChild failed: close the generator, and with it the stream.
    if (!finished) await records.return(undefined as never);
  }
}

/**
 * A copy of a value that keeps nothing else alive. The text saxes hands over can be a slice of the whole
 * chunk it decoded (64 KB), and V8 keeps a slice of 13 characters or more (a UPN) as a view of its
 * parent: a validator that remembers every UPN for rule 1520 would otherwise hold the whole file. The
 * concatenation is flattened by the slice into a string of its own, the length of the value.
 */
function detached(value: string): string {
  return value.length < 13 ? value : ` ${value}`.slice(1);
}
