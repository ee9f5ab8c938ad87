import { dueToSleep, holdsMemory, idleToMakeRoom } from '@conductor/core';
import { capacityHorizon, MIN_HISTORY_HOURS, peakNeed, predictFrom, quantile } from '@conductor/plugin-forecast/predict';
import { memoryFreedAsleep } from '../policy.js';
import { nodeToEmpty, underSinceMarks } from '../scale-down-choice.js';
import { coolingDown, forecastNeedText, forecastReason, scaleUpReason, sparePoolSize, sparesForNeed } from '../scale-up-reason.js';
import { nodeCostCents, revenueCents, type PhaseUsage } from './money.js';
import type { SimPolicy, SimResult, WaitFigures } from './schemas.js';
import { moveSeconds, type SimSettings } from './settings.js';
import { candidate, placeOn, roomToWake, simNode, staticFleetSize, type SimNode, type SimServer } from './sim-fleet.js';
import { WEEK_MINUTES, type Trace } from './trace.js';
import { reserveMoves, type ReserveSleeper } from '../wake-reserve.js';

export type { SimResult, WaitFigures } from './schemas.js';

export const LONG_WAIT_SECONDS = 60;

/** A week's minute 0 is a Monday 00:00 in the forecast's reasons. */
const EPOCH_MS = Date.parse('2026-01-05T00:00:00Z');

function waitFigures(waits: number[]): WaitFigures {
  return {
    joins: waits.length,
    p50: Math.round(quantile(waits, 0.5)),
    p99: Math.round(quantile(waits, 0.99)),
    max: waits.reduce((m, w) => Math.max(m, w), 0),
    long: waits.filter((w) => w > LONG_WAIT_SECONDS).length,
  };
}

/**
 * Replays a trace minute by minute on a simulated clock. The weeks before the last are a warm-up
 * (servers wake and sleep, nodes are not simulated) that gives the forecast its history; the last
 * week is measured under the policy, with core's placement choice and sleep rule and the scaling
 * plugin's scale-up and scale-down choices deciding.
 */
export function simulate(trace: Trace, policy: SimPolicy, settings: SimSettings, onProgress?: (share: number) => void): SimResult {
  const week = simulateSteps(trace, policy, settings);
  for (let step = week.next(); ; step = week.next()) {
    if (step.done) return step.value;
    onProgress?.(step.value);
  }
}

/**
 * The same run one simulated hour at a time: each step yields the share done, so a caller on the
 * panel's event loop (the admin page's job) can let other work in between hours.
 */
export function* simulateSteps(trace: Trace, policy: SimPolicy, settings: SimSettings): Generator<number, SimResult, void> {
  const measureFrom = Math.max(0, trace.minutes - WEEK_MINUTES);
  const measuredMinutes = trace.minutes - measureFrom;
  const staticNodes = staticFleetSize(
    trace.servers.map((s) => s.memoryMb),
    settings.nodeMemoryMb,
  );
  const staticNodeHours = (staticNodes * measuredMinutes) / 60;
  const cluster = { ...settings.clusterPolicy, predictive: policy === 'predictive' };
  const leadTimeMinutes = Math.ceil(settings.nodeBootSeconds / 60);
  // As core's accounting (ServerRepository.committed): in a cluster whose policy frees it, a server
  // asleep past the policy's grace holds no memory.
  const freesMemory = cluster.sleepFreesMemory;
  const freed = memoryFreedAsleep(cluster) ?? undefined;

  const servers: SimServer[] = trace.servers.map((s) => ({
    memoryMb: s.memoryMb,
    diskMb: settings.serverDiskMb,
    phase: 'sleep',
    placed: false,
    node: null,
    readyAt: 0,
    emptySinceMs: null,
    players: 0,
    asleepSince: null,
    bookedMb: 0,
    waiting: [],
    fromArchive: false,
    moved: false,
  }));
  const nodes: SimNode[] = [];
  const pending: number[] = [];
  const ends = new Map<number, number[]>();
  const waits: number[] = [];
  const archivedWaits: number[] = [];
  const movedWaits: number[] = [];
  const usage: PhaseUsage = { active: 0, sleep: 0, archived: 0 };
  const history: number[] = [];
  const hourly: SimResult['hourly'] = { players: [], awake: [], committedMb: [], nodes: [] };
  let hourPeakMb = 0;
  let nodeMinutes = 0;
  let nodesOrdered = 0;
  let lastUpMs: number | null = null;
  let lastDownMs: number | null = null;
  let ahead: { neededMb: number; model: string; peakAt: string } | null = null;
  let backtest: SimResult['backtest'] = null;
  let next = 0;

  const measuring = (minute: number) => policy !== 'static' && minute >= measureFrom;
  const live = () => nodes.filter((n) => n.state !== 'removed');
  const recordWait = (server: SimServer, joinedAt: number) => {
    const wait = Math.max(0, server.readyAt - joinedAt);
    (server.fromArchive ? archivedWaits : waits).push(wait);
    if (server.moved) movedWaits.push(wait);
  };
  /** Memory the server holds on its node now, by core's rule. */
  const heldMb = (server: SimServer, now: number) =>
    holdsMemory(
      { phase: server.placed ? 'active' : server.phase, phaseSinceMs: server.asleepSince === null ? null : server.asleepSince * 1000 },
      freed,
      now * 1000,
    )
      ? server.memoryMb
      : 0;
  /** Brings what the server books on its node in line with the rule (a sleeper past the grace gives it back). */
  const rebook = (server: SimServer, now: number) => {
    if (!server.node) return;
    const want = heldMb(server, now);
    server.node.allocatedMb += want - server.bookedMb;
    server.bookedMb = want;
  };
  const putOn = (server: SimServer, node: SimNode) => {
    node.diskMb += server.diskMb;
    node.servers++;
    server.node = node;
  };
  const takeOff = (server: SimServer) => {
    const node = server.node!;
    node.diskMb -= server.diskMb;
    node.allocatedMb -= server.bookedMb;
    node.servers--;
    server.node = null;
    server.bookedMb = 0;
  };

  /** Starts a waking server on a node with room; false when none has (in the warm-up there is always room). */
  const start = (server: SimServer, now: number, minute: number): boolean => {
    const startSeconds = server.fromArchive ? settings.startFromArchiveSeconds : settings.startFromSleepSeconds;
    if (!measuring(minute)) {
      server.readyAt = now + startSeconds;
    } else {
      // As core's wake (ServerLifecycle.wakeWithRoom): a sleeping server starts on its own node when
      // the node has room for it (what it still books there included); otherwise its files move
      // first to the node placement picks, and the start waits for that transfer.
      const ready = nodes.filter((n) => n.state === 'ready');
      let node = server.node;
      let moving = 0;
      if (node && freesMemory && !roomToWake(server, node)) makeRoomOn(node, server, now);
      if (node && freesMemory && !roomToWake(server, node)) {
        const to = placeOn(
          ready.filter((n) => n !== node),
          server.memoryMb,
          cluster.placement,
          server.diskMb,
        );
        if (!to) return false;
        takeOff(server);
        putOn(server, to);
        node = to;
        moving = moveSeconds(settings, server.memoryMb);
        server.moved = true;
      } else if (!node) {
        node = placeOn(ready, server.memoryMb, cluster.placement, server.diskMb);
        if (!node) return false;
        putOn(server, node);
      }
      server.readyAt = Math.max(node.readyAt, now) + moving + startSeconds;
    }
    server.placed = true;
    server.phase = 'active';
    rebook(server, now);
    for (const joinedAt of server.waiting) recordWait(server, joinedAt);
    server.waiting = [];
    return true;
  };

  /** As core's wake on a full node: its empty running servers go to sleep first when that frees enough (`idleToMakeRoom`). */
  const makeRoomOn = (node: SimNode, server: SimServer, now: number) => {
    if (node.state !== 'ready') return;
    const idle = servers.flatMap((s, i) =>
      s.node === node && s.placed && s.players === 0 && s.readyAt <= now && s.emptySinceMs !== null
        ? [{ id: String(i), memoryMb: s.memoryMb, emptySinceMs: s.emptySinceMs, sleepEnabled: settings.sleepPolicy.enabled }]
        : [],
    );
    const roomMb = node.view.memoryMb - (node.allocatedMb - server.bookedMb);
    for (const id of idleToMakeRoom(idle, server.memoryMb - roomMb)) sleep(servers[Number(id)]!, now);
  };

  // As core's sleep: the server stops but keeps its node (and its disk there); its memory there
  // counts until the cluster's grace has passed, or always where the policy does not free it
  // (ServerRepository.committed).
  const sleep = (server: SimServer, now: number) => {
    Object.assign(server, { phase: 'sleep', placed: false, asleepSince: now, fromArchive: false, moved: false });
    rebook(server, now);
  };

  /**
   * The measured week starts with every server on a node, asleep or not, as in the product (a
   * server is placed when it is created and keeps its node); largest first, on as many nodes as
   * hold them.
   */
  const seedFleet = (now: number) => {
    for (const server of [...servers].sort((a, b) => b.memoryMb - a.memoryMb)) {
      let node = placeOn(nodes, heldMb(server, now), cluster.placement, server.diskMb);
      if (!node) nodes.push((node = simNode(settings.nodeMemoryMb, now, 'ready', settings.nodeDiskMb)));
      putOn(server, node);
      rebook(server, now);
    }
  };

  /**
   * The shrinker's drain step (Shrinker.continueDrain): one server at a time leaves a node being
   * emptied, where placement puts it; never one with players. A move is taken to end within the
   * pass (a sleeping server's transfer copies files only).
   */
  const moveOneOff = (from: SimNode, ready: SimNode[], now: number) => {
    const server = servers.find((s) => s.node === from && !(s.placed && s.players > 0));
    if (!server) return;
    // Placement is asked for the server's full memory, asleep or not, as the shrinker asks it.
    const to = placeOn(ready, server.memoryMb, cluster.placement, server.diskMb);
    if (!to) return;
    takeOff(server);
    putOn(server, to);
    rebook(server, now);
  };

  /** Sleepers on these nodes whose memory is given back: their wakes need room on their node (the Scaler's reserve). */
  const reserveSleepers = (ready: SimNode[]): ReserveSleeper[] =>
    freesMemory
      ? servers.flatMap((s, i) =>
          s.phase === 'sleep' && !s.placed && s.bookedMb === 0 && s.node && ready.includes(s.node)
            ? [{ id: String(i), nodeId: s.node.view.id, memoryMb: s.memoryMb, diskMb: s.diskMb }]
            : [],
        )
      : [];
  /** As the Scaler's wake reserve step: sleepers (files only, nobody waits) leave nodes short of their reserve (`reserveMoves`). */
  const keepWakeReserve = (ready: SimNode[]): number => {
    const { moves, shortNodes } = reserveMoves(
      ready.map((n) => candidate(n)),
      reserveSleepers(ready),
      cluster,
    );
    for (const move of moves) {
      const server = servers[Number(move.serverId)]!;
      takeOff(server);
      putOn(
        server,
        ready.find((n) => n.view.id === move.toNodeId)!,
      );
    }
    return shortNodes;
  };

  const scalerPass = (now: number) => {
    const nowMs = now * 1000;
    for (const n of nodes) if (n.state === 'draining' && n.servers === 0) n.state = 'removed';
    const ready = nodes.filter((n) => n.state === 'ready');
    for (const n of nodes) if (n.state === 'draining') moveOneOff(n, ready, now);
    const provisioning = nodes.filter((n) => n.state === 'provisioning');
    const reserveShortNodes = keepWakeReserve(ready);
    const freeMb =
      ready.reduce((sum, n) => sum + Math.max(0, n.view.memoryMb - n.allocatedMb), 0) + provisioning.length * settings.nodeMemoryMb;
    const canPromiseMb = (ready.length + provisioning.length) * settings.nodeMemoryMb;
    // The pool as the Scaler sizes it: the policy's own, or what the forecast's band needs beyond the nodes in use.
    const inUse = ready.filter((n) => n.servers > 0).map((n) => ({ allocatedMb: n.allocatedMb, capacityMb: n.view.memoryMb }));
    const forecastPool = ahead ? sparesForNeed(ahead.neededMb, inUse, settings.nodeMemoryMb) : 0;
    const pool = { ...cluster, spares: sparePoolSize(cluster, forecastPool) };
    const reason = scaleUpReason(pool, {
      liveNodes: live().length,
      openDemandsMb: pending.map((i) => servers[i]!.memoryMb),
      provisioning: provisioning.length,
      freeMb,
      reserveShortNodes,
      spares: ready.filter((n) => n.servers === 0).length + provisioning.length,
      sparesNote: pool.spares > cluster.spares && ahead ? forecastNeedText(ahead, canPromiseMb, leadTimeMinutes) : null,
      forecastReason: ahead ? forecastReason(ahead, canPromiseMb, leadTimeMinutes) : null,
    });
    if (reason && !coolingDown(lastUpMs, cluster.scaleUpCooldownSeconds, nowMs)) {
      if (live().length >= cluster.maxNodes) return;
      nodes.push(simNode(settings.nodeMemoryMb, now + settings.nodeBootSeconds, 'provisioning', settings.nodeDiskMb));
      nodesOrdered++;
      lastUpMs = nowMs;
      return;
    }
    const marks = underSinceMarks(
      pool,
      ready.map((n) => ({ allocatedMb: n.allocatedMb, capacityMb: n.view.memoryMb, underSinceMs: n.underSinceMs, empty: n.servers === 0 })),
      nowMs,
    );
    ready.forEach((n, i) => (n.underSinceMs = marks[i]!));
    const choice = nodeToEmpty(
      pool,
      ready.map((n) => ({ allocatedMb: n.allocatedMb, capacityMb: n.view.memoryMb, underSinceMs: n.underSinceMs })),
      { draining: nodes.some((n) => n.state === 'draining'), readyNodes: ready.length, lastScaleDownAtMs: lastDownMs, freeMb },
      nowMs,
    );
    if (choice === null) return;
    // Closed for placement, as core's drain state closes it; moveOneOff empties it.
    ready[choice]!.state = 'draining';
    ready[choice]!.view.memoryOverallocPct = -100;
    lastDownMs = nowMs;
  };

  const forecastHour = (hour: number) => {
    if (history.length < MIN_HISTORY_HOURS) return null;
    const { model, prediction, backtest: test } = predictFrom(history, capacityHorizon(cluster.forecastHours, leadTimeMinutes));
    backtest ??= { chosen: model, mape: Object.fromEntries(Object.entries(test.scores).map(([name, s]) => [name, s.mape])) };
    const { index, neededMb } = peakNeed(prediction.upper);
    return { neededMb, model, peakAt: new Date(EPOCH_MS + (hour + index) * 3_600_000).toISOString() };
  };

  for (let minute = 0; minute < trace.minutes; minute++) {
    const now = minute * 60;
    const nowMs = now * 1000;
    if (minute === measureFrom && policy !== 'static') seedFleet(now);
    if (minute % 60 === 0) {
      if (minute > 0) history.push(hourPeakMb);
      hourPeakMb = 0;
      if (policy === 'predictive' && minute >= measureFrom) ahead = forecastHour(minute / 60 - measureFrom / 60);
      yield minute / trace.minutes;
    }
    if (measuring(minute))
      for (const n of nodes)
        if (n.state === 'provisioning' && n.readyAt < now + 60) Object.assign(n, { state: 'ready' }).view.status = 'up';

    for (const i of ends.get(minute) ?? []) {
      const server = servers[i]!;
      if (--server.players === 0) server.emptySinceMs = nowMs;
    }
    ends.delete(minute);
    // Servers that found no room earlier go first, in the order they asked.
    for (let p = 0; p < pending.length;)
      if (start(servers[pending[p]!]!, now, minute)) pending.splice(p, 1);
      else p++;
    for (; next < trace.sessions.start.length && trace.sessions.start[next] === minute; next++) {
      const i = trace.sessions.server[next]!;
      const end = trace.sessions.end[next]!;
      const leaving = ends.get(end);
      if (leaving) leaving.push(i);
      else ends.set(end, [i]);
      const server = servers[i]!;
      server.players++;
      server.emptySinceMs = null;
      const counted = minute >= measureFrom;
      if (server.placed) {
        if (counted) recordWait(server, now);
        continue;
      }
      if (server.waiting.length || pending.includes(i)) {
        if (counted) server.waiting.push(now);
        continue;
      }
      server.fromArchive = server.phase === 'archived';
      if (counted) server.waiting.push(now);
      if (!start(server, now, minute)) pending.push(i);
    }
    let committedMb = 0;
    for (const server of servers) {
      if (server.placed && server.players === 0) {
        const due = dueToSleep(settings.sleepPolicy, { emptySinceMs: server.emptySinceMs, runningSinceMs: server.readyAt * 1000 }, nowMs);
        if (due) sleep(server, now);
      } else if (server.phase === 'sleep' && settings.sleepPolicy.archiveAfterDays !== null) {
        if (now - (server.asleepSince ?? 0) >= settings.sleepPolicy.archiveAfterDays * 86_400) server.phase = 'archived';
      }
      if (!server.placed && server.bookedMb > 0) rebook(server, now);
      if (server.placed) committedMb += server.memoryMb;
      if (minute >= measureFrom) usage[policy === 'static' ? 'active' : server.phase] += server.memoryMb;
    }
    hourPeakMb = Math.max(hourPeakMb, committedMb);
    if (minute < measureFrom) continue;
    if (measuring(minute) && minute % settings.passMinutes === 0) scalerPass(now);
    const paid = policy === 'static' ? staticNodes : live().length;
    nodeMinutes += paid;
    if ((minute - measureFrom) % 60 === 0) {
      hourly.players.push(servers.reduce((sum, s) => sum + s.players, 0));
      // The static fleet runs every server all week.
      hourly.awake.push(policy === 'static' ? servers.length : servers.filter((s) => s.placed).length);
      hourly.committedMb.push(committedMb);
      hourly.nodes.push(paid);
    }
  }
  yield 1;
  // The static fleet runs every server all the time: nobody waits for a start.
  const staticWaits = policy === 'static' ? waits.concat(archivedWaits).map(() => 0) : waits;
  const nodeHours = nodeMinutes / 60;
  return {
    policy,
    nodeHours,
    staticNodeHours,
    fewerNodeHoursPct: Math.floor((1 - nodeHours / staticNodeHours) * 100),
    waits: waitFigures(staticWaits),
    archivedWaits: waitFigures(policy === 'static' ? [] : archivedWaits),
    movedWaits: waitFigures(policy === 'static' ? [] : movedWaits),
    costCents: nodeCostCents(nodeMinutes, settings.nodeCentsPerHour),
    revenueCents: revenueCents(usage, settings.prices),
    nodesOrdered,
    backtest,
    hourly,
  };
}
