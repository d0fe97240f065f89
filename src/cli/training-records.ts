import type { Command } from 'commander';
import { isIsoDate } from '../domain/calendar';
import { findPartnershipByLaCode } from '../features/partnerships/partnerships.service';
import { longDate } from '../features/dashboard/periods';
import { poundsText } from '../features/training-attendance/attendance.service';
import { summaryCsv, summaryJson, trainingSummary, type TrainingSummary } from '../features/training-reports/reports.service';
import { SWEEPS } from '../sweeps';
import { type CliContext, UsageError, auditCli } from './context';
import { addSweepCommand } from './sweep';

/**
 * `beacon training report` and `beacon training surveys`: the training programme's figures for a period,
 * and the sweep of evaluation reminders and impact invitations the server runs hourly.
 */

const REPORT_HELP = `
The figures of the annual report's training section: courses and sessions delivered (scheduled sessions
that ended in the period, London dates, both inclusive), participants (bookings attended, and confirmed
bookings of sessions whose attendance is not yet marked, counted separately too), participants by agency,
% of sessions face to face, non-attendance, and evaluation and impact scores by course and theme.
--format json for tools, csv for a spreadsheet, text (the default) to read.
Exit codes: 0 done; 2 a malformed or impossible date, --from after --to, an unknown LA code or format.`;

const FORMATS = ['text', 'json', 'csv'] as const;

function dateOption(name: string, value: string): string {
  if (!isIsoDate(value)) throw new UsageError(`${name} must be a real date written YYYY-MM-DD, not "${value}"`);
  return value;
}

const n = (v: number) => v.toLocaleString('en-GB');
const orDash = (v: number | null, suffix = '') => (v === null ? '–' : `${v}${suffix}`);

function reportText(name: string, la: string, s: TrainingSummary): string {
  const e = s.evaluation;
  const width = Math.max(6, ...s.byAgency.map((a) => a.agency.length));
  return [
    `${name} (${la}), ${longDate(s.from)} to ${longDate(s.to)}`,
    '',
    `${n(s.coursesDelivered)} multi-agency ${s.coursesDelivered === 1 ? 'course' : 'courses'} (${n(s.sessionsDelivered)} ${s.sessionsDelivered === 1 ? 'session' : 'sessions'}) `
      + `to ${n(s.participants)} ${s.participants === 1 ? 'participant' : 'participants'}${s.faceToFacePct === null ? '' : `, ${s.faceToFacePct}% face to face`}.`,
    ...(s.participantsUnmarked ? [`Attendance not yet marked for ${n(s.sessionsUnmarked)} ${s.sessionsUnmarked === 1 ? 'session' : 'sessions'}: ${n(s.participantsUnmarked)} confirmed bookings counted as participants.`] : []),
    '',
    'Participants by agency',
    ...(s.byAgency.length ? s.byAgency.map((a) => `  ${a.agency.padEnd(width)}  ${String(a.participants).padStart(6)}`) : ['  none']),
    '',
    `Did not attend: ${orDash(s.nonAttendance.ratePct, '%')} of ${n(s.nonAttendance.marked)} marked (${n(s.nonAttendance.absent)}); ${n(s.nonAttendance.charged)} charged, ${poundsText(s.nonAttendance.chargedPence)}`,
    `Evaluation: ${n(e.responses)} ${e.responses === 1 ? 'response' : 'responses'}; overall ${orDash(e.meanOverall)} out of 5; learning outcomes met ${orDash(e.outcomesMetPct, '%')}; `
      + `confidence ${orDash(e.meanConfidenceBefore)} before, ${orDash(e.meanConfidenceAfter)} after (a rise of ${orDash(e.uplift)})`,
    `Impact: ${n(e.impactResponses)} ${e.impactResponses === 1 ? 'response' : 'responses'}; confidence some weeks later ${orDash(e.meanConfidenceNow)} out of 5`,
  ].join('\n');
}

export function trainingReportCommand(group: Command, ctx: CliContext) {
  group.command('report').description('the training programme’s figures for a period: courses, participants by agency, face to face, evaluation and impact')
    .requiredOption('--la <code>', 'the partnership’s 3-digit DfE LA code')
    .requiredOption('--from <date>', 'the first day of the period, YYYY-MM-DD')
    .requiredOption('--to <date>', 'the last day of the period, YYYY-MM-DD')
    .option('--format <format>', 'output format: text, json or csv', 'text')
    .addHelpText('after', REPORT_HELP)
    .action(async (opts: { la: string; from: string; to: string; format: string }) => {
      if (!(FORMATS as readonly string[]).includes(opts.format)) throw new UsageError(`--format must be text, json or csv, not "${opts.format}"`);
      const from = dateOption('--from', opts.from);
      const to = dateOption('--to', opts.to);
      if (from > to) throw new UsageError(`--from (${from}) must not be after --to (${to})`);
      if (!/^\d{3}$/.test(opts.la)) throw new UsageError(`--la must be a 3-digit DfE local authority code, not "${opts.la}"`);
      await ctx.withDb(async (h) => {
        const p = await findPartnershipByLaCode(h.db, opts.la);
        if (!p) throw new UsageError(`--la: no partnership has LA code ${opts.la} (see: beacon partnership list)`);
        const s = await trainingSummary(h.db, p.id, from, to);
        await auditCli(h, 'training_report.view', { partnershipId: p.id, recordType: 'partnership', recordId: String(p.id), detail: { from, to, format: opts.format } });
        if (opts.format === 'csv') ctx.writeOut(summaryCsv(s));
        else ctx.print({ json: opts.format === 'json' }, summaryJson(s, p.la_code), () => reportText(p.name, p.la_code, s));
      });
    });
}

export function trainingSurveysCommand(group: Command, ctx: CliContext) {
  addSweepCommand(group, ctx, 'surveys', 'remind attendees a week on to send their evaluation, and invite them to the impact survey when its weeks have passed; each once', SWEEPS.trainingSurveys);
}
