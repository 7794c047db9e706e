/**
 * One kernel connector per notebook: keeps the notebook's AlignModel fed from
 * the kernel's `nbalign` comm, through kernel changes, restarts and page reloads.
 *
 * - `%load_ext nbalign` opens the comm from the kernel with a standing as open
 *   data; the registered comm target attaches to it. Every later change comes
 *   as a whole standing too; the model keeps the newest revision.
 * - A reloaded page (or a reconnected socket) does not know the comm the kernel
 *   still holds: as ipywidgets does, ask with comm_info_request, re-attach with
 *   createComm(TARGET, id) (no open) and request the standing.
 * - A closed comm, a restart or a shutdown leaves the notebook not live; the
 *   model keeps the last standing so the view can show it as saved.
 */
import { ISessionContext } from '@jupyterlab/apputils';
import { NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { Kernel, KernelMessage, Session } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';

import { AlignModel } from './model';
import { parseMessage, REQUEST_STANDING, TARGET } from './protocol';

type JSONValue = KernelMessage.ICommMsgMsg['content']['data'];

export class KernelConnector implements IDisposable {
  constructor(
    private readonly _session: ISessionContext,
    private readonly _model: AlignModel,
    private readonly _notebook: NotebookPanel | null = null
  ) {
    _session.kernelChanged.connect(this._onKernelChanged, this);
    _session.statusChanged.connect(this._onStatusChanged, this);
    this._attachKernel(_session.session?.kernel ?? null);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._session.kernelChanged.disconnect(this._onKernelChanged, this);
    this._session.statusChanged.disconnect(this._onStatusChanged, this);
    this._detachKernel();
  }

  private _onKernelChanged(
    _: ISessionContext,
    change: Session.ISessionConnection.IKernelChangedArgs
  ): void {
    this._detachKernel(); // leaves the notebook not live
    this._attachKernel(change.newValue);
  }

  private _onStatusChanged(_: ISessionContext, status: Kernel.Status): void {
    // A restarting kernel loses its comms; JupyterLab disposes ours without
    // calling onClose, so say it here.
    if (status === 'restarting' || status === 'autorestarting' || status === 'dead') {
      this._dropComm();
    }
  }

  private _attachKernel(kernel: Kernel.IKernelConnection | null): void {
    if (!kernel) {
      return;
    }
    this._kernel = kernel;
    kernel.registerCommTarget(TARGET, this._onCommOpen);
    kernel.connectionStatusChanged.connect(this._onConnectionStatus, this);
    if (kernel.connectionStatus === 'connected') {
      void this._recover(kernel);
    }
  }

  private _detachKernel(): void {
    const kernel = this._kernel;
    this._kernel = null;
    this._dropComm();
    if (kernel && !kernel.isDisposed) {
      kernel.removeCommTarget(TARGET, this._onCommOpen);
      kernel.connectionStatusChanged.disconnect(this._onConnectionStatus, this);
    }
  }

  private _onConnectionStatus(
    kernel: Kernel.IKernelConnection,
    status: Kernel.ConnectionStatus
  ): void {
    if (status === 'connected') {
      void this._recover(kernel);
    }
  }

  /** Called by the kernel connection when the kernel opens an `nbalign` comm. */
  private _onCommOpen = (
    comm: Kernel.IComm,
    msg: KernelMessage.ICommOpenMsg
  ): void => {
    this._adopt(comm);
    this._receive(msg.content.data);
  };

  /** Find a comm the kernel already holds (page reload, reconnect) and re-attach. */
  private async _recover(kernel: Kernel.IKernelConnection): Promise<void> {
    let reply: KernelMessage.ICommInfoReplyMsg;
    try {
      reply = await kernel.requestCommInfo({ target_name: TARGET });
    } catch (error) {
      console.warn('nbalign: comm_info_request failed', error);
      return;
    }
    if (this._isDisposed || kernel !== this._kernel) {
      return;
    }
    const content = reply.content;
    if (content.status !== 'ok') {
      return;
    }
    // The newest comm wins if a kernel somehow holds several.
    const ids = Object.keys(content.comms).filter(
      id => content.comms[id].target_name === TARGET
    );
    const commId = ids[ids.length - 1];
    if (commId === undefined) {
      return;
    }
    if (kernel.hasComm(commId)) {
      // Already attached: the kernel opened it while we asked (a fresh page),
      // or this is a socket reconnect, whose missed messages the server replays.
      return;
    }
    this._adopt(kernel.createComm(TARGET, commId));
    this._send(REQUEST_STANDING);
  }

  private _adopt(comm: Kernel.IComm): void {
    if (this._comm && this._comm !== comm) {
      // Forget the old one locally; closing it would also close it in the kernel.
      this._comm.dispose();
    }
    this._comm = comm;
    comm.onMsg = msg => {
      if (comm === this._comm) {
        this._receive(msg.content.data);
      }
    };
    comm.onClose = () => {
      if (comm === this._comm) {
        this._comm = null;
        this._model.setLive(false);
      }
    };
  }

  private _dropComm(): void {
    if (this._comm) {
      if (!this._comm.isDisposed) {
        this._comm.dispose();
      }
      this._comm = null;
    }
    this._model.setLive(false);
  }

  private _receive(data: JSONValue): void {
    const message = parseMessage(data);
    if (message?.type === 'standing') {
      this._model.applyStanding(message.payload);
    } else if (message?.type === 'insert_cell') {
      this._insertCell(message.payload.source);
    }
    // request_standing travels frontend -> kernel only; anything else was logged.
  }

  /** A code cell holding `source` below the active cell, made active: the kernel wrote it. */
  private _insertCell(source: string): void {
    const notebook = this._notebook?.content;
    if (!notebook || !notebook.model) {
      return;
    }
    NotebookActions.insertBelow(notebook);
    NotebookActions.changeCellType(notebook, 'code');
    notebook.activeCell?.model.sharedModel.setSource(source);
  }

  private _send(message: typeof REQUEST_STANDING): void {
    if (this._comm && !this._comm.isDisposed) {
      this._comm.send(message as unknown as JSONValue);
    }
  }

  private _kernel: Kernel.IKernelConnection | null = null;
  private _comm: Kernel.IComm | null = null;
  private _isDisposed = false;
}
