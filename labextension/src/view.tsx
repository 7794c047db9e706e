/**
 * The sidebar panel. It renders the model of the notebook in focus and nothing
 * else: it never talks to the kernel (the connector does) and never keeps
 * state of its own beyond which model to show.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';
import * as React from 'react';

import { Dashboard } from './dashboard';
import { EmptyState } from './empty';
import { nbalignIcon } from './icon';
import { AlignModel, IAlignState, statusOf } from './model';

/** What the panel shows: one notebook's model, or nothing when no notebook is open. */
export interface IFocus {
  model: AlignModel;
  /** The notebook's file name, to say which notebook the panel is about. */
  notebookName: string;
}

export class AlignPanel extends ReactWidget {
  constructor() {
    super();
    this.id = 'nbalign-panel';
    this.title.icon = nbalignIcon;
    this.title.caption = 'nbalign';
    this.addClass('jp-nbalign-panel');
  }

  /** Show another notebook (or none). */
  setFocus(focus: IFocus | null): void {
    this._focus = focus;
    this._generation += 1;
    this._focusChanged.emit(focus);
  }

  get focusChanged(): ISignal<this, IFocus | null> {
    return this._focusChanged;
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._focusChanged} initialArgs={this._focus}>
        {(_, focus) => (
          <div className="jp-nbalign-root" data-testid="nbalign-panel">
            <header className="jp-nbalign-title">
              <nbalignIcon.react className="jp-nbalign-title-icon" tag="span" />
              <span className="jp-nbalign-title-text">nbalign</span>
              {focus && (
                <span className="jp-nbalign-title-notebook" title={focus.notebookName}>
                  {focus.notebookName}
                </span>
              )}
            </header>
            {focus ? (
              // A new key per focus change: UseSignal reads initialArgs only once.
              <UseSignal
                key={this._generation}
                signal={focus.model.stateChanged}
                initialArgs={focus.model.state}
              >
                {(_, state) => <NotebookView state={state ?? focus.model.state} />}
              </UseSignal>
            ) : (
              <EmptyState kind="no-notebook" />
            )}
          </div>
        )}
      </UseSignal>
    );
  }

  private _focus: IFocus | null = null;
  private _generation = 0;
  private _focusChanged = new Signal<this, IFocus | null>(this);
}

function NotebookView(props: { state: IAlignState }): JSX.Element {
  const status = statusOf(props.state);
  switch (status) {
    case 'not-loaded':
      return <EmptyState kind="not-loaded" />;
    case 'no-objective':
      return <EmptyState kind="no-objective" />;
    default:
      return <Dashboard state={props.state} />;
  }
}
