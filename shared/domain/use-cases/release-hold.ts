/** Release a hold: the caller lets a time go; a hold already confirmed is a booking, not a hold. */
import type { CallContext, Hold } from '../model.ts';
import type { UseCaseDeps } from './deps.ts';
import { type HoldRefusal, isRefusal, ownHold } from './own-hold.ts';

export type ReleaseOutcome = { kind: 'released' } | HoldRefusal | { kind: 'hold_confirmed'; hold: Hold };

export async function releaseHold(
  holdId: string,
  call: CallContext,
  deps: UseCaseDeps,
): Promise<ReleaseOutcome> {
  const hold = await ownHold(holdId, call, deps);
  if (isRefusal(hold)) return hold;
  if (hold.status === 'confirmed') return { kind: 'hold_confirmed', hold };
  if (hold.status === 'held') await deps.store.slots.release(hold, deps.clock.now());
  return { kind: 'released' };
}
