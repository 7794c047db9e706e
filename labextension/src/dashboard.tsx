/**
 * One notebook's objective and progress, read at a glance: the outcome and
 * KPI it serves, the metric's progress from baseline to target, the best
 * model, the latest banner and every evaluation.
 *
 * All user text goes into React text nodes, never HTML.
 */
import * as React from 'react';

import {
  barPercent,
  changeTone,
  directionText,
  formatChange,
  formatPercent,
  formatScore,
  formatTime,
  kpiLine
} from './format';
import { IAlignState } from './model';
import { IDiagnostic, IEvaluation, IObjective, ISummary } from './protocol';

export function Dashboard(props: { state: IAlignState }): JSX.Element | null {
  const { objective, evaluations, summary, live, savedAt } = props.state;
  if (!objective) {
    return null;
  }
  return (
    <div className="jp-nbalign-dashboard" data-testid="nbalign-dashboard" data-live={live}>
      {!live && (
        <div className="jp-nbalign-saved-note" data-testid="nbalign-saved-note">
          saved {formatTime(savedAt)}, not live: run <code>%load_ext nbalign</code>
        </div>
      )}
      <ObjectiveSection objective={objective} live={live} />
      <ProgressSection objective={objective} summary={summary} />
      {summary?.banner && <Banner diagnostic={summary.banner} />}
      <EvaluationList
        objective={objective}
        evaluations={evaluations}
        bestId={summary?.best?.id ?? null}
        minGain={summary?.min_gain}
      />
    </div>
  );
}

function ObjectiveSection(props: { objective: IObjective; live: boolean }): JSX.Element {
  const { objective } = props;
  const kpi = objective.kpi;
  const line = kpi ? kpiLine(kpi) : '';
  return (
    <section className="jp-nbalign-section jp-nbalign-objective">
      <div className="jp-nbalign-objective-head">
        <span className="jp-nbalign-objective-name" data-testid="nbalign-objective-name">
          {objective.name}
        </span>
        <span className="jp-nbalign-version">v{objective.version}</span>
        <span
          className="jp-nbalign-status"
          data-testid="nbalign-status"
          data-live={props.live}
          title={props.live ? 'Fed by the running kernel' : 'From the notebook file; no kernel feeds it'}
        >
          {props.live ? 'live' : 'saved'}
        </span>
      </div>
      {objective.outcome && (
        <p className="jp-nbalign-outcome" data-testid="nbalign-outcome">
          {objective.outcome}
        </p>
      )}
      {kpi && (
        <div className="jp-nbalign-kpi" data-testid="nbalign-kpi">
          <div className="jp-nbalign-label">KPI</div>
          <div className="jp-nbalign-kpi-name">{kpi.name}</div>
          {line && <div className="jp-nbalign-kpi-line">{line}</div>}
          {kpi.owner && (
            <div className="jp-nbalign-kpi-owner">owner: {String(kpi.owner)}</div>
          )}
        </div>
      )}
    </section>
  );
}

function ProgressSection(props: {
  objective: IObjective;
  summary: ISummary | null;
}): JSX.Element {
  const { objective, summary } = props;
  const metric = objective.metric;
  const progress = summary?.progress ?? null;
  const percent = formatPercent(progress);
  const width = barPercent(progress);
  const tone =
    progress === null ? 'none' : progress >= 1 ? 'reached' : progress < 0 ? 'below' : 'on-way';
  const baseline = summary?.baseline ?? objective.baseline.value ?? null;
  const target = summary?.target ?? objective.target;
  const best = summary?.best ?? null;
  return (
    <section className="jp-nbalign-section jp-nbalign-metric" data-testid="nbalign-metric">
      <div className="jp-nbalign-metric-head">
        <span className="jp-nbalign-metric-label" title={metric.scorer}>
          {metric.label}
        </span>
        <span className="jp-nbalign-direction">{directionText(metric)}</span>
        <span className="jp-nbalign-percent" data-tone={tone} data-testid="nbalign-progress-percent">
          {percent}
        </span>
      </div>
      <div
        className="jp-nbalign-progress"
        data-testid="nbalign-progress"
        data-tone={tone}
        role="progressbar"
        aria-label="Progress from baseline to target"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(width)}
        aria-valuetext={`${percent} of the way from baseline to target`}
        title={`${percent} of the way from baseline (0%) to target (100%)`}
      >
        <div className="jp-nbalign-progress-fill" style={{ width: `${width}%` }} />
      </div>
      <div className="jp-nbalign-ends">
        <span>
          <span className="jp-nbalign-label">baseline</span> {formatScore(baseline)}
        </span>
        <span>
          <span className="jp-nbalign-label">target</span> {formatScore(target)}
        </span>
      </div>
      <div className="jp-nbalign-best" data-testid="nbalign-best">
        <span className="jp-nbalign-label">best</span>
        {best ? (
          <>
            <span className="jp-nbalign-best-name" title={best.name}>
              {best.name}
            </span>
            <span className="jp-nbalign-score">{formatScore(best.score)}</span>
          </>
        ) : (
          <span className="jp-nbalign-muted">no evaluation yet</span>
        )}
      </div>
    </section>
  );
}

function Banner(props: { diagnostic: IDiagnostic }): JSX.Element {
  const { code, level, title, message } = props.diagnostic;
  return (
    <section
      className="jp-nbalign-banner"
      data-testid="nbalign-banner"
      data-level={level}
      role={level === 'warning' ? 'alert' : 'status'}
    >
      <div className="jp-nbalign-banner-head">
        <span className="jp-nbalign-code-badge" data-level={level}>
          {code}
        </span>
        <span className="jp-nbalign-banner-title">{title}</span>
      </div>
      <div className="jp-nbalign-banner-message">{message}</div>
    </section>
  );
}

function EvaluationList(props: {
  objective: IObjective;
  evaluations: readonly IEvaluation[];
  bestId: number | null;
  minGain?: number | null;
}): JSX.Element {
  const { objective, evaluations, bestId } = props;
  const minGain = props.minGain ?? objective.stop.min_gain;
  return (
    <section className="jp-nbalign-section" data-testid="nbalign-evaluations">
      <div className="jp-nbalign-list-head">
        <span className="jp-nbalign-list-title">
          <span className="jp-nbalign-label">evaluations</span>
          <span className="jp-nbalign-count">{evaluations.length}</span>
        </span>
        <span className="jp-nbalign-column" title={objective.metric.label}>
          score
        </span>
        <span className="jp-nbalign-column">vs best</span>
      </div>
      {evaluations.length === 0 ? (
        <div className="jp-nbalign-muted jp-nbalign-none">
          No model evaluated yet: <code>%evaluate model</code>
        </div>
      ) : (
        <ol className="jp-nbalign-evaluations">
          {evaluations.map(evaluation => (
            <EvaluationRow
              key={evaluation.id}
              evaluation={evaluation}
              isBest={evaluation.id === bestId}
              greaterIsBetter={objective.metric.greater_is_better}
              minGain={minGain}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

function EvaluationRow(props: {
  evaluation: IEvaluation;
  isBest: boolean;
  greaterIsBetter: boolean;
  minGain: number | null;
}): JSX.Element {
  const { evaluation, isBest } = props;
  const verdict = evaluation.verdict;
  const isBaseline = evaluation.role === 'baseline';
  const tone = changeTone(verdict.change_vs_best, props.greaterIsBetter, props.minGain);
  const changeTitle =
    verdict.best_before === null
      ? 'The first evaluation: nothing to compare with'
      : `Against the best before it: ${formatScore(verdict.best_before)}`;
  return (
    <li
      className="jp-nbalign-evaluation"
      data-testid="nbalign-evaluation"
      data-best={isBest}
      data-role={evaluation.role ?? 'model'}
      title={evaluation.estimator}
    >
      <span className="jp-nbalign-marker" aria-label={isBest ? 'best' : undefined}>
        {isBest ? '\u2605' : ''}
      </span>
      <span className="jp-nbalign-evaluation-name">
        <span className="jp-nbalign-name-text" data-testid="nbalign-evaluation-name">
          {evaluation.name}
        </span>
        {isBaseline && (
          <span className="jp-nbalign-role-badge" title="The baseline every model is measured against">
            baseline
          </span>
        )}
        {verdict.diagnostics.map(d => (
          <span
            key={d.code}
            className="jp-nbalign-code-badge"
            data-level={d.level}
            data-testid="nbalign-diagnostic"
            title={`${d.title}: ${d.message}`}
          >
            {d.code}
          </span>
        ))}
      </span>
      <span className="jp-nbalign-score" data-testid="nbalign-evaluation-score">
        {formatScore(evaluation.score)}
      </span>
      <span className="jp-nbalign-change" data-tone={tone} title={changeTitle}>
        {isBaseline ? '' : formatChange(verdict.change_vs_best)}
      </span>
    </li>
  );
}
