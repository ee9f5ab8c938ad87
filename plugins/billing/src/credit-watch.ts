/**
 * Told when an owner's balance moves: after a usage charge and after credit is booked. Warnings,
 * suspension and auto top-up hang off it (see suspension.ts); the pass and the ledger only call it.
 */
export class CreditWatch {
  async afterCharge(_ownerId: string): Promise<void> {}
  async afterCredit(_ownerId: string): Promise<void> {}
}
