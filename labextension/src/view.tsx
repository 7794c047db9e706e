/**
 * The sidebar panel. It renders the model of the notebook in focus and nothing
 * else: it never talks to the kernel (the connector does) and never keeps
 * state of its own beyond which model to show. Asked to, it takes the user to
 * the notebook cell that produced an evaluation (`_goToCell`).
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';
import * as React from 'react';

import { Dashboard, GoToCell } from './dashboard';
import { EmptyState } from './empty';
import { nbalignIcon } from './icon';
import { AlignModel, IAlignState, statusOf } from './model';

/** What the panel shows: one notebook's model, or nothing when no notebook is open. */
export interface IFocus {
  model: AlignModel;
  /** The notebook's file name, to say which notebook the panel is about. */
  notebookName: string;
  /**
   * The notebook itself, to take the user to an evaluation's cell. Without it
   * the panel looks for the notebook among the shell's widgets (by the cell's id).
   */
  notebook?: NotebookPanel | null;
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
    // The same notebook again (its title changed: renamed, saved, activated) keeps
    // its view, and with it the rows the user opened.
    if (focus?.model !== this._focus?.model) {
      this._generation += 1;
    }
    this._focus = focus;
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
                {(_, state) => (
                  <NotebookView state={state ?? focus.model.state} onGoToCell={this._goToCell} />
                )}
              </UseSignal>
            ) : (
              <EmptyState kind="no-notebook" />
            )}
          </div>
        )}
      </UseSignal>
    );
  }

  /**
   * Scroll the notebook in focus to the cell of this id and make it the active
   * cell; false when no open notebook has such a cell (deleted since).
   */
  private _goToCell: GoToCell = cellId => {
    const focus = this._focus;
    if (!focus) {
      return false;
    }
    const notebook = focus.notebook ?? findNotebook(this, cellId, focus.notebookName);
    const index = notebook?.content.widgets.findIndex(cell => cell.model.id === cellId) ?? -1;
    if (!notebook || index < 0) {
      return false;
    }
    const content = notebook.content;
    content.activeCellIndex = index;
    // Bring the notebook's tab to the front and give it the focus (command mode on the cell).
    const shell = rootOf(this) as Widget & { activateById?: (id: string) => void };
    if (typeof shell.activateById === 'function' && notebook.id) {
      shell.activateById(notebook.id);
    } else {
      notebook.activate();
    }
    void content.scrollToCell(content.widgets[index], 'center');
    return true;
  };

  private _focus: IFocus | null = null;
  private _generation = 0;
  private _focusChanged = new Signal<this, IFocus | null>(this);
}

/** The widget at the top of this one's ancestry: the application shell once attached. */
function rootOf(widget: Widget): Widget {
  let root = widget;
  while (root.parent) {
    root = root.parent;
  }
  return root;
}

/** A notebook panel, told by its shape (no runtime import of @jupyterlab/notebook here). */
function isNotebookPanel(widget: Widget): widget is NotebookPanel {
  const content = (widget as unknown as { content?: Partial<NotebookPanel['content']> }).content;
  return (
    'sessionContext' in widget &&
    !!content &&
    typeof content.widgets?.findIndex === 'function' &&
    typeof content.scrollToCell === 'function'
  );
}

/**
 * The open notebook that has a cell of this id: the one named as the focus and
 * shown first, when cell ids repeat (a notebook copied and opened beside it).
 */
function findNotebook(from: Widget, cellId: string, name: string): NotebookPanel | null {
  const found: NotebookPanel[] = [];
  const visit = (widget: Widget): void => {
    if (isNotebookPanel(widget)) {
      if (widget.content.widgets.some(cell => cell.model.id === cellId)) {
        found.push(widget);
      }
      return;
    }
    for (const child of widget.children()) {
      visit(child);
    }
  };
  visit(rootOf(from));
  const score = (notebook: NotebookPanel): number =>
    (notebook.title.label === name ? 2 : 0) + (notebook.isVisible ? 1 : 0);
  return found.sort((a, b) => score(b) - score(a))[0] ?? null;
}

function NotebookView(props: { state: IAlignState; onGoToCell: GoToCell }): JSX.Element {
  const status = statusOf(props.state);
  switch (status) {
    case 'not-loaded':
      return <EmptyState kind="not-loaded" />;
    case 'no-objective':
      return <EmptyState kind="no-objective" />;
    default:
      return <Dashboard state={props.state} onGoToCell={props.onGoToCell} />;
  }
}
