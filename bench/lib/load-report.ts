import type { LoadResult } from './load-bench';
import { JOURNEYS, JOURNEY_LABELS, pageTable } from './load-mix';
import { table } from './util';

type Environment = { node: string; cpus: number; cpuModel: string; memoryGb: number; postgres: null | { serverVersion: string } };

/** The load benchmark's results as the markdown docs/performance.md shows: the workload, then each dialect's tables. */
export function loadReport(results: readonly LoadResult[], env: Environment): string {
  const r0 = results[0]!;
  const out: string[] = [];
  out.push(`Workload: ${r0.users} people, think time ${r0.thinkMs.min / 1000}–${r0.thinkMs.max / 1000} s, signed in over ${r0.rampS} s, then measured. `
    + `Node ${env.node}, ${env.cpus}× ${env.cpuModel}, ${env.memoryGb} GB${env.postgres ? `, PostgreSQL ${env.postgres.serverVersion}` : ''}.`);
  out.push('');
  out.push(table(['Journey', 'Weight', 'People', ...results.map((r) => `Journeys done (${r.dialect})`)],
    JOURNEYS.map((j) => [JOURNEY_LABELS[j], `${r0.weights[j]}%`, String(r0.journeys[j]), ...results.map((r) => String(r.journeysDone[j]))])));
  for (const r of results) {
    out.push('');
    out.push(`### ${r.dialect === 'pglite' ? 'Embedded PGlite' : 'PostgreSQL'}: ${r.windowS} s measured`);
    out.push('');
    out.push(pageTable(r.steady));
    out.push('');
    out.push('Signing in (during the ramp-up):');
    out.push('');
    out.push(pageTable(r.signIn));
    out.push('');
    const x = r.resources;
    out.push(table(['Measure', 'Value'], [
      ['Throughput (measured window)', `${r.steady.all.perSecond} requests/s`],
      ['Errors (whole run, sign-in included)', String(r.errors)],
      ['Journeys that failed', String(r.journeysFailed)],
      ['Load average (1 min): start / max / end', `${x.loadAverage1m.start} / ${x.loadAverage1m.max} / ${x.loadAverage1m.end}`],
      ['Server CPU, % of one core: mean / max', `${x.serverCpuPct.mean} / ${x.serverCpuPct.max}`],
      ['Machine CPU, % of all cores: mean / max', `${x.machineCpuPct.mean} / ${x.machineCpuPct.max}`],
      ['Load generator CPU, % of one core', String(x.clientCpuPct)],
      ['Server RSS MB: start / max / end', `${x.serverRssMb.start} / ${x.serverRssMb.max} / ${x.serverRssMb.end}`],
      ['Emails sent (bookings, cancellations, decisions)', String(r.emailsSent)],
      ['Audit chain afterwards', `${r.auditChain.ok ? 'verifies' : 'BROKEN'} (${r.auditChain.events.toLocaleString('en-GB')} events)`],
    ]));
    if (r.errorMessages.length) {
      out.push('');
      out.push('First errors:');
      for (const m of r.errorMessages.slice(0, 10)) out.push(`- ${m.split('\n')[0]}`);
    }
  }
  return out.join('\n');
}
