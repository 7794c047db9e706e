/**
 * The one holder of frontend state: what the sidebar knows about one notebook.
 *
 * Plain TypeScript plus @lumino/signaling, so it runs in node tests. The
 * connector feeds it standings from the kernel, the metadata sync feeds it the
 * standing saved in the notebook file, and the view only reads it. The model
 * never merges or judges: a standing replaces the state whole.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { ISavedStanding, IStanding, IStandingPayload } from './protocol';

/** An immutable picture of one notebook's nbalign state. */
export interface IAlignState {
  /** True while a kernel comm feeds this state; false for saved or no state. */
  readonly live: boolean;
  /** The kernel session the standing came from; null for saved or no state. */
  readonly session: string | null;
  /** The standing's revision within its session; null for saved or no state. */
  readonly revision: number | null;
  /** The kernel's judged state; null when there is no objective. */
  readonly standing: IStanding | null;
  /** ISO time the standing was last received live or saved in the notebook. */
  readonly savedAt: string | null;
}

/** What the view should show for a notebook. */
export type AlignStatus =
  | 'not-loaded' // no kernel comm and nothing saved: show how to start
  | 'no-objective' // nbalign loaded, no %%objective yet
  | 'live' // objective fed by a live kernel
  | 'saved'; // the last standing known (saved in the notebook or left by a closed comm)

export const NOT_LOADED: IAlignState = Object.freeze({
  live: false,
  session: null,
  revision: null,
  standing: null,
  savedAt: null
});

/**
 * The state of one notebook.
 *
 * @example
 * const model = new AlignModel();
 * model.stateChanged.connect((_, state) => render(state));
 * model.applyStanding({ session: 'a1', revision: 1, standing: null });
 * model.status; // 'no-objective'
 */
export class AlignModel {
  constructor(private readonly _now: () => Date = () => new Date()) {}

  get state(): IAlignState {
    return this._state;
  }

  /** Emits the new state after every change, and only after a change. */
  get stateChanged(): ISignal<this, IAlignState> {
    return this._stateChanged;
  }

  get status(): AlignStatus {
    return statusOf(this._state);
  }

  /**
   * Replace the whole state with a standing from the kernel (live).
   *
   * A payload that is not news is ignored: one of the same session with an
   * older revision (a late delivery), or with the same revision while live (a
   * duplicate). The same revision while not live is the kernel sending its
   * state again on a new comm, so it makes the state live again. A payload of
   * another session (a restarted kernel counts anew) is always taken.
   */
  applyStanding(payload: IStandingPayload): void {
    const current = this._state;
    if (payload.session === current.session && current.revision !== null) {
      if (
        payload.revision < current.revision ||
        (payload.revision === current.revision && current.live)
      ) {
        return;
      }
    }
    this._set({
      live: true,
      session: payload.session,
      revision: payload.revision,
      standing: payload.standing,
      savedAt: this._now().toISOString()
    });
  }

  /**
   * Show the standing saved in the notebook metadata, not live.
   *
   * Ignored while live: the kernel knows better than the file.
   */
  applySaved(saved: ISavedStanding): void {
    if (this._state.live) {
      return;
    }
    this._set({
      live: false,
      session: null,
      revision: null,
      standing: saved.standing,
      savedAt: saved.saved_at
    });
  }

  /**
   * Mark the state live or not. Going not live (comm closed, kernel restarted
   * or shut down) keeps the last standing so the view can show it as saved.
   */
  setLive(live: boolean): void {
    if (this._state.live !== live) {
      this._set({ ...this._state, live });
    }
  }

  /** Forget everything (no kernel state, nothing saved). */
  reset(): void {
    if (this._state !== NOT_LOADED) {
      this._set(NOT_LOADED);
    }
  }

  private _set(state: IAlignState): void {
    this._state = Object.freeze(state);
    this._stateChanged.emit(this._state);
  }

  private _state: IAlignState = NOT_LOADED;
  private _stateChanged = new Signal<this, IAlignState>(this);
}

/** Which of the four screens a state calls for. */
export function statusOf(state: IAlignState): AlignStatus {
  if (state.live) {
    return state.standing ? 'live' : 'no-objective';
  }
  return state.standing ? 'saved' : 'not-loaded';
}
