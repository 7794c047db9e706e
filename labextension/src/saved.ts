/**
 * The snapshot saved in a notebook's metadata under `nbalign`, so a saved
 * notebook shows its objective and progress before any kernel runs.
 *
 * Pure functions: the metadata sync in metadata.ts does the JupyterLab part.
 */
import { IAlignState } from './model';
import { isSnapshot, ISnapshot, PROTOCOL_VERSION } from './protocol';

export const METADATA_KEY = 'nbalign';

/** The JSON stored in notebook metadata: a snapshot payload plus when and which version. */
export interface ISavedSnapshot extends ISnapshot {
  v: number;
  saved_at: string | null;
}

/** The metadata to save for a state, or null when there is nothing worth saving. */
export function toSaved(state: IAlignState): ISavedSnapshot | null {
  if (!state.objective && state.evaluations.length === 0) {
    return null;
  }
  return {
    v: PROTOCOL_VERSION,
    objective: state.objective,
    evaluations: [...state.evaluations],
    summary: state.summary,
    saved_at: state.savedAt
  };
}

/** Read notebook metadata; null (never an exception) if absent or not understood. */
export function fromSaved(raw: unknown): ISavedSnapshot | null {
  if (typeof raw !== 'object' || raw === null) {
    return null;
  }
  const saved = raw as Partial<ISavedSnapshot>;
  if (saved.v !== PROTOCOL_VERSION || !isSnapshot(saved)) {
    return null;
  }
  const savedAt: unknown = (raw as { saved_at?: unknown }).saved_at;
  return {
    v: PROTOCOL_VERSION,
    objective: saved.objective,
    evaluations: saved.evaluations,
    summary: saved.summary,
    saved_at: typeof savedAt === 'string' ? savedAt : null
  };
}

/**
 * True if writing `next` would change what the metadata says.
 *
 * `saved_at` is left out of the comparison: re-receiving the same state after a
 * reload must not mark the notebook as modified.
 */
export function savedDiffers(current: unknown, next: ISavedSnapshot | null): boolean {
  if (next === null) {
    return current !== undefined && current !== null;
  }
  const before = fromSaved(current);
  return before === null || stableJson(withoutTime(before)) !== stableJson(withoutTime(next));
}

function withoutTime(saved: ISavedSnapshot): ISnapshot & { v: number } {
  const { saved_at: _ignored, ...rest } = saved;
  return rest;
}

/** JSON with sorted object keys, so key order from the kernel does not matter. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v
  );
}
