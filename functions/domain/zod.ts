/**
 * zod for every schema the functions bundle: zod/mini, whose schema types and checks are each their own export, so a
 * function carries only those its schemas use (classic zod's methods and JSON-schema processors ride along whole).
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// Classic zod sets English messages on its first schema; mini sets none, and the 4xx answers quote these messages.
config(en());

export * from 'zod/mini';
