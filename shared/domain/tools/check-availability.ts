/** check_availability: open times for a day or phrase, each under a short id valid for this call only. */
import * as z from '../../zod.ts';
import type { CallContext } from '../model.ts';
import type { OpenSlotFinder } from '../open-slots.ts';
import { PARTS_OF_DAY } from '../time/parts-of-day.ts';
import { resolveSearchWindow } from '../time/resolve-window.ts';
import type { ToolDeps, ToolSuccess } from './tool-deps.ts';

export const CheckAvailabilityArgsSchema = z.object({
  date: z.nullish(z.string().check(z.trim(), z.maxLength(40))),
  when: z.nullish(z.string().check(z.trim(), z.maxLength(200))),
  part_of_day: z.nullish(z.enum(PARTS_OF_DAY)),
  service: z.nullish(z.string().check(z.trim(), z.maxLength(100))),
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
  const result = await deps.slots.offer(call, eventType, window);
  return {
    ok: true,
    say: result.say,
    timezone: zone,
    service: eventType.name,
    searched: { from: window.start, to: window.end, days: window.spokenRange, part_of_day: window.partOfDay },
    slots: result.slots,
  };
}
