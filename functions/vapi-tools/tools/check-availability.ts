/** check_availability: open times for what the caller asked, the asked clock time first when it is free. */
import type { RequestProblem } from '../../../shared/domain/errors.ts';
import type { SlotOffer } from '../../../shared/domain/open-slots.ts';
import { weekdayOf } from '../../../shared/domain/time/calendar-day.ts';
import { PARTS_OF_DAY } from '../../../shared/domain/time/parts-of-day.ts';
import { clockText } from '../../../shared/domain/time/phrases.ts';
import type { SearchWindow } from '../../../shared/domain/time/resolve-window.ts';
import { inZone } from '../../../shared/domain/time/zone.ts';
import {
  type AvailabilityOutcome,
  checkAvailability,
} from '../../../shared/domain/use-cases/check-availability.ts';
import {
  monthName,
  speakCalendarDay,
  speakClock,
  speakDayRange,
  speakMonthDay,
  speakWindow,
  weekdayName,
} from '../../../shared/speech/time.ts';
import * as z from '../../../shared/zod.ts';
import { ReplayedAnswer, type ToolAnswer, ToolError } from '../tool-answer.ts';
import { defineTool, keeperOf } from './define.ts';
import { matching, oneOf, optional, text } from './fields.ts';
import { listOf, slotsOf, timesOf } from './speech.ts';

const parameters = z.object({
  date: optional(
    matching(
      '\\d{4}-\\d{2}-\\d{2}',
      'The day the caller named, as YYYY-MM-DD in the business time zone. Leave it out for a phrase like "next Tuesday".',
    ),
  ),
  when: optional(
    text(
      'What the caller said about the day and time, in their words: "next Tuesday afternoon", "tomorrow at 3".',
      {
        max: 200,
      },
    ),
  ),
  time: optional(
    matching(
      '(?:[01]?\\d|2[0-3]):[0-5]\\d',
      'A clock time the caller asked for, HH:MM on the 24-hour clock in the business time zone (15:00 for 3 PM).',
    ),
  ),
  part_of_day: optional(oneOf(PARTS_OF_DAY, 'Morning, afternoon, evening, or any part of the day.')),
  service: optional(
    text('The service the caller asked for, in their words, when they named one.', { max: 100 }),
  ),
});

/** The words for a request that cannot be searched. */
export function sayProblem(problem: RequestProblem): string {
  switch (problem.reason) {
    case 'malformed_date':
      return "I didn't catch the date. Which day would you like?";
    case 'invalid_date': {
      const month = problem.month === null ? null : monthName(problem.month);
      if (month !== null) return `There's no ${month} ${problem.day}. Which day did you mean?`;
      return problem.date === undefined
        ? "That isn't a real date. Which day did you mean?"
        : "That isn't a real date. Which day would you like?";
    }
    case 'no_such_day_of_month':
      return `No month has a day ${problem.day}. Which day did you mean?`;
    case 'unrecognized_phrase':
      return "I didn't catch which day you'd like. Could you say a day, like tomorrow or next Tuesday?";
    case 'conflicting_days':
      return 'I heard more than one day there. Which one day or week should I look at?';
    case 'weekday_mismatch': {
      const { firstDay, lastDay, today } = problem;
      const weekday = weekdayName(problem.weekday);
      return firstDay === lastDay
        ? `${speakMonthDay(firstDay)} is a ${weekdayName(weekdayOf(firstDay))}, not a ${weekday}. Which day did you mean?`
        : `There's no ${weekday} from ${speakCalendarDay(firstDay, today)} through ${speakCalendarDay(lastDay, today)}. Which day did you mean?`;
    }
    case 'week_over':
      return 'This week ends today. Which day next week would you like?';
    case 'past': {
      const { firstDay, lastDay, today } = problem;
      // Only a part of today can be over while today is not.
      if (lastDay === today) {
        return `It's already past the ${problem.partOfDay} today, ${speakCalendarDay(today, today)}. Would another time work?`;
      }
      const said =
        firstDay === lastDay
          ? `${speakCalendarDay(firstDay, today)} has already passed.`
          : `${speakCalendarDay(firstDay, today)} through ${speakCalendarDay(lastDay, today)} have already passed.`;
      return `${said} Today is ${speakCalendarDay(today, today)}. Which day would you like instead?`;
    }
    case 'beyond_horizon':
      return `I can only book up to ${problem.horizonDays} days ahead, so through ${speakCalendarDay(problem.lastBookableDay, problem.today)}. Which day before then would work?`;
    case 'invalid_part_of_day':
      return 'Would you like the morning, the afternoon, the evening, or any time?';
    case 'invalid_time':
      return 'What time would you like? For example, 3 PM.';
  }
}

/** What a result carries of a refused request: why, and what was given; the rest went into `say`. */
function detailsOf(problem: RequestProblem): Record<string, unknown> {
  const given = problem as Partial<Record<'date' | 'when' | 'time', string>>;
  return {
    reason: problem.reason,
    ...(given.date === undefined ? {} : { date: given.date }),
    ...(given.when === undefined ? {} : { when: given.when }),
    ...(given.time === undefined ? {} : { time: given.time }),
  };
}

/** The words for what was offered: the asked time first when free, else the nearest, else the next openings. */
export function sayOffer(asked: SearchWindow, offer: SlotOffer, now: Date): string {
  const { zone } = asked;
  const context = { zone, now };
  const [first, ...others] = offer.slots;
  if (first === undefined) {
    return `I don't see any openings ${speakWindow(asked, context)}, or in the days after. Would another time work?`;
  }
  const list = listOf(offer.slots, zone, now);
  if (offer.lookedAhead) {
    return `I don't see any openings ${speakWindow(asked, context)}. The next ones are ${list}. Would one of those work?`;
  }
  if (offer.askedTimeFree === true) {
    // The others are spoken as clock times when they fall on the day just named, else with their days.
    const sameDay = others.every(
      (slot) => inZone(Date.parse(slot.start), zone).day === inZone(Date.parse(first.start), zone).day,
    );
    const rest = sameDay ? timesOf(others, zone) : listOf(others, zone, now);
    const also = others.length > 0 ? ` I also have ${rest}.` : '';
    return `${listOf([first], zone, now)} is free.${also} Would that work?`;
  }
  if (offer.askedTimeFree === false && asked.askedTime !== null) {
    const clock = speakClock(asked.askedTime.hour, asked.askedTime.minute);
    return `${clock} isn't free ${speakDayRange(asked.firstDay, asked.lastDay, context)}. The nearest times I have are ${list}. Would one of those work?`;
  }
  return `I have ${list}. Which would you like?`;
}

function answerOf(outcome: AvailabilityOutcome, now: Date): ToolAnswer {
  switch (outcome.kind) {
    case 'unknown_service':
      return new ToolError(
        'unknown_service',
        `We don't offer "${outcome.asked}". We can book: ${outcome.services.join(', ')}.`,
        { services: outcome.services },
      );
    case 'no_services':
      return new ToolError('no_services', 'There is nothing I can book right now, sorry.');
    case 'unusable_request':
      return new ToolError('invalid_arguments', sayProblem(outcome.problem), detailsOf(outcome.problem));
    case 'replayed':
      return new ReplayedAnswer(outcome.answer);
    case 'offered': {
      const { asked, offer, zone } = outcome;
      const time = asked.askedTime && clockText(asked.askedTime);
      return {
        ok: true,
        say: sayOffer(asked, offer, now),
        timezone: zone,
        service: outcome.service.name,
        searched: {
          from: asked.start,
          to: asked.end,
          days: speakDayRange(asked.firstDay, asked.lastDay, { zone, now }),
          part_of_day: asked.partOfDay,
          ...(time ? { time, time_free: offer.askedTimeFree } : {}),
        },
        slots: slotsOf(offer.slots, zone, now),
      };
    }
  }
}

export const checkAvailabilityTool = defineTool({
  name: 'check_availability',
  description:
    'Look up open appointment times. Call it before offering any time, and offer only times it returned. ' +
    'Pass what the caller said: a date, their words ("tomorrow at 3"), a clock time, a part of the day, a service. ' +
    'Read `say` to the caller. Each slot has an id such as S3 that is valid on this call only.',
  waitingSay: 'Let me check the calendar.',
  returns:
    'up to 6 `slots: [{id, start, spoken}]` (3 nearest an asked time, the asked one first when free), `timezone`, `service`, and what was `searched` (`time`, `time_free` when a time was asked); when the window is empty, the next openings',
  parameters,
  hints: {
    date: "I didn't catch the date. Which day would you like?",
    time: 'What time would you like? For example, 3 PM.',
    part_of_day: 'Would you prefer the morning, the afternoon or the evening?',
    default: 'Which day would you like to come in?',
  },
  // Its answer is kept in the call's ledger with the offers it names; a replay is answered from there.
  replaySafe: true,
  async run(args, call, deps, toolCallId) {
    const now = deps.clock.now();
    const outcome = await checkAvailability(
      {
        date: args.date,
        when: args.when,
        time: args.time,
        partOfDay: args.part_of_day,
        service: args.service,
      },
      call,
      deps,
      keeperOf(toolCallId, (kept: AvailabilityOutcome) => answerOf(kept, now)),
    );
    return answerOf(outcome, now);
  },
});
