import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { badRequest, conflict, notFound, type Logger } from '@conductor/core';
import { builtInTrace } from './built-in-week.js';
import type { SimulationJob, SimulationRequest } from './schemas.js';
import { defaultSettings } from './settings.js';
import { simulateSteps } from './simulate.js';
import { readTraceCsv, TraceError, type Trace } from './trace.js';

/** Finished runs kept for the page to read back; older ones are forgotten. */
const KEPT = 5;

/**
 * The admin page's simulator runs, one at a time on this panel (a week takes the CPU for seconds
 * to a minute), in memory: a run is an answer for the admin who asked, not a record. The week is
 * stepped an hour at a time with a turn of the event loop between, so the panel keeps answering.
 */
export class SimulationJobs {
  private readonly jobs = new Map<string, SimulationJob>();
  private readonly logger: Logger;

  constructor({ logger }: { logger: Logger }) {
    this.logger = logger;
  }

  /** Checks the request (a bad CSV is refused with its line before anything starts) and starts the run. */
  start(request: SimulationRequest): SimulationJob {
    if ([...this.jobs.values()].some((j) => j.state === 'running'))
      throw conflict('simulation_running', 'A simulation is running already; wait for it to finish');
    const trace = request.traceCsv === undefined ? builtInTrace(request.seed) : readCsv(request.traceCsv);
    const job: SimulationJob = {
      id: randomUUID(),
      state: 'running',
      progress: 0,
      policies: request.policies,
      seed: request.seed,
      trace: request.traceCsv === undefined ? 'built-in' : 'csv',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      results: [],
      error: null,
    };
    this.jobs.set(job.id, job);
    this.forgetOld();
    void this.run(job, trace);
    return job;
  }

  get(id: string): SimulationJob {
    const job = this.jobs.get(id);
    if (!job) throw notFound('No such simulation (runs are kept in memory, the last few only)', 'simulation_not_found');
    return job;
  }

  private async run(job: SimulationJob, trace: Trace): Promise<void> {
    const settings = defaultSettings();
    try {
      for (const [i, policy] of job.policies.entries()) {
        const week = simulateSteps(trace, policy, settings);
        for (let step = week.next(); ; step = week.next()) {
          if (step.done) {
            job.results.push(step.value);
            break;
          }
          job.progress = (i + step.value) / job.policies.length;
          await nextTurn();
        }
      }
      job.state = 'done';
    } catch (err) {
      this.logger.error({ err, simulation: job.id }, 'a simulation failed');
      job.state = 'failed';
      job.error = err instanceof Error ? err.message : String(err);
    }
    job.progress = 1;
    job.finishedAt = new Date().toISOString();
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((j) => j.state !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - KEPT))) this.jobs.delete(job.id);
  }
}

function readCsv(text: string): Trace {
  try {
    return readTraceCsv(text);
  } catch (err) {
    if (err instanceof TraceError) throw badRequest('trace_invalid', err.message, { line: err.line });
    throw err;
  }
}
