/**
 * Wiring only: one AlignModel, KernelConnector and MetadataSync per notebook
 * panel, and one sidebar panel that shows the model of the notebook in focus.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import { KernelConnector } from './connector';
import { MetadataSync } from './metadata';
import { AlignModel } from './model';
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
    const panel = new AlignPanel();
    app.shell.add(panel, 'right', { rank: 900 });
    restorer?.add(panel, 'nbalign');

    // Keyed by the widget, not the path: notebooks get renamed.
    const models = new Map<NotebookPanel, AlignModel>();

    const track = (notebook: NotebookPanel): void => {
      const model = new AlignModel();
      const connector = new KernelConnector(notebook.sessionContext, model);
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
        notebook && model ? { model, notebookName: notebook.title.label } : null
      );
    };

    tracker.forEach(track);
    tracker.widgetAdded.connect((_, notebook) => track(notebook));
    tracker.currentChanged.connect((_, notebook) => focus(notebook));
    focus(tracker.currentWidget);
  }
};

export default plugin;
