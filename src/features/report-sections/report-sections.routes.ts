import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseWritten, type Block } from '../../domain/annual-report';
import type { AppDeps } from '../../platform/deps';
import { Forbidden, NotFound, ValidationFailed, type FieldError } from '../../platform/errors';
import { formErrors } from '../../platform/forms';
import { ReportLocked } from '../annual-report/report.repository';
import {
  BODY_MAX, COMMENT_MAX, FiguresChanged, NOTE_MAX, REASON_MAX, STATUS_LABELS, STATUS_TAGS, SectionConflict,
  addComment, dataView, diffLines, editableSentences, findVersion, latestVersion, listComments, listVersions, loadSection, mayEdit,
  resolveComment, reviewSection, saveDraft, saveSentenceEdits, sectionEvents, startingText, submitSection, versionLines, voiceView,
  type DataView, type DiffLine, type SectionContext,
} from './report-sections.service';

type Params = { id: string; sectionId: string; number?: string; commentId?: string };
type Body = Record<string, string | undefined>;
type PageOptions = { errors?: FieldError[]; values?: Body; status?: number };

const KIND_LABELS = { written: 'Written by its owner', data: 'Generated from Beacon’s records', voice: 'The voice of the child' } as const;
const EVENT_LABELS = { submitted: 'Submitted for review', returned: 'Returned to its owner', accepted: 'Accepted' } as const;
/** Each line of a comparison with its number in the version before and in this one. */
function numbered(diff: DiffLine[]) {
  let before = 0;
  let after = 0;
  return diff.map((d) => ({ ...d, before: d.change === 'added' ? null : ++before, after: d.change === 'removed' ? null : ++after }));
}

const CONFLICT = 'Someone else changed this section after you opened the page. Nothing was saved: read what is recorded now and try again.';

/**
 * Each section of an annual report: its text (written by its owner, generated from Beacon's figures, or
 * children's own views), drafting with version history, comments, and the business manager's review.
 * Sections hold no child's details, so reads are not audited; every change is.
 */
export async function reportSectionsRoutes(app: FastifyInstance, { db, now, mailer, config }: AppDeps) {
  const pid = (req: FastifyRequest) => req.partnership!.partnershipId;
  const user = (req: FastifyRequest) => req.beaconSession!.user;
  const params = (req: FastifyRequest) => req.params as Params;
  // A section's forms hold one value a name: where one was posted twice, the first counts, as in every form.
  const body = (req: FastifyRequest): Body => Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, string | string[]>)
    .map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const load = (req: FastifyRequest) => loadSection(db, pid(req), params(req).id, params(req).sectionId);
  const base = (ctx: SectionContext) => `/reports/annual/${ctx.report.id}/sections/${ctx.section.id}`;
  const mail = { mailer, publicUrl: config.publicUrl };

  /** The person may change this section: its owner or the business manager, else 403. */
  const assertMayEdit = (req: FastifyRequest, ctx: SectionContext) => {
    if (!mayEdit(ctx.section, user(req).id, req.scopes)) throw new Forbidden('Only the section’s owner or the business manager can change it');
  };
  const editable = (ctx: SectionContext) => ctx.report.status === 'drafting' && ctx.section.removed_at === null;
  const lockedMessage = (ctx: SectionContext) => (ctx.report.status === 'drafting' ? null : new ReportLocked(ctx.report.status).message);

  const sectionPage = async (req: FastifyRequest, reply: FastifyReply, ctx: SectionContext, opts: PageOptions = {}) => {
    const { report, section } = ctx;
    const [latest, versions, comments, events] = await Promise.all([
      latestVersion(db, pid(req), section.id), listVersions(db, pid(req), section.id), listComments(db, pid(req), section.id), sectionEvents(db, pid(req), section.id),
    ]);
    let blocks: Block[] | null = null;
    let publicBlocks: Block[] | null = null;
    let data: DataView | null = null;
    let generationError: string | null = null;
    if (section.kind === 'written') {
      blocks = latest?.body ? parseWritten(latest.body) : null;
    } else {
      try {
        if (section.kind === 'data') {
          data = await dataView(db, pid(req), ctx, now());
          blocks = data.blocks;
          publicBlocks = data.publicBlocks;
        } else {
          ({ blocks, publicBlocks } = await voiceView(db, pid(req), ctx));
        }
      } catch (err) {
        req.log.warn({ err, section: section.id }, 'section could not be generated');
        generationError = 'Beacon could not generate this section from its records. Try again later; if it keeps happening, tell your partnership administrator.';
      }
    }
    const canEdit = editable(ctx) && mayEdit(section, user(req).id, req.scopes);
    const manages = req.scopes.has('report.manage');
    const me = user(req).id;
    const lastEvent = events[0];
    const canReview = editable(ctx) && manages && section.status === 'submitted';
    const v = opts.values ?? {};
    return reply.code(opts.status ?? 200).view('report-sections/views/section.njk', {
      title: section.heading, report, section, owner: ctx.owner, base: base(ctx),
      kindLabel: KIND_LABELS[section.kind], statusLabel: STATUS_LABELS[section.status], statusTag: STATUS_TAGS[section.status],
      locked: lockedMessage(ctx), removed: section.removed_at !== null,
      blocks, publicBlocks, generationError, latest, stale: data?.stale ?? [],
      editedCount: data ? Object.keys(data.edits).length - data.stale.length : 0,
      canEdit, canComment: editable(ctx),
      canSubmit: canEdit && (section.kind === 'written' ? section.status === 'drafting' : section.status === 'not_started' || section.status === 'drafting'),
      canReview,
      reviewedVersion: latest?.number ?? 0,
      returned: section.status === 'drafting' && lastEvent?.kind === 'returned' ? lastEvent : null,
      versions, events: events.map((e) => ({ ...e, label: EVENT_LABELS[e.kind] })),
      comments: comments.map((c) => ({ ...c, canResolve: editable(ctx) && c.resolvedAt === null && (c.authorId === me || manages) })),
      commentMax: COMMENT_MAX, reasonMax: REASON_MAX, values: v,
      // A submission or decision refused links to the section's text, the review form being gone once someone else decided.
      errors: opts.errors ? formErrors(opts.errors, { submit: 'text', decision: canReview ? 'decision' : 'text' }) : undefined,
    });
  };

  /**
   * Runs a change to the section: on success a flash and back to the section; a locked report or a change
   * someone else made first shows the section again with what stands in the way (409).
   */
  const change = async (req: FastifyRequest, reply: FastifyReply, ctx: SectionContext, work: () => Promise<string>,
    onInvalid: (errors: FieldError[]) => Promise<unknown>, conflictField: string) => {
    try {
      reply.flash(await work());
      return reply.redirect(base(ctx), 303);
    } catch (err) {
      if (err instanceof ValidationFailed) return onInvalid(err.errors);
      if (err instanceof ReportLocked) return sectionPage(req, reply, ctx, { errors: [{ field: 'locked', message: err.message }], status: 409 });
      if (err instanceof SectionConflict) return sectionPage(req, reply, await load(req), { errors: [{ field: conflictField, message: CONFLICT }], status: 409 });
      throw err;
    }
  };

  app.get('/reports/annual/:id/sections/:sectionId', { config: { access: 'report.view' } }, async (req, reply) => sectionPage(req, reply, await load(req)));

  // ---- Drafting a written section ----

  const editPage = async (req: FastifyRequest, reply: FastifyReply, ctx: SectionContext, opts: PageOptions & { openedAt?: number } = {}) => {
    const start = await startingText(db, pid(req), ctx.section);
    const values = opts.values ?? { body: start.body };
    return reply.code(opts.status ?? 200).view('report-sections/views/edit.njk', {
      title: `Edit: ${ctx.section.heading}`, report: ctx.report, section: ctx.section, base: base(ctx),
      values, openedAt: opts.openedAt ?? start.openedAt, firstDraft: start.openedAt === 0, bodyMax: BODY_MAX, noteMax: NOTE_MAX,
      errors: opts.errors ? formErrors(opts.errors) : undefined,
    });
  };

  /** The section for a change: a removed one is not there, and the person must be its owner or the business manager. */
  const loadForChange = async (req: FastifyRequest, kind?: 'written' | 'data') => {
    const ctx = await load(req);
    if (ctx.section.removed_at !== null || (kind && ctx.section.kind !== kind)) throw new NotFound('Report section not found', 'report_section', params(req).sectionId);
    assertMayEdit(req, ctx);
    return ctx;
  };

  app.get('/reports/annual/:id/sections/:sectionId/edit', { config: { access: 'report.write' } }, async (req, reply) => {
    const ctx = await loadForChange(req, 'written');
    if (!editable(ctx)) return sectionPage(req, reply, ctx, { errors: [{ field: 'locked', message: lockedMessage(ctx)! }], status: 409 });
    return editPage(req, reply, ctx);
  });

  app.post('/reports/annual/:id/sections/:sectionId/edit', { config: { access: 'report.write' } }, async (req, reply) => {
    const ctx = await loadForChange(req, 'written');
    const b = body(req);
    try {
      const number = await saveDraft(db, pid(req), ctx, b, user(req).id, now());
      await req.audit({ action: 'report_section.draft', recordType: 'report_section', recordId: String(ctx.section.id), detail: { report: ctx.report.id, version: number } });
      reply.flash(ctx.section.status === 'accepted'
        ? `Version ${number} saved. The section was accepted, so it is back to drafting: submit it for review again when it is ready.`
        : `Version ${number} saved.`);
      return reply.redirect(base(ctx), 303);
    } catch (err) {
      if (err instanceof ValidationFailed) return editPage(req, reply, ctx, { values: b, errors: err.errors, status: 400, openedAt: Number(b.openedAt) || 0 });
      if (err instanceof SectionConflict) {
        const latest = await latestVersion(db, pid(req), ctx.section.id);
        return editPage(req, reply, ctx, {
          values: b, status: 409, openedAt: latest?.number ?? 0,
          errors: [{ field: 'body', message: `Someone else saved version ${latest?.number ?? 0} of this section after you opened it. Nothing was saved: your text is below. Read the latest version, then save your text again if it should replace it.` }],
        });
      }
      if (err instanceof ReportLocked) return sectionPage(req, reply, ctx, { errors: [{ field: 'locked', message: err.message }], status: 409 });
      throw err;
    }
  });

  // ---- Rewording a data section's sentences ----

  const sentencesPage = async (req: FastifyRequest, reply: FastifyReply, ctx: SectionContext, opts: PageOptions = {}) => {
    const data = await dataView(db, pid(req), ctx, now());
    const shown = new Map(editableSentences(data.blocks).map((s) => [s.id, s.text]));
    const errors = opts.errors ? formErrors(opts.errors) : undefined;
    let i = 0;
    const groups = data.generated.map((block) => {
      if (block.type === 'subheading') return { heading: block.text };
      if (block.type === 'table') return { table: block.caption };
      const items = block.type === 'paragraph' ? [block] : block.type === 'list' ? block.items : [];
      return {
        sentences: items.filter((s) => s.id !== undefined).map((s) => {
          const index = i++;
          const posted = opts.values?.[`id-${index}`] === s.id ? opts.values?.[`sentence-${index}`] : undefined;
          return { index, id: s.id, generated: s.text, value: posted ?? shown.get(s.id!) ?? s.text, suppressed: data.suppressed.has(s.id!), error: errors?.fields[`sentence-${index}`] };
        }),
      };
    });
    return reply.code(opts.status ?? 200).view('report-sections/views/sentences.njk', {
      title: `Reword the sentences: ${ctx.section.heading}`, report: ctx.report, section: ctx.section, base: base(ctx),
      groups, count: i, openedAt: data.latestNumber, stale: data.stale, note: opts.values?.note ?? '', noteMax: NOTE_MAX, errors,
    });
  };

  app.get('/reports/annual/:id/sections/:sectionId/sentences', { config: { access: 'report.write' } }, async (req, reply) => {
    const ctx = await loadForChange(req, 'data');
    if (!editable(ctx)) return sectionPage(req, reply, ctx, { errors: [{ field: 'locked', message: lockedMessage(ctx)! }], status: 409 });
    return sentencesPage(req, reply, ctx);
  });

  app.post('/reports/annual/:id/sections/:sectionId/sentences', { config: { access: 'report.write' } }, async (req, reply) => {
    const ctx = await loadForChange(req, 'data');
    const b = body(req);
    try {
      const number = await saveSentenceEdits(db, pid(req), ctx, b, user(req).id, now());
      if (number === null) {
        reply.flash('No sentence was changed, so no new version was saved.');
      } else {
        await req.audit({ action: 'report_section.sentences', recordType: 'report_section', recordId: String(ctx.section.id), detail: { report: ctx.report.id, version: number } });
        reply.flash(`Version ${number} saved: the reworded sentences are used wherever Beacon’s figures still read the same.`);
      }
      return reply.redirect(base(ctx), 303);
    } catch (err) {
      if (err instanceof ValidationFailed) return sentencesPage(req, reply, ctx, { values: b, errors: err.errors, status: 400 });
      if (err instanceof FiguresChanged) return sentencesPage(req, reply, ctx, { errors: [{ field: 'sentence-0', message: err.message }], status: 409 });
      if (err instanceof SectionConflict) {
        return sentencesPage(req, reply, ctx, { values: b, status: 409, errors: [{ field: 'sentence-0', message: 'Someone else saved the sentences after you opened this page. Nothing was saved: the sentences below are as they are now, with your wording where you changed one. Check them and save again.' }] });
      }
      if (err instanceof ReportLocked) return sectionPage(req, reply, ctx, { errors: [{ field: 'locked', message: err.message }], status: 409 });
      throw err;
    }
  });

  // ---- Review ----

  app.post('/reports/annual/:id/sections/:sectionId/submit', { config: { access: 'report.write' } }, async (req, reply) => {
    const ctx = await loadForChange(req);
    return change(req, reply, ctx, async () => {
      const emailed = await submitSection(db, mail, pid(req), ctx, user(req), now());
      await req.audit({ action: 'report_section.submit', recordType: 'report_section', recordId: String(ctx.section.id), detail: { report: ctx.report.id, emailed: emailed.length } });
      return `“${ctx.section.heading}” is submitted for review.${emailed.length ? ' The business manager has been emailed.' : ''}`;
    }, (errors) => sectionPage(req, reply, ctx, { errors, status: 400 }), 'submit');
  });

  app.post('/reports/annual/:id/sections/:sectionId/review', { config: { access: 'report.manage' } }, async (req, reply) => {
    const ctx = await load(req);
    if (ctx.section.removed_at !== null) throw new NotFound('Report section not found', 'report_section', params(req).sectionId);
    const b = body(req);
    return change(req, reply, ctx, async () => {
      const { decision, emailed } = await reviewSection(db, mail, pid(req), ctx, b, user(req), now());
      await req.audit({ action: decision === 'accept' ? 'report_section.accept' : 'report_section.return', recordType: 'report_section', recordId: String(ctx.section.id), detail: { report: ctx.report.id, emailed: emailed.length } });
      return decision === 'accept'
        ? `“${ctx.section.heading}” is accepted.`
        : `“${ctx.section.heading}” is returned to drafting.${emailed.length ? ' Its owner has been emailed.' : ''}`;
    }, (errors) => sectionPage(req, reply, ctx, { errors, values: b, status: 400 }), 'decision');
  });

  // ---- Comments ----

  app.post('/reports/annual/:id/sections/:sectionId/comments', { config: { access: 'report.view' } }, async (req, reply) => {
    const ctx = await load(req);
    if (ctx.section.removed_at !== null) throw new NotFound('Report section not found', 'report_section', params(req).sectionId);
    const b = body(req);
    return change(req, reply, ctx, async () => {
      const id = await addComment(db, pid(req), ctx, b, user(req).id, now());
      await req.audit({ action: 'report_section.comment', recordType: 'report_section', recordId: String(ctx.section.id), detail: { report: ctx.report.id, comment: id } });
      return 'Your comment is added.';
    }, (errors) => sectionPage(req, reply, ctx, { errors, values: b, status: 400 }), 'comment');
  });

  app.post('/reports/annual/:id/sections/:sectionId/comments/:commentId/resolve', { config: { access: 'report.view' } }, async (req, reply) => {
    const ctx = await load(req);
    if (ctx.section.removed_at !== null) throw new NotFound('Report section not found', 'report_section', params(req).sectionId);
    return change(req, reply, ctx, async () => {
      const outcome = await resolveComment(db, pid(req), ctx, params(req).commentId!, { id: user(req).id, manages: req.scopes.has('report.manage') }, now());
      if (outcome === 'already') return 'That comment was already resolved.';
      await req.audit({ action: 'report_section.comment_resolve', recordType: 'report_section', recordId: String(ctx.section.id), detail: { report: ctx.report.id, comment: Number(params(req).commentId) } });
      return 'The comment is resolved.';
    }, (errors) => sectionPage(req, reply, ctx, { errors, status: 400 }), 'comment');
  });

  // ---- Versions ----

  app.get('/reports/annual/:id/sections/:sectionId/versions/:number', { config: { access: 'report.view' } }, async (req, reply) => {
    const ctx = await load(req);
    const { version, previous } = await findVersion(db, pid(req), ctx.section.id, params(req).number!);
    const diff = previous ? diffLines(versionLines(previous), versionLines(version)) : null;
    const edits = Object.entries(version.sentenceEdits ?? {}).map(([id, e]) => ({ id, ...e }));
    return reply.view('report-sections/views/version.njk', {
      title: `Version ${version.number}: ${ctx.section.heading}`, report: ctx.report, section: ctx.section, base: base(ctx), version, previous,
      blocks: version.body !== null ? parseWritten(version.body) : null, edits,
      diff: diff && numbered(diff),
      added: diff?.filter((d) => d.change === 'added').length ?? 0, removed: diff?.filter((d) => d.change === 'removed').length ?? 0,
    });
  });
}
