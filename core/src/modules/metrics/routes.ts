import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { secretsEqual, bearerToken } from '../../kernel/auth.js';
import { AppError, badRequest } from '../../kernel/errors.js';
import type { RouteRegistrar } from '../../kernel/http/route.js';
import type { Resolution } from './repository.js';
import { statsHistory } from './schema.js';

const RANGES: Record<string, { ms: number; resolution: Resolution }> = {
  '1h': { ms: 3_600_000, resolution: 'raw' },
  '24h': { ms: 86_400_000, resolution: '1m' },
  '7d': { ms: 7 * 86_400_000, resolution: '1h' },
  '30d': { ms: 30 * 86_400_000, resolution: '1h' },
};

function allowed(ip: string, allow: string[]): boolean {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(ip);
  } catch {
    return false;
  }
  return allow.some((entry) => {
    try {
      const [range, bits] = entry.includes('/') ? ipaddr.parseCIDR(entry) : [ipaddr.process(entry), address.kind() === 'ipv4' ? 32 : 128];
      return range.kind() === address.kind() && address.match(range, bits as number);
    } catch {
      return false;
    }
  });
}

export function metricsRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/servers/:serverId',
    summary: 'Stored stats of a server for charts: the last hour raw, a day by minute, a week or month by hour',
    access: 'user',
    permission: 'control.console',
    params: z.object({ serverId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/) }),
    query: z.object({ range: z.enum(['1h', '24h', '7d', '30d']).default('1h'), to: z.iso.datetime({ offset: true }).optional() }),
    response: { schema: statsHistory },
    handler: async ({ params, query, scope }) => {
      const { ms, resolution } = RANGES[query.range]!;
      const to = query.to ? new Date(query.to) : new Date();
      if (to.getTime() > Date.now() + 60_000) throw badRequest('invalid_range', '`to` is in the future');
      const from = new Date(to.getTime() - ms);
      return {
        resolution,
        from: from.toISOString(),
        to: to.toISOString(),
        points: await scope.cradle.statsRepository.range(params.serverId, resolution, from, to),
      };
    },
  });

  router.at('/metrics').route({
    method: 'get',
    path: '/',
    summary: 'Prometheus exposition (behind METRICS_TOKEN or METRICS_ALLOW; loopback only by default)',
    tags: ['metrics'],
    access: 'public',
    response: { contentType: 'text/plain; version=0.0.4', description: 'Prometheus text format' },
    errors: { 401: 'Wrong or missing token', 403: 'This address may not read metrics' },
    handler: async ({ ctx, scope }) => {
      const { config, prometheusExporter } = scope.cradle;
      if (config.METRICS_TOKEN) {
        const token = bearerToken(ctx.get('authorization'));
        if (!token || !secretsEqual(token, config.METRICS_TOKEN))
          throw new AppError(401, 'unauthenticated', 'A valid metrics token is required');
      } else if (ctx.get('x-forwarded-for') || ctx.get('forwarded')) {
        // Through a reverse proxy every request looks local, and forwarded addresses can be forged.
        throw new AppError(403, 'forbidden', 'Metrics through a proxy need METRICS_TOKEN');
      } else if (!allowed(ctx.ip, config.METRICS_ALLOW)) {
        throw new AppError(403, 'forbidden', 'This address may not read metrics; set METRICS_ALLOW or METRICS_TOKEN');
      }
      await prometheusExporter.refresh();
      ctx.type = prometheusExporter.registry.contentType;
      ctx.body = await prometheusExporter.registry.metrics();
    },
  });
}
