import { displayWidth, truncate } from '../term/width.js';
import { truncateStart } from './pathText.js';
import { wrapWords } from './wrap.js';

/**
 * What the status line says: plain text, or text around a file path. A path is cut
 * from its start when the line is short, so the file name stays readable.
 */
export type StatusMessage = string | PathMessage;

export interface PathMessage {
  before: string;
  path: string;
  /** A trailing hint, dropped before the path is cut hard. */
  after: string;
  /** A shorter lead for when `before` leaves the path too little room (`Saved `). */
  short?: string;
}

/** The whole message as one string (for logs and tests). */
export function statusText(message: StatusMessage): string {
  return typeof message === 'string' ? message : `${message.before}${message.path}${message.after}`;
}

/** Below this many columns a path says too little; the trailing hint goes first. */
const MIN_PATH_ROOM = 16;

/** The message in at most `room` columns. */
export function fitStatusMessage(message: StatusMessage, room: number): string {
  if (typeof message === 'string') return truncate(message, room);
  const whole = statusText(message);
  if (displayWidth(whole) <= room) return whole;
  const before = displayWidth(message.before);
  const withHint = room - before - displayWidth(message.after);
  if (withHint >= MIN_PATH_ROOM) return `${message.before}${truncateStart(message.path, withHint)}${message.after}`;
  const pathRoom = room - before;
  if (pathRoom >= Math.min(MIN_PATH_ROOM, displayWidth(message.path))) return `${message.before}${truncateStart(message.path, pathRoom)}`;
  // Very narrow: a short lead and the path's end say more than the start of the sentence.
  const short = message.short ?? '';
  if (short && room - displayWidth(short) >= MIN_PATH_ROOM) return `${short}${truncateStart(message.path, room - displayWidth(short))}`;
  return truncateStart(message.path, room);
}

/** The most lines a status message takes (the list gives them up while it shows). */
export const MAX_STATUS_LINES = 3;

/**
 * The message in lines of at most `room` columns: plain text too long for one line
 * is word-wrapped (a download error must be read whole, not end in …), up to
 * MAX_STATUS_LINES; a path message stays on one line, its path cut from the start.
 */
export function statusLines(message: StatusMessage, room: number): string[] {
  if (typeof message !== 'string' || displayWidth(message) <= room) return [fitStatusMessage(message, room)];
  return wrapWords(message, room, MAX_STATUS_LINES);
}
