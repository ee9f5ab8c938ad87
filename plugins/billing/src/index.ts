import { asClass, asValue } from 'awilix';
import { coreServices, definePlugin, optionalService } from '@conductor/core';
import { serverPayerRef } from '@conductor/plugin-teams/payers';
import { AccountRepository } from './accounts-repo.js';
import { BillingPass } from './billing-pass.js';
import { systemClock, type Clock } from './clock.js';
import { CreditWatch } from './credit-watch.js';
import { billingConfigSchema, type BillingConfig } from './config.js';
import { LedgerRepository } from './ledger-repo.js';
import { LedgerService } from './ledger-service.js';
import { Meter, METERED_EVENTS } from './meter.js';
import { MeterRepository } from './meter-repo.js';
import { BillingPayers } from './payers.js';
import { PriceRepository } from './prices-repo.js';
import { PaymentsRepository } from './payments-repo.js';
import { paymentRoutes } from './routes-payments.js';
import { billingRoutes } from './routes.js';
import { StripeGateway } from './stripe-gateway.js';
import { StripeWebhook } from './stripe-webhook.js';
import { TopupService } from './topups.js';
import { usageRoutes } from './routes-usage.js';
import { documentRoutes } from './routes-documents.js';
import { teamBillingRoutes } from './routes-teams.js';
import { DocumentRepository } from './documents-repo.js';
import { DocumentService } from './documents.js';
import { UsageService } from './usage-service.js';

declare module '@conductor/core' {
  interface Cradle {
    billingConfig: BillingConfig;
    billingClock: Clock;
    priceRepository: PriceRepository;
    meterRepository: MeterRepository;
    accountRepository: AccountRepository;
    ledgerRepository: LedgerRepository;
    meter: Meter;
    billingPass: BillingPass;
    ledgerService: LedgerService;
    creditWatch: CreditWatch;
    paymentsRepository: PaymentsRepository;
    stripeGateway: StripeGateway;
    topupService: TopupService;
    stripeWebhook: StripeWebhook;
    usageService: UsageService;
    documentRepository: DocumentRepository;
    documentService: DocumentService;
    billingPayers: BillingPayers;
  }
}

/** Metered usage per phase, prepaid credit, statements and suspension (issue 15). */
export default definePlugin({
  manifest: {
    name: 'billing',
    version: '0.1.0',
    api: '^1.0.0',
    description: 'Metered usage per phase and prepaid credit',
    dependsOn: ['auth', 'mail', 'servers'],
  },
  // A team pays for the servers it owns when the teams plugin runs (docs/teams.md).
  consumes: [
    coreServices.auth.userDirectory,
    coreServices.mail.mailService,
    coreServices.servers.serverService,
    optionalService(serverPayerRef),
  ],
  configSchema: billingConfigSchema,
  migrations: new URL('./migrations/', import.meta.url),
  /** The billing pages, built from ../ui by scripts/build-ui.mjs. */
  ui: new URL('../ui-dist/', import.meta.url),
  register(ctx) {
    ctx.register({
      billingConfig: asValue(ctx.config),
      billingClock: asValue(systemClock),
      priceRepository: asClass(PriceRepository).singleton(),
      meterRepository: asClass(MeterRepository).singleton(),
      accountRepository: asClass(AccountRepository).singleton(),
      ledgerRepository: asClass(LedgerRepository).singleton(),
      meter: asClass(Meter).singleton(),
      billingPass: asClass(BillingPass).singleton(),
      ledgerService: asClass(LedgerService).singleton(),
      creditWatch: asClass(CreditWatch).singleton(),
      paymentsRepository: asClass(PaymentsRepository).singleton(),
      stripeGateway: asClass(StripeGateway).singleton(),
      topupService: asClass(TopupService).singleton(),
      stripeWebhook: asClass(StripeWebhook).singleton(),
      usageService: asClass(UsageService).singleton(),
      documentRepository: asClass(DocumentRepository).singleton(),
      documentService: asClass(DocumentService).singleton(),
      billingPayers: asClass(BillingPayers).singleton(),
    });
    ctx.tap('server.beforeStart', 'billing', async ({ serverId, ownerId }) => {
      await ctx.cradle.creditWatch.assertMayStart(await ctx.cradle.billingPayers.ofServer(serverId, ownerId));
      return undefined;
    });
    // From now: history before billing was installed is not charged.
    ctx.subscribe('billing.meter', { from: 'now', types: METERED_EVENTS, handler: (event, trx) => ctx.cradle.meter.handle(event, trx) });
  },
  routes(router) {
    billingRoutes(router);
    paymentRoutes(router);
    usageRoutes(router);
    documentRoutes(router);
    teamBillingRoutes(router);
  },
  jobs: [
    (runtime) => ({
      id: 'pass',
      cron: '7 * * * *',
      run: async ({ logger }) => {
        const result = await runtime.cradle.billingPass.run();
        if (result.chargedCents > 0) logger.info(result, 'billing pass charged usage');
      },
    }),
    (runtime) => ({
      id: 'statements',
      cron: '30 3 1 * *',
      run: async ({ fireDate, logger }) => {
        const previous = new Date(Date.UTC(fireDate.getUTCFullYear(), fireDate.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
        const issued = await runtime.cradle.documentService.issueStatements(previous);
        logger.info({ month: previous, issued: issued.length }, 'monthly statements issued');
      },
    }),
    (runtime) => ({
      id: 'grace',
      cron: '*/5 * * * *',
      // The hourly pass checks owners it charges; this ends grace periods on time between passes.
      run: async () => {
        const { accountRepository, creditWatch } = runtime.cradle;
        for (const account of await accountRepository.all())
          if (account.graceUntilMs !== null && account.suspendedAtMs === null) await creditWatch.check(account.ownerId);
      },
    }),
  ],
});
