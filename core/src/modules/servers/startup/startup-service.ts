import type { Principal } from '../../../kernel/auth.js';
import type { Database } from '../../../kernel/database.js';
import { badRequest, conflict } from '../../../kernel/errors.js';
import type { ActivityLog } from '../../activity/activity-log.js';
import type { NodeService } from '../../nodes/service.js';
import { resolveVariables } from '../../templates/rules.js';
import type { TemplateService } from '../../templates/service.js';
import type { ServerRepository } from '../repository.js';
import type { ServerService } from '../service.js';
import { agentSpec } from '../spec.js';
import type { StartupChange, StartupView } from './schema.js';

/** A server's start command, variables and image: read, and changed within the template's rules. */
export class StartupService {
  constructor(
    private readonly deps: {
      db: Database;
      serverService: ServerService;
      serverRepository: ServerRepository;
      templateService: TemplateService;
      nodeService: NodeService;
      activityLog: ActivityLog;
    },
  ) {}

  async view(serverId: string, principal: Principal): Promise<StartupView> {
    const server = await this.deps.serverService.get(serverId);
    const { template } = await this.deps.templateService.get(server.templateId);
    const admin = principal.role === 'admin';
    return {
      startup: template.startup,
      image: server.image,
      images: template.images,
      variables: template.variables
        .filter((v) => admin || v.userViewable)
        .map((v) => ({
          env: v.env,
          name: v.name,
          description: v.description,
          value: server.variables[v.env] ?? v.default,
          default: v.default,
          rules: v.rules,
          editable: admin || v.userEditable,
        })),
    };
  }

  /**
   * Checks every given value against its variable's rules (400 invalid_variables naming the rule)
   * and the image against the template's list (400 invalid_image), then stores them and gives the
   * node the new spec: the running game keeps what it started with until its next start.
   */
  async change(serverId: string, change: StartupChange, principal: Principal): Promise<StartupView> {
    const server = await this.deps.serverService.get(serverId);
    const { template } = await this.deps.templateService.get(server.templateId);
    const asAdmin = principal.role === 'admin';
    const editable = new Set(template.variables.filter((v) => asAdmin || v.userEditable).map((v) => v.env));
    const kept = Object.fromEntries(Object.entries(server.variables).filter(([k]) => editable.has(k)));
    const resolved = resolveVariables(template, { ...kept, ...(change.variables ?? {}) }, { asAdmin });
    // What the caller may not change keeps the value it has (an admin may have set it).
    const variables = { ...resolved, ...Object.fromEntries(Object.entries(server.variables).filter(([k]) => !editable.has(k))) };
    const image = change.image ?? server.image;
    if (!template.images.some((i) => i.image === image))
      throw badRequest('invalid_image', `The template does not offer the image ${image}`);
    if (!server.address) throw conflict('no_allocation', 'The server has no allocation');
    const node = await this.deps.nodeService.get(server.nodeId);
    await this.deps.nodeService.client(node).updateServer(agentSpec({ ...server, variables, image }, template, server.address));
    await this.deps.db.transaction(async (trx) => {
      await this.deps.serverRepository.setStartup(serverId, { variables, image }, trx);
      // Names only: a variable's value may be a secret the template hides from users.
      const changes = [
        ...Object.keys(change.variables ?? {}).filter((k) => server.variables[k] !== variables[k]),
        ...(image !== server.image ? [`image ${image}`] : []),
      ];
      await this.deps.activityLog.record({ serverId, actor: principal, action: 'server.startup', data: { changes } }, trx);
    });
    return this.view(serverId, principal);
  }
}
