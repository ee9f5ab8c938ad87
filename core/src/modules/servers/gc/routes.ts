import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { gcReapBody, gcReport, gcScanBody } from './gc-schema.js';

/** Garbage collection's report and its reaping: admins only. */
export function gcRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/gc/report',
    summary: "The latest garbage collection report: orphans found on the nodes and in the panel's bookings",
    access: 'admin',
    response: { schema: gcReport },
    errors: { 404: 'no_report' },
    handler: ({ scope }) => scope.cradle.garbageCollector.latest(),
  });
  router.route({
    method: 'post',
    path: '/gc/scan',
    summary: 'Look for orphans now (the nightly job does too); the report replaces the last one',
    access: 'admin',
    body: gcScanBody,
    response: { schema: gcReport },
    handler: ({ scope }) => scope.cradle.garbageCollector.scan(),
  });
  router.route({
    method: 'post',
    path: '/gc/reap',
    summary: "Remove the latest report's orphans that are still orphans (body { confirm: true })",
    access: 'admin',
    body: gcReapBody,
    response: { schema: gcReport },
    errors: { 404: 'no_report' },
    handler: ({ scope }) => scope.cradle.garbageCollector.reap(),
  });
}
