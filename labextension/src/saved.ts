/**
 * The standing saved in a notebook's metadata under `nbalign`, so a saved
 * notebook shows its objective and progress before any kernel runs.
 *
 * The saved format (`{format: 1, saved_at, standing}`, schema.json `$defs/saved`)
 * is versioned apart from the wire protocol: a later protocol version does not
 * make saved notebooks unreadable. A reader per format; anything else is ignored.
 *
 * Pure functions: the metadata sync in metadata.ts does the JupyterLab part.
 */
import { IAlignState } from './model';
import { ISavedStanding, isStanding } from './protocol';

export const METADATA_KEY = 'nbalign';

/** The format this sidebar writes. */
export const SAVED_FORMAT = 1;

/**
 * The metadata to save for a state, or null when there is nothing worth saving.
 *
 * @example
 * toSaved(model.state); // {format: 1, saved_at: '2026-11-28T10:05:00.000Z', standing: {...}}
 */
export function toSaved(state: IAlignState): ISavedStanding | null {
  if (!state.standing) {
    return null;
  }
  return {
    format: SAVED_FORMAT,
    // A live state always has its time; the fallback only keeps the type honest.
    saved_at: state.savedAt ?? new Date(0).toISOString(),
    standing: state.standing
  };
}

/** One reader per saved format; a later format gets a reader beside these. */
const READERS: Record<number, (raw: Record<string, unknown>) => ISavedStanding | null> = {
  1: raw =>
    typeof raw.saved_at === 'string' && isStanding(raw.standing)
      ? { format: 1, saved_at: raw.saved_at, standing: raw.standing }
      : null
};

/**
 * Read notebook metadata; null (never an exception) if absent, of an unknown
 * format (including what protocol version 1 saved) or malformed.
 */
export function fromSaved(raw: unknown): ISavedStanding | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return null;
  }
  const record = raw as Record<string, unknown>;
  const format = record.format;
  const reader = typeof format === 'number' ? READERS[format] : undefined;
  return reader ? reader(record) : null;
}

/**
 * True if writing `next` would change what the metadata says.
 *
 * `saved_at` is left out of the comparison: re-receiving the same standing after
 * a reload must not mark the notebook as modified.
 */
export function savedDiffers(current: unknown, next: ISavedStanding | null): boolean {
  if (next === null) {
    return current !== undefined && current !== null;
  }
  const before = fromSaved(current);
  return (
    before === null ||
    before.format !== next.format ||
    stableJson(before.standing) !== stableJson(next.standing)
  );
}

/** JSON with sorted object keys, so key order from the kernel does not matter. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v
  );
}
