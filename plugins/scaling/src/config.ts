import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL' });

/** The plugin's settings (`plugins.scaling`); the per-cluster policies live in the database (PUT /api/scaling/clusters/:name). */
export const scalingConfigSchema = z.object({
  /** Hetzner Cloud; without it the plugin records its decisions but cannot provision (scale_up_refused, reason no_provider). */
  hetzner: z
    .object({
      token: z.string().min(1),
      baseUrl: httpUrl.default('https://api.hetzner.cloud/v1'),
    })
    .optional(),
  /** The panel's address as a new node reaches it (where it joins). */
  panelUrl: httpUrl.optional(),
  /** The Conductor release a new node installs (install.sh --source). */
  sourceUrl: httpUrl.default('https://downloads.conductor.example/conductor.tar.gz'),
  /** The image new machines boot from when no node snapshot exists. */
  image: z.string().min(1).default('debian-12'),
  /** The agent's port on a new node. */
  agentPort: z.number().int().min(1).max(65535).default(8443),
  /** How long a new machine may take to boot and join before it is deleted as failed. */
  joinTimeoutSeconds: z.number().int().min(30).max(7200).default(900),
  /**
   * A cloud node whose agent is silent while the cloud says its machine runs is reset (a power
   * cycle) and lost only if it is still silent this long after the reset.
   */
  resetGraceSeconds: z.number().int().min(1).max(3600).default(300),
  /** The boot lead time assumed for predictive scaling until nodes have joined and it can be measured. */
  bootLeadSeconds: z.number().int().min(0).max(7200).default(300),
});
export type ScalingConfig = z.output<typeof scalingConfigSchema>;
