/**
 * The zod every runtime module imports (`import * as z from '<path>/zod.ts'`): zod/mini, whose functional API
 * tree-shakes to about 25 KB per bundle where classic zod's methods keep about 95 KB reachable. infra/local
 * and tests stay on classic zod. zod/mini installs no locale, so this module installs the English messages
 * classic zod installs for itself: config errors read "Too big: expected number to be <=65535", not
 * "Invalid input". Imported directly (not through `z.locales`) so no other locale reaches a bundle.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// Same rule as classic zod: only when no locale was chosen, so an explicit `config(...)` still wins.
if (!config().localeError) config(en());

export * from 'zod/mini';
