import type Docker from 'dockerode';

export interface ContainerSample {
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
}

/**
 * One sample from Docker's stats stream: CPU as a share of one core (100 = one core busy, as
 * `docker stats` shows it), memory without the page cache, network and block I/O totals.
 */
export function sampleFromDockerStats(s: Docker.ContainerStats): ContainerSample {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - (s.precpu_stats.cpu_usage?.total_usage ?? 0);
  const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats.online_cpus || s.cpu_stats.cpu_usage.percpu_usage?.length || 1;
  const cpuPercent = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  const memStats = (s.memory_stats.stats ?? {}) as Record<string, number>;
  // cgroup v1 reports `cache`, v2 `inactive_file`: both are reclaimable, not the server's own use.
  const cache = memStats.total_inactive_file ?? memStats.inactive_file ?? memStats.cache ?? 0;
  let rx = 0;
  let tx = 0;
  for (const net of Object.values(s.networks ?? {})) {
    rx += net.rx_bytes;
    tx += net.tx_bytes;
  }
  // cgroup v1 names the operations Read/Write, v2 read/write; other entries (Sync, Total) would count twice.
  let read = 0;
  let write = 0;
  for (const io of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = io.op.toLowerCase();
    if (op === 'read') read += io.value;
    else if (op === 'write') write += io.value;
  }
  return {
    cpuPercent: Math.round(cpuPercent * 100) / 100,
    memoryBytes: Math.max(0, (s.memory_stats.usage ?? 0) - cache),
    memoryLimitBytes: s.memory_stats.limit ?? 0,
    networkRxBytes: rx,
    networkTxBytes: tx,
    blockReadBytes: read,
    blockWriteBytes: write,
  };
}
