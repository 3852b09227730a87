/**
 * A short fault campaign (proof/campaign.ts) in every test run: the same runner as `npm run proof`, a few
 * rounds, on the run's shared DynamoDB Local. The long run's report is proof/REPORT.md.
 */
import { describe, expect, inject, it } from 'vitest';
import { installTimeWarp } from '../../proof/time-warp.ts';

describe('fault campaign, short run (seeded)', () => {
  it('finds no double booking, no lost booking and no other violation while faults fire', async () => {
    // Date is warped before the product's modules are loaded (they capture it).
    installTimeWarp();
    const { runCampaign } = await import('../../proof/campaign.ts');
    const report = await runCampaign({
      seed: 20261201,
      rounds: 5,
      maxCallers: 24,
      dynamoEndpoint: inject('dynamoEndpoint'),
    });
    expect(report.violations).toEqual([]);
    expect(report.doubleBookings).toBe(0);
    expect(report.lostBookings).toBe(0);
    const { totals } = report;
    expect(totals.rounds).toBe(5);
    expect(totals.bookingAttempts).toBeGreaterThan(20);
    expect(totals.booked).toBeGreaterThan(0);
    expect(totals.failed).toBeGreaterThan(0);
    const fired = Object.entries(totals.faults).filter(([, count]) => count > 0);
    expect(fired.length).toBeGreaterThanOrEqual(5);
    expect(totals.sweeps).toBeGreaterThan(0);
  }, 90_000);
});
