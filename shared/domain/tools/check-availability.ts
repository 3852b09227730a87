/** check_availability: open times for a day or phrase, each under a short id valid for this call only. */
import * as z from 'zod';
import type { CallContext } from '../model.ts';
import type { OpenSlotFinder } from '../open-slots.ts';
import { PARTS_OF_DAY } from '../time/parts-of-day.ts';
import { resolveSearchWindow } from '../time/resolve-window.ts';
import type { ToolDeps, ToolSuccess } from './tool-deps.ts';

export const CheckAvailabilityArgsSchema = z.object({
  date: z.string().trim().max(40).nullish(),
  when: z.string().trim().max(200).nullish(),
  part_of_day: z.enum(PARTS_OF_DAY).nullish(),
  service: z.string().trim().max(100).nullish(),
});
export type CheckAvailabilityArgs = z.infer<typeof CheckAvailabilityArgsSchema>;

export async function checkAvailability(
  args: CheckAvailabilityArgs,
  call: CallContext,
  deps: ToolDeps & { slots: OpenSlotFinder },
): Promise<ToolSuccess> {
  const [zone, eventType] = await Promise.all([
    deps.directory.businessTimezone(),
    deps.directory.eventTypeFor(args.service),
  ]);
  const window = resolveSearchWindow(
    { date: args.date, when: args.when, partOfDay: args.part_of_day },
    { now: deps.clock.now(), zone },
  );
  const result = await deps.slots.offer(call, eventType.uri, window);
  return {
    ok: true,
    say: result.say,
    timezone: zone,
    service: eventType.name,
    searched: { from: window.start, to: window.end, days: window.spokenRange, part_of_day: window.partOfDay },
    slots: result.slots,
  };
}
