import { sanitizeLine, sanitizeMultiline } from '../term/sanitize.js';

/**
 * The stderr line for an error that ended the dashboard. Its message may quote data (a DuckDB error
 * quotes the value it could not read, a JSON error the text around its position), and it is written
 * after the terminal is restored, where an escape sequence would act: the message is one sanitised
 * line; a stack keeps its lines, each with its controls shown as escapes.
 */
export function crashText(error: unknown, withStack: boolean): string {
  if (error instanceof Error && withStack && error.stack) return `trailtop: ${sanitizeMultiline(error.stack)}\n`;
  return `trailtop: ${sanitizeLine(error instanceof Error ? error.message : String(error))}\n`;
}
