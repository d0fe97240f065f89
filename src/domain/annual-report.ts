/**
 * The annual report as a document, independent of how it is shown: the sections in order, each a list of
 * blocks. Generators (Beacon's figures), the drafting pages (owners' text) and the voice of the child all
 * produce blocks; the HTML, DOCX and PDF renderers all read them. Pure: no I/O.
 */

/**
 * A sentence Beacon generated carries an `id`, unique within its section, by which an editor's rewording
 * is kept. `suppressed` marks a published sentence in which a small number was hidden: an editor's
 * rewording, written against the exact figures, is never used in its place.
 */
export type TextItem = { text: string; id?: string; suppressed?: boolean };

export type TableBlock = {
  type: 'table';
  /** Heads the first column, as the seed report's partner tables do ("Missing Children (12 month rolling)"). */
  caption: string;
  head: string[];
  rows: string[][];
  /** Which columns hold figures (right-aligned, tabular). */
  numeric: boolean[];
  /** What the reader needs to read the table: the source, the period, "c: a small number not shown". */
  note?: string;
};

export type Block =
  | ({ type: 'paragraph' } & TextItem)
  | { type: 'subheading'; text: string }
  | { type: 'list'; items: TextItem[] }
  | TableBlock
  /** A child's or young person's own words; the attribution never names them. */
  | { type: 'quote'; text: string; attribution?: string };

export type Edition = 'public' | 'internal';

export type ReportSection = {
  /** The catalogue key, or null for a section the partnership added itself. */
  key: string | null;
  heading: string;
  blocks: Block[];
  /** In the internal edition: what still stands in the way ("Not yet written: owner Angela Morris"). */
  note?: string;
};

export type ReportDocument = {
  title: string;
  partnership: string;
  period: { from: string; to: string };
  edition: Edition;
  /** Approved by the Executive, or a draft (said on every page of every output). */
  status: 'draft' | 'approved';
  approvedOn: string | null;
  generatedAt: string;
  sections: ReportSection[];
};

export type CatalogueKind = 'written' | 'data' | 'voice';

/** Who usually writes a section: a governance group's chair, an agency's lead, or the business manager. */
export type OwnerHint =
  | { group: string }
  | { agencyType: 'local_authority' | 'police' | 'health' | 'education' }
  | { businessManager: true };

export type CatalogueEntry = {
  key: string;
  heading: string;
  kind: CatalogueKind;
  /** What the owner is asked to write, or what Beacon generates. */
  guidance: string;
  /** A written section's starting text. */
  template?: string;
  owner?: OwnerHint;
};

const DID_WELL = '## What we did well\n\n- \n\n## Future objectives\n\n- ';

/**
 * The sections of an annual report, in the seed report's order. A report starts with all of them; the
 * partnership removes, reorders and adds its own. Keys are stored with each section: never rename one.
 */
export const REPORT_CATALOGUE: readonly CatalogueEntry[] = [
  { key: 'introduction', heading: 'Introduction', kind: 'written', owner: { businessManager: true },
    guidance: 'Which report this is, the period it covers, who chaired the partnership, and who it is shared with.' },
  { key: 'foreword', heading: 'Foreword from the Executive', kind: 'written', owner: { group: 'Exec' },
    guidance: 'The statutory partners’ view of the year: the challenges, what they are proud of, and what comes next. Signed by each partner.' },
  { key: 'structure', heading: 'Our partnership’s structure', kind: 'written', owner: { businessManager: true },
    guidance: 'The Executive, the subgroups and working groups, who chairs them, and any change in the year.' },
  { key: 'independent_scrutiny', heading: 'Independent scrutiny', kind: 'written', owner: { group: 'Exec' },
    guidance: 'How the partnership’s work was scrutinised independently in the year, and what the scrutiny found.' },
  { key: 'vision_values', heading: 'Our vision and values', kind: 'written', owner: { businessManager: true },
    guidance: 'What the partnership wants for its children, and the values partners hold each other to.' },
  { key: 'priorities', heading: 'Our strategic priorities', kind: 'written', owner: { group: 'Exec' },
    guidance: 'The priorities agreed for the business plan, and why they were chosen.' },
  { key: 'achievements', heading: 'What the partnership has achieved', kind: 'written', owner: { businessManager: true },
    guidance: 'A snapshot of the year’s main achievements, one line each.' },
  { key: 'subgroup_training', heading: 'Multi-agency training and development', kind: 'written', owner: { group: 'L&D' }, template: DID_WELL,
    guidance: 'What the training programme did well this year, and its objectives for next year.' },
  { key: 'training_figures', heading: 'Multi-agency training: the figures', kind: 'data',
    guidance: 'Courses and sessions delivered, participants by agency, the share face to face, evaluation and impact, from Beacon’s training records.' },
  { key: 'subgroup_cspr', heading: 'Child Safeguarding Practice Review Group', kind: 'written', owner: { group: 'CSPR' }, template: DID_WELL,
    guidance: 'What the review group did well this year, and its objectives for next year.' },
  { key: 'subgroup_learning', heading: 'Learning and Development Subgroup', kind: 'written', owner: { group: 'L&D' }, template: DID_WELL,
    guidance: 'What the subgroup did well this year, and its objectives for next year.' },
  { key: 'subgroup_qa', heading: 'Quality Assurance and Performance Subgroup', kind: 'written', owner: { group: 'QA' }, template: DID_WELL,
    guidance: 'What the subgroup did well this year, and its objectives for next year.' },
  { key: 'subgroup_exploitation', heading: 'Child Exploitation Working Group', kind: 'written', owner: { group: 'ECS' }, template: DID_WELL,
    guidance: 'What the working group did well this year, and its objectives for next year.' },
  { key: 'subgroup_neglect', heading: 'Neglect Working Group', kind: 'written', owner: { group: 'CN' }, template: DID_WELL,
    guidance: 'What the working group did well this year, and its objectives for next year.' },
  { key: 'learning_from_reviews', heading: 'What have we learnt from child safeguarding practice reviews?', kind: 'written', owner: { group: 'CSPR' },
    guidance: 'The findings of the year’s reviews, the themes that recur, and how the learning reached practice.' },
  { key: 'reviews_audits', heading: 'Reviews and audits held', kind: 'data',
    guidance: 'Serious incidents notified, rapid reviews, practice reviews completed and published, and multi-agency audits, from Beacon’s records.' },
  { key: 'actions_status', heading: 'Our action plans', kind: 'data',
    guidance: 'Actions from reviews, audits, Section 11 and meetings: how many were completed, are on track and are overdue.' },
  { key: 'health', heading: 'Health', kind: 'written', owner: { agencyType: 'health' },
    guidance: 'The Integrated Care Board’s and health providers’ contribution to the partnership this year.' },
  { key: 'health_data', heading: 'Health: the figures', kind: 'data',
    guidance: 'The health tables supplied as partner data for the year, with the change on the previous 12 months.' },
  { key: 'police', heading: 'Police', kind: 'data',
    guidance: 'The police tables supplied as partner data for the year, with their sentences, as the police present them.' },
  { key: 'missing_children', heading: 'Missing children', kind: 'data',
    guidance: 'Children reported missing, repeat missing and missing from care, from the police’s figures, with the episodes and return interviews Beacon holds.' },
  { key: 'childrens_services', heading: 'Children’s services', kind: 'written', owner: { agencyType: 'local_authority' },
    guidance: 'The local authority’s safeguarding services this year: what works well, its initiatives and its challenges.' },
  { key: 'education', heading: 'Education', kind: 'written', owner: { agencyType: 'education' },
    guidance: 'Schools’ and colleges’ contribution to safeguarding this year.' },
  { key: 'front_door', heading: 'The front door and MASH', kind: 'data',
    guidance: 'Contacts, decisions within one working day, referrals and re-referrals, multi-agency checks and the consultation line, from Beacon’s front door.' },
  { key: 'children_in_care', heading: 'Children in care', kind: 'written', owner: { agencyType: 'local_authority' },
    guidance: 'Children in care’s health assessments, placements and the partnership’s work as corporate parents.' },
  { key: 'voice', heading: 'The voice of the child', kind: 'voice',
    guidance: 'Children’s and young people’s own views, chosen from those recorded in Beacon: participation groups, surveys, quotes and case studies.' },
  { key: 'data_tell_us', heading: 'What does our data tell us?', kind: 'data',
    guidance: 'The year’s figures from contacts to children in care, exploitation and missing episodes, from Beacon’s indicators.' },
  { key: 'lado', heading: 'Local authority designated officer (LADO)', kind: 'written', owner: { agencyType: 'local_authority' },
    guidance: 'Allegations against people who work with children: the year’s findings, and where to read the LADO’s own report.' },
  { key: 'cdop', heading: 'Child death overview panel', kind: 'written', owner: { businessManager: true },
    guidance: 'The partnership’s membership of its child death overview panel, and where to read the panel’s report.' },
  { key: 'section11', heading: 'Section 11 audit', kind: 'data',
    guidance: 'The Section 11 cycle of the year: agencies’ returns and their ratings against each standard.' },
  { key: 'future_priorities', heading: 'Partnership priorities for the year ahead', kind: 'written', owner: { group: 'Exec' },
    guidance: 'What the partnership will focus on next year.' },
];

export function catalogueEntry(key: string): CatalogueEntry | undefined {
  return REPORT_CATALOGUE.find((e) => e.key === key);
}

/**
 * A written section's text as blocks. Owners write plain text: a blank line between paragraphs, a line
 * starting "- " (or "• ", "* ") for each point of a list, "## " for a subheading. Empty points (a template
 * not yet filled) are left out.
 */
export function parseWritten(body: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: TextItem[] | null = null;
  const endParagraph = () => {
    if (paragraph.length > 0) blocks.push({ type: 'paragraph', text: paragraph.join(' ') });
    paragraph = [];
  };
  const endList = () => {
    if (list && list.length > 0) blocks.push({ type: 'list', items: list });
    list = null;
  };
  for (const raw of body.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    const point = /^([-•*])\s*(.*)$/.exec(line);
    if (line === '') {
      endParagraph();
      endList();
    } else if (line.startsWith('## ')) {
      endParagraph();
      endList();
      blocks.push({ type: 'subheading', text: line.slice(3).trim() });
    } else if (point) {
      endParagraph();
      list ??= [];
      if (point[2]!.trim() !== '') list.push({ text: point[2]!.trim() });
    } else if (list) {
      // A point's wrapped line carries on the point.
      const last = list.at(-1);
      if (last) last.text = `${last.text} ${line}`;
      else paragraph.push(line);
    } else {
      paragraph.push(line);
    }
  }
  endParagraph();
  endList();
  return blocks;
}

export type SentenceEdits = Record<string, { text: string; generated: string }>;

/**
 * Generated blocks with an editor's rewording of sentences put in. A rewording holds only while the
 * sentence Beacon generates is the one the editor reworded: once the figures change, Beacon's new sentence
 * stands (and `staleEdits` tells the editor). A sentence with a hidden small number keeps Beacon's wording.
 */
export function applySentenceEdits(blocks: Block[], edits: SentenceEdits): Block[] {
  const edit = (item: TextItem): TextItem => {
    const e = item.id === undefined ? undefined : edits[item.id];
    if (!e || item.suppressed || e.generated !== item.text) return item;
    return { ...item, text: e.text };
  };
  return blocks.map((b) => {
    if (b.type === 'paragraph') return { ...b, ...edit(b) };
    if (b.type === 'list') return { ...b, items: b.items.map(edit) };
    return b;
  });
}

/** The ids of edits made to sentences Beacon now generates differently, or no longer generates. */
export function staleEdits(blocks: Block[], edits: SentenceEdits): string[] {
  const current = new Map<string, string>();
  for (const item of textItems(blocks)) if (item.id !== undefined) current.set(item.id, item.text);
  return Object.keys(edits).filter((id) => current.get(id) !== edits[id]!.generated);
}

/** Every sentence of the blocks, paragraphs and list points alike, in order. */
export function textItems(blocks: Block[]): TextItem[] {
  return blocks.flatMap((b) => (b.type === 'paragraph' ? [b] : b.type === 'list' ? b.items : []));
}
