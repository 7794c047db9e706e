/**
 * Wiring only: one AlignModel, KernelConnector and MetadataSync per notebook
 * panel, and one sidebar panel that shows the model of the notebook in focus;
 * and the command that inserts an objective template (cells in template.ts).
 *
 * The same plugins run in JupyterLab and in Jupyter Notebook 7, which loads the
 * same prebuilt labextensions: both shells have a 'right' side area and an
 * INotebookTracker, and nothing here needs JupyterLab's own shell (ILabShell).
 * In JupyterLab the panel has a tab in the right sidebar; in Notebook 7 it is
 * opened from View > Right Sidebar > Show nbalign (command
 * `application:toggle-panel`) on a notebook's page, and shows that notebook.
 * Notebook 7's other pages (the file browser, an editor, a console) get no
 * panel: there is no notebook there to show.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import { KernelConnector } from './connector';
import { MetadataSync } from './metadata';
import { AlignModel } from './model';
import { cellsToInsert, COMMAND_ID, COMMAND_LABEL } from './template';
import { AlignPanel } from './view';

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'nbalign:sidebar',
  description: 'A sidebar with the business objective and progress of the notebook in focus.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    restorer: ILayoutRestorer | null
  ) => {
    if (!hasNotebooks()) {
      return;
    }
    const panel = new AlignPanel();
    // Added now, before any notebook: its first render must not race the first focus.
    app.shell.add(panel, 'right', { rank: 900 });
    restorer?.add(panel, 'nbalign'); // JupyterLab only: Notebook 7 has no layout restorer

    // Keyed by the widget, not the path: notebooks get renamed.
    const models = new Map<NotebookPanel, AlignModel>();

    const track = (notebook: NotebookPanel): void => {
      const model = new AlignModel();
      const connector = new KernelConnector(notebook.sessionContext, model, notebook);
      const metadata = new MetadataSync(notebook, model);
      models.set(notebook, model);
      notebook.title.changed.connect(() => {
        if (tracker.currentWidget === notebook) {
          focus(notebook);
        }
      });
      notebook.disposed.connect(() => {
        connector.dispose();
        metadata.dispose();
        models.delete(notebook);
        if (tracker.currentWidget === null) {
          panel.setFocus(null);
        }
      });
    };

    const focus = (notebook: NotebookPanel | null): void => {
      const model = notebook ? models.get(notebook) : undefined;
      panel.setFocus(
        notebook && model ? { model, notebookName: notebook.title.label, notebook } : null
      );
    };

    tracker.forEach(track);
    tracker.widgetAdded.connect((_, notebook) => track(notebook));
    tracker.currentChanged.connect((_, notebook) => focus(notebook));
    focus(tracker.currentWidget);
  }
};

/**
 * Whether this page can show a notebook: any JupyterLab page, and Notebook 7's
 * notebook pages (its page kind is in the page config: 'notebooks', 'tree',
 * 'edit', 'consoles', 'terminals'; JupyterLab sets none).
 */
export function hasNotebooks(page: string = PageConfig.getOption('notebookPage')): boolean {
  return page === '' || page === 'notebooks';
}

/**
 * "nbalign: Insert objective template" in the command palette and the
 * notebook's context menu: below the active cell of the current notebook, a
 * commented %%objective cell, after a %load_ext nbalign cell when no code cell
 * of the notebook loads nbalign yet.
 */
const templatePlugin: JupyterFrontEndPlugin<void> = {
  id: 'nbalign:objective-template',
  description: 'A command that inserts a commented %%objective template into the current notebook.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ICommandPalette],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker, palette: ICommandPalette | null) => {
    app.commands.addCommand(COMMAND_ID, {
      label: COMMAND_LABEL,
      caption: 'Insert a %%objective cell to fill in (and %load_ext nbalign if the notebook lacks it) below the active cell',
      isEnabled: () => tracker.currentWidget !== null && tracker.currentWidget.content.model !== null,
      execute: () => {
        const notebook = tracker.currentWidget?.content;
        const model = notebook?.model;
        if (!notebook || !model) {
          return;
        }
        const cells = model.sharedModel.cells.map(cell => ({
          cell_type: cell.cell_type,
          source: cell.getSource()
        }));
        const sources = cellsToInsert(cells);
        const index = Math.min(notebook.activeCellIndex + 1, cells.length);
        model.sharedModel.insertCells(
          index,
          sources.map(source => ({ cell_type: 'code', source, metadata: {} }))
        );
        // The template is the cell to fill in: make it the active one, in view.
        notebook.activeCellIndex = index + sources.length - 1;
        const cell = notebook.activeCell;
        if (cell) {
          void notebook.scrollToCell(cell, 'start');
        }
      }
    });
    palette?.addItem({ command: COMMAND_ID, category: 'nbalign' });
    app.contextMenu.addItem({ command: COMMAND_ID, selector: '.jp-Notebook', rank: 20 });
  }
};

export default [plugin, templatePlugin];
