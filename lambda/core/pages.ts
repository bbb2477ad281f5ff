// Paged reads of the query indexes: what a page asks, what it answers, the opaque cursor, and the sort positions.
import { encodeTime } from 'ulid';
import { ValidationError } from './errors.ts';
import type { Message, MessageId } from './model.ts';

/** A page of a sorted listing: at most `limit` entries after the sort position `after` (exclusive). */
export interface PageRequest {
  limit: number;
  after?: string;
}

export interface MessagePage {
  messages: Message[];
  /** The sort position of the last entry read: where the next page starts. Absent once the listing is exhausted. */
  next?: string;
}

/** The largest page a query answers. */
export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 20;

/** A scheduled message's position in its topic's listing: delivery time, then id. */
export const scheduledPosition = (deliverAt: number, messageId: MessageId) =>
  `${String(deliverAt).padStart(13, '0')}#${messageId}`;

/** The latest time a ULID holds (48 bits of milliseconds, in the year 10889): no message id is later. */
const ULID_MAX_TIME = 2 ** 48 - 1;

/** The ids of messages published from `from` to `to` (epoch ms, both included) sort between these two strings. */
export function idRange(from: number, to: number): { low: string; high: string } {
  const time = (at: number) => encodeTime(Math.min(Math.max(at, 0), ULID_MAX_TIME), 10);
  return { low: `${time(from)}0000000000000000`, high: `${time(to)}ZZZZZZZZZZZZZZZZ` };
}

/** The cursor is opaque to callers: the sort position, base64url encoded. */
export function encodeCursor(position: string | undefined): string | undefined {
  return position === undefined ? undefined : Buffer.from(position, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const position = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9A-Z#]{26,40}$/.test(position))
    throw new ValidationError('cursor is not one this listing gave out: pass `next` back unchanged', 'INVALID_CURSOR');
  return position;
}

/** Merges sorted shards into one page: the `limit` first entries, and where the next page starts. */
export function mergeShards<T>(
  shards: T[][],
  positionOf: (entry: T) => string,
  limit: number,
  descending = false,
): { entries: T[]; next?: string } {
  const all = shards.flat().sort((a, b) => {
    const order = positionOf(a) < positionOf(b) ? -1 : positionOf(a) > positionOf(b) ? 1 : 0;
    return descending ? -order : order;
  });
  const entries = all.slice(0, limit);
  return entries.length === limit && entries.length > 0 ? { entries, next: positionOf(entries.at(-1)!) } : { entries };
}

/** The latest time JavaScript's Date holds (±100,000,000 days from 1970). */
const LATEST_INSTANT = 8.64e15;

/**
 * An ISO 8601 time as epoch ms, or NaN. Date.parse rolls an impossible day over (2027-02-30 becomes 2 March), so the
 * date must be one of the calendar's: a time meant for one day must not quietly fall on another.
 */
export function isoTimeMs(value: string): number {
  const date = /^(\d{4})-(\d{2})-(\d{2})T/.exec(value);
  if (date === null) return Number.NaN;
  const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
  const calendarDay = new Date(Date.UTC(year, month - 1, day));
  if (calendarDay.getUTCMonth() !== month - 1 || calendarDay.getUTCDate() !== day) return Number.NaN;
  return Date.parse(value);
}

/** A time given as ISO 8601 (`2026-11-25T10:00:00Z`) or epoch milliseconds, as epoch ms. */
export function parseInstant(value: string | number, field: string): number {
  const at = typeof value === 'number' || /^\d+$/.test(value) ? Number(value) : isoTimeMs(value);
  if (!Number.isFinite(at) || Math.abs(at) > LATEST_INSTANT)
    throw new ValidationError(
      `${field} '${value}' is neither an ISO 8601 time (2026-11-25T10:00:00Z) nor epoch milliseconds (at most ${LATEST_INSTANT})`,
      'INVALID_TIME',
    );
  return at;
}
