/** A hold the asking call may act on: a hold id from another call is refused, as if it did not exist. */
import type { CallContext, Hold } from '../model.ts';
import type { UseCaseDeps } from './deps.ts';

export type HoldRefusal =
  | { kind: 'unknown_hold'; holdId: string }
  | { kind: 'not_your_hold'; holdId: string };

export async function ownHold(
  holdId: string,
  call: CallContext,
  deps: UseCaseDeps,
): Promise<Hold | HoldRefusal> {
  const hold = await deps.store.slots.getHold(holdId.toUpperCase());
  if (!hold) return { kind: 'unknown_hold', holdId };
  if (hold.callId !== call.callId) return { kind: 'not_your_hold', holdId };
  return hold;
}

export function isRefusal(value: Hold | HoldRefusal): value is HoldRefusal {
  return 'kind' in value;
}
