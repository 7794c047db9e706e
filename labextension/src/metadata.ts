/**
 * Keeps a notebook's `nbalign` metadata and its AlignModel in step:
 * on open, the saved standing goes into the model (not live); while live,
 * every change of state is written back, but only when it changes what the
 * metadata says, so a reload does not mark the notebook modified.
 */
import { NotebookPanel } from '@jupyterlab/notebook';
import { IDisposable } from '@lumino/disposable';

import { AlignModel, IAlignState } from './model';
import { fromSaved, METADATA_KEY, savedDiffers, toSaved } from './saved';

export class MetadataSync implements IDisposable {
  constructor(
    private readonly _panel: NotebookPanel,
    private readonly _model: AlignModel
  ) {
    void _panel.context.ready.then(() => {
      if (this._isDisposed) {
        return;
      }
      const saved = fromSaved(_panel.model?.getMetadata(METADATA_KEY));
      if (saved) {
        _model.applySaved(saved);
      }
      // A live state that came before the file was ready is written now.
      this._onStateChanged(_model, _model.state);
      _model.stateChanged.connect(this._onStateChanged, this);
    });
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (!this._isDisposed) {
      this._isDisposed = true;
      this._model.stateChanged.disconnect(this._onStateChanged, this);
    }
  }

  private _onStateChanged(_: AlignModel, state: IAlignState): void {
    const notebook = this._panel.model;
    if (!state.live || !notebook) {
      return;
    }
    const next = toSaved(state);
    if (!savedDiffers(notebook.getMetadata(METADATA_KEY), next)) {
      return;
    }
    if (next === null) {
      notebook.deleteMetadata(METADATA_KEY);
    } else {
      // Through JSON: the metadata must be plain JSON, not our frozen objects.
      notebook.setMetadata(METADATA_KEY, JSON.parse(JSON.stringify(next)));
    }
  }

  private _isDisposed = false;
}
