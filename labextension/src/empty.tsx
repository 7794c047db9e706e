/**
 * What the sidebar says when there is nothing to show yet, and the lines to type.
 */
import * as React from 'react';

export type EmptyKind = 'no-notebook' | 'not-loaded' | 'no-objective';

const OBJECTIVE_EXAMPLE = `%%objective churn
outcome: Fewer customers cancel
kpi:
  name: churn rate
  current: 9%
  target: 5%
  owner: VP Growth
metric: average_precision
target: 0.60
baseline: auto`;

export function EmptyState(props: { kind: EmptyKind }): JSX.Element {
  return (
    <div className="jp-nbalign-empty" data-testid="nbalign-empty" data-kind={props.kind}>
      {props.kind === 'no-notebook' && (
        <p className="jp-nbalign-empty-lead">
          Open a notebook to see its business objective and progress.
        </p>
      )}
      {props.kind === 'not-loaded' && (
        <>
          <p className="jp-nbalign-empty-lead">
            nbalign is not loaded in this notebook: load it, then state the
            objective the notebook exists for.
          </p>
          <Step n={1} text="In a cell, run" code="%load_ext nbalign" />
          <Step n={2} text="Then a cell that starts with" code="%%objective <name>" />
        </>
      )}
      {props.kind === 'no-objective' && (
        <>
          <p className="jp-nbalign-empty-lead">
            nbalign is loaded, but no objective is declared yet. Say what this
            notebook is for in a cell like:
          </p>
          <pre className="jp-nbalign-code">{OBJECTIVE_EXAMPLE}</pre>
        </>
      )}
    </div>
  );
}

function Step(props: { n: number; text: string; code: string }): JSX.Element {
  return (
    <div className="jp-nbalign-step">
      <span className="jp-nbalign-step-number">{props.n}</span>
      <div className="jp-nbalign-step-body">
        <div className="jp-nbalign-step-text">{props.text}</div>
        <code className="jp-nbalign-code">{props.code}</code>
      </div>
    </div>
  );
}
