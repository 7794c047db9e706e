/**
 * The one holder of frontend state: what the sidebar knows about one notebook.
 *
 * Plain TypeScript plus @lumino/signaling, so it runs in node tests. The
 * connector feeds it from the kernel, the metadata sync feeds it from the
 * notebook file, and the view only reads it.
 */
import { ISignal, Signal } from '@lumino/signaling';

import {
  IEvaluation,
  IEvaluationEvent,
  IObjective,
  ISnapshot,
  ISummary
} from './protocol';

/** An immutable picture of one notebook's nbalign state. */
export interface IAlignState {
  /** True while a kernel comm feeds this state; false for saved or no state. */
  readonly live: boolean;
  readonly objective: IObjective | null;
  /** In the order the kernel recorded them. */
  readonly evaluations: readonly IEvaluation[];
  readonly summary: ISummary | null;
  /** ISO time the state was last received live or saved in the notebook. */
  readonly savedAt: string | null;
}

/** What the view should show for a notebook. */
export type AlignStatus =
  | 'not-loaded' // no kernel comm and nothing saved: show how to start
  | 'no-objective' // nbalign loaded, no %%objective yet
  | 'live' // objective fed by a live kernel
  | 'saved'; // objective from the notebook metadata, no live kernel

export const NOT_LOADED: IAlignState = Object.freeze({
  live: false,
  objective: null,
  evaluations: Object.freeze([]) as readonly IEvaluation[],
  summary: null,
  savedAt: null
});

export class AlignModel {
  constructor(private readonly _now: () => Date = () => new Date()) {}

  get state(): IAlignState {
    return this._state;
  }

  /** Emits the new state after every change. */
  get stateChanged(): ISignal<this, IAlignState> {
    return this._stateChanged;
  }

  get status(): AlignStatus {
    return statusOf(this._state);
  }

  /** Replace the whole state with a snapshot from the kernel (live). */
  applySnapshot(snapshot: ISnapshot): void {
    this._set({
      live: true,
      objective: snapshot.objective,
      evaluations: [...snapshot.evaluations],
      summary: snapshot.summary,
      savedAt: this._now().toISOString()
    });
  }

  /**
   * Load a snapshot saved in the notebook metadata, shown as not live.
   *
   * Ignored while live: the kernel knows better than the file.
   */
  applySaved(snapshot: ISnapshot, savedAt: string | null): void {
    if (this._state.live) {
      return;
    }
    this._set({
      live: false,
      objective: snapshot.objective,
      evaluations: [...snapshot.evaluations],
      summary: snapshot.summary,
      savedAt
    });
  }

  /** Insert or replace (same id) one evaluation and take the new summary. */
  applyEvaluation(event: IEvaluationEvent): void {
    const evaluations = [...this._state.evaluations];
    const index = evaluations.findIndex(e => e.id === event.evaluation.id);
    if (index >= 0) {
      evaluations[index] = event.evaluation;
    } else {
      evaluations.push(event.evaluation);
    }
    this._set({
      ...this._state,
      live: true,
      evaluations,
      summary: event.summary,
      savedAt: this._now().toISOString()
    });
  }

  /**
   * Mark the state live or not. Going not live (comm closed, kernel restarted
   * or shut down) keeps the last state so the view can show it as saved.
   */
  setLive(live: boolean): void {
    if (this._state.live !== live) {
      this._set({ ...this._state, live });
    }
  }

  /** Forget everything (no kernel state, nothing saved). */
  reset(): void {
    this._set(NOT_LOADED);
  }

  private _set(state: IAlignState): void {
    this._state = state;
    this._stateChanged.emit(state);
  }

  private _state: IAlignState = NOT_LOADED;
  private _stateChanged = new Signal<this, IAlignState>(this);
}

/** Which of the four screens a state calls for. */
export function statusOf(state: IAlignState): AlignStatus {
  if (state.live) {
    return state.objective ? 'live' : 'no-objective';
  }
  return state.objective ? 'saved' : 'not-loaded';
}

/** The evaluation the summary names as best, if it is in the list. */
export function bestEvaluation(state: IAlignState): IEvaluation | null {
  const bestId = state.summary?.best?.id;
  return state.evaluations.find(e => e.id === bestId) ?? null;
}
