/**
 * One notebook's standing, read at a glance: the outcome and KPI it serves,
 * the business story in one line, the metric's progress from baseline to
 * target, what it means for the business when the kernel projects it (the
 * KPI's progress, the expected value), the best candidate and the model to
 * ship, what was decided (the model shipped, the KPI realized since), the
 * banner and the evaluations as the kernel judged them.
 *
 * It renders the kernel's view model and nothing else: verdicts and their
 * words, tones, the rows set apart, the best, the model to ship and the summary
 * come from the kernel, and no number here is judged again. All user text goes
 * into React text nodes, never HTML.
 *
 * Where the kernel knows the notebook cell that produced an evaluation, the
 * chart's point and the row's detail take the user to it (`onGoToCell`, given
 * by the panel, which knows the notebook).
 */
import * as React from 'react';

import { Chart } from './chart';

import {
  agreementChangedText,
  barPercent,
  baselineClaim,
  directionText,
  formatChange,
  formatClaimDifference,
  formatDifference,
  formatPercent,
  formatPercentEnds,
  formatPercentInterval,
  formatScore,
  formatTextInterval,
  formatTime,
  intervalLabel,
  isApart,
  kpiLine,
  modelsComparedText,
  notRecommendedText,
  realizedLine,
  shippedDetails,
  shippedLine,
  shippedVersionNote,
  testText,
  verdictWord
} from './format';
import { IAlignState } from './model';
import {
  DEFAULT_CONFIDENCE,
  IBanner,
  IBaselineClaim,
  IBest,
  IBusiness,
  IBusinessKpi,
  IBusinessValue,
  ICheck,
  IDecision,
  IDifference,
  IObjective,
  IRealized,
  IRealizedFinding,
  IRow,
  IRowBusiness,
  IShip,
  IShipped,
  IStanding,
  ISummary
} from './protocol';

/** Scroll the notebook to the cell of this id; false when it has no such cell any more. */
export type GoToCell = (cellId: string) => boolean;

export function Dashboard(props: { state: IAlignState; onGoToCell?: GoToCell }): JSX.Element | null {
  const { standing, live, savedAt } = props.state;
  if (!standing) {
    return null;
  }
  const { objective, summary } = standing;
  return (
    <div className="jp-nbalign-dashboard" data-testid="nbalign-dashboard" data-live={live}>
      {!live && (
        <div className="jp-nbalign-saved-note" data-testid="nbalign-saved-note">
          saved {formatTime(savedAt)}, not live: run <code>%load_ext nbalign</code>
        </div>
      )}
      <ObjectiveSection objective={objective} live={live} statement={standing.kpi_statement ?? null} />
      {(standing.findings ?? []).map(finding => (
        <Banner key={finding.code} banner={finding} testid="nbalign-objective-finding" />
      ))}
      <ProgressSection
        objective={objective}
        summary={summary}
        decision={standing.decision ?? null}
        checks={standing.checks}
      />
      {summary.banner && <Banner banner={summary.banner} />}
      <Chart standing={standing} onGoToCell={props.onGoToCell} />
      <EvaluationList standing={standing} onGoToCell={props.onGoToCell} />
    </div>
  );
}

function ObjectiveSection(props: {
  objective: IObjective;
  live: boolean;
  statement: string | null;
}): JSX.Element {
  const { objective, statement } = props;
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
          title={props.live ? 'Fed by the running kernel' : 'The last state known; no kernel feeds it'}
        >
          {props.live ? 'live' : 'saved'}
        </span>
      </div>
      {objective.outcome && (
        <p className="jp-nbalign-outcome" data-testid="nbalign-outcome">
          {objective.outcome}
        </p>
      )}
      {objective.why && (
        <p className="jp-nbalign-muted jp-nbalign-objective-why" data-testid="nbalign-objective-why">
          <span className="jp-nbalign-label">why v{objective.version}</span> {objective.why}
        </p>
      )}
      {kpi && (
        <div className="jp-nbalign-kpi" data-testid="nbalign-kpi">
          <div className="jp-nbalign-label">KPI</div>
          {statement ? (
            // the kernel's sentence says it all: direction, values, deadline, time left, who
            <div className="jp-nbalign-kpi-statement" data-testid="nbalign-kpi-statement">
              {statement}
            </div>
          ) : (
            <div className="jp-nbalign-kpi-name">{kpi.name}</div>
          )}
          {line && <div className="jp-nbalign-kpi-line">{line}</div>}
          {!statement && kpi.owner && (
            <div className="jp-nbalign-kpi-owner">owner: {String(kpi.owner)}</div>
          )}
        </div>
      )}
    </section>
  );
}

function ProgressSection(props: {
  objective: IObjective;
  summary: ISummary;
  decision: IDecision | null;
  checks: Record<string, ICheck>;
}): JSX.Element {
  const { objective, summary, decision } = props;
  const metric = objective.metric;
  const confidence = summary.confidence ?? DEFAULT_CONFIDENCE;
  const business = summary.business ?? null;
  return (
    <section className="jp-nbalign-section jp-nbalign-metric" data-testid="nbalign-metric">
      {summary.story && (
        // what a VP reads first: what shipping the recommended model does to the KPI
        <p className="jp-nbalign-story" data-testid="nbalign-story">
          {summary.story}
        </p>
      )}
      {decision && <Decision decision={decision} checks={props.checks} />}
      <ProgressMeter
        progress={summary.progress}
        interval={summary.progress_interval ?? null}
        // the best's claim over the baseline may be widened for the models it was chosen from
        intervalLabel={summary.progress_interval_label ?? intervalLabel(confidence)}
        ariaLabel="Progress from baseline to target"
        span={['baseline', 'target']}
        testids={METRIC_METER}
      >
        <span className="jp-nbalign-metric-label" title={metric.scorer}>
          {metric.label}
        </span>
        <span className="jp-nbalign-direction">{directionText(metric)}</span>
      </ProgressMeter>
      <div className="jp-nbalign-ends">
        <span>
          <span className="jp-nbalign-label">baseline</span> {formatScore(summary.baseline)}
        </span>
        <span>
          <span className="jp-nbalign-label">target</span> {formatScore(summary.target)}
        </span>
      </div>
      {business?.derivation && (
        <div className="jp-nbalign-muted jp-nbalign-derivation" data-testid="nbalign-target-derivation">
          {business.derivation}
        </div>
      )}
      {business && (business.kpi || business.value) && (
        <BusinessFigures business={business} confidence={confidence} />
      )}
      <Best best={summary.best} />
      {summary.ship && <Ship ship={summary.ship} />}
      {summary.best_vs_baseline && (
        <Claim claim={summary.best_vs_baseline} confidence={confidence} />
      )}
      {typeof summary.models_compared === 'number' && summary.models_compared > 0 && (
        <div className="jp-nbalign-muted jp-nbalign-compared" data-testid="nbalign-models-compared">
          {modelsComparedText(summary.models_compared)}
        </div>
      )}
    </section>
  );
}

/**
 * The best candidate, as the kernel decided it: the best model, or the
 * baseline model while no model scores above it (then it says so).
 */
function Best(props: { best: IBest | null }): JSX.Element {
  const { best } = props;
  if (!best) {
    return (
      <div className="jp-nbalign-candidate" data-testid="nbalign-best">
        <span className="jp-nbalign-label">best</span>
        <span className="jp-nbalign-muted">no evaluation yet</span>
      </div>
    );
  }
  return (
    <Candidate
      label="best"
      testid="nbalign-best"
      name={best.name}
      score={best.score}
      why={best.role === 'baseline' ? 'no model scores above the baseline' : null}
    />
  );
}

/** The model to ship, as the kernel decided it (what the banner and `%nbalign recommend` name), and why. */
function Ship(props: { ship: IShip }): JSX.Element {
  const { ship } = props;
  return <Candidate label="ship" testid="nbalign-ship" name={ship.name} score={ship.score} why={ship.reason} />;
}

/** One named model of the summary: "best  forest  0.497", and under the name why, when there is more to say. */
function Candidate(props: {
  label: string;
  testid: string;
  name: string;
  score: number;
  why: string | null;
}): JSX.Element {
  return (
    <div className="jp-nbalign-candidate" data-testid={props.testid}>
      <span className="jp-nbalign-label">{props.label}</span>
      <span className="jp-nbalign-candidate-name" title={props.name}>
        {props.name}
      </span>
      <span className="jp-nbalign-score">{formatScore(props.score)}</span>
      {props.why && <span className="jp-nbalign-muted jp-nbalign-candidate-why">{props.why}</span>}
    </div>
  );
}

/** The data-testids of one progress meter's percent, interval text and bar. */
interface IMeterTestIds {
  percent: string;
  interval: string;
  bar: string;
}

const METRIC_METER: IMeterTestIds = {
  percent: 'nbalign-progress-percent',
  interval: 'nbalign-progress-interval',
  bar: 'nbalign-progress'
};

const KPI_METER: IMeterTestIds = {
  percent: 'nbalign-kpi-progress-percent',
  interval: 'nbalign-kpi-progress-interval',
  bar: 'nbalign-kpi-progress-bar'
};

/**
 * A progress from 0% to 100%, read at a glance: a head (the caller's label
 * and, on the right, the true percent, then its interval under `intervalLabel`),
 * the bar filled to it (clamped, toned below / on-way / reached), and the
 * interval's whisker under the bar. The metric (baseline to target) and the KPI
 * (current value to target) share it. `span` names the two ends, for the
 * tooltip and screen readers.
 */
function ProgressMeter(props: {
  progress: number | null;
  interval: [number, number] | null;
  intervalLabel: string;
  ariaLabel: string;
  span: [string, string];
  testids: IMeterTestIds;
  children: React.ReactNode;
}): JSX.Element {
  const { progress, interval, testids } = props;
  const [from, to] = props.span;
  const percent = formatPercent(progress);
  const width = barPercent(progress);
  const tone = progressTone(progress);
  const intervalText = interval ? formatPercentInterval(interval, props.intervalLabel) : '';
  const reading = intervalText ? `${percent} (${intervalText})` : percent;
  return (
    <>
      <div className="jp-nbalign-metric-head">
        {props.children}
        <span className="jp-nbalign-percent" data-tone={tone} data-testid={testids.percent} title={reading}>
          {percent}
        </span>
        {intervalText && (
          // a label too long for the line leaves the ends a line of their own, never half of it
          <span className="jp-nbalign-percent-interval" data-testid={testids.interval}>
            <span className="jp-nbalign-percent-interval-label">{`${props.intervalLabel} `}</span>
            <span className="jp-nbalign-percent-interval-ends">{formatPercentEnds(interval)}</span>
          </span>
        )}
      </div>
      <div
        className="jp-nbalign-progress"
        data-testid={testids.bar}
        data-tone={tone}
        role="progressbar"
        aria-label={props.ariaLabel}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(width)}
        aria-valuetext={`${reading} of the way from ${from} to ${to}`}
        title={`${reading} of the way from ${from} (0%) to ${to} (100%)`}
      >
        <div className="jp-nbalign-progress-fill" style={{ width: `${width}%` }} />
      </div>
      {interval && <ProgressInterval interval={interval} />}
    </>
  );
}

/** Where a progress stands: none, below its start, on its way, or at its end and past. */
function progressTone(progress: number | null): 'none' | 'below' | 'on-way' | 'reached' {
  if (progress === null) {
    return 'none';
  }
  return progress >= 1 ? 'reached' : progress < 0 ? 'below' : 'on-way';
}

/**
 * What the metric means for the business, as the kernel projected it: the KPI's
 * progress from its current value to its target with the best model, and the
 * value that model is expected to bring. Every figure is the kernel's text.
 */
function BusinessFigures(props: { business: IBusiness; confidence: number }): JSX.Element {
  const { kpi, value } = props.business;
  return (
    <div className="jp-nbalign-business">
      {kpi && <KpiProgress kpi={kpi} confidence={props.confidence} />}
      {value && <BusinessValue value={value} />}
    </div>
  );
}

/**
 * The KPI's progress on the metric's meter: its name across the top, then
 * "26.5% → 24.1%" and "target 22%" beside the percent (where the metric says
 * its direction), the bar, and under it the model and the projection's
 * interval in the KPI's units; with an effect stated as a range, the
 * projection over it too: "95% CI 22.1% to 22.9% for the recall · 20.7% to
 * 24.1% with the effect 20% to 40%".
 */
function KpiProgress(props: { kpi: IBusinessKpi; confidence: number }): JSX.Element {
  const { kpi, confidence } = props;
  const parts = [`projected with ${kpi.model}`];
  if (kpi.projected_interval) {
    const forRecall = kpi.projected_range ? ' for the recall' : '';
    parts.push(`${formatTextInterval(kpi.projected_interval, confidence)}${forRecall}`);
  }
  if (kpi.projected_range) {
    const [low, high] = kpi.projected_range;
    parts.push(`${low} to ${high} with the effect ${kpi.effect_range ?? ''}`.trim());
  }
  const note = parts.join(' \u00b7 ');
  return (
    <div className="jp-nbalign-kpi-progress" data-testid="nbalign-kpi-progress">
      <ProgressMeter
        progress={kpi.progress}
        interval={kpi.progress_interval}
        intervalLabel={intervalLabel(confidence)}
        ariaLabel="KPI progress from its current value to its target"
        span={["the KPI's current value", 'its target']}
        testids={KPI_METER}
      >
        <span className="jp-nbalign-kpi-progress-name">
          <span className="jp-nbalign-label">KPI</span> {kpi.name}
        </span>
        <span className="jp-nbalign-kpi-move" title={kpi.text}>
          {`${kpi.current} \u2192 `}
          <span className="jp-nbalign-kpi-projected" data-testid="nbalign-kpi-projected">
            {kpi.projected}
          </span>
        </span>
        <span className="jp-nbalign-direction">target {kpi.target}</span>
      </ProgressMeter>
      <div className="jp-nbalign-muted jp-nbalign-kpi-note">{note}</div>
    </div>
  );
}

/** The value the model is expected to bring: "forest: $149k per quarter ($12.40 per case), ...". */
function BusinessValue(props: { value: IBusinessValue }): JSX.Element {
  const { value } = props;
  return (
    <div
      className="jp-nbalign-business-value"
      data-testid="nbalign-business-value"
      title={value.rule ? `assuming: ${value.rule}` : undefined}
    >
      <span className="jp-nbalign-label">value</span>{' '}
      {value.text || value.per_period || value.per_case}
    </div>
  );
}

/**
 * The progress interval drawn under the bar, on its scale (0% to 100%): a
 * whisker whose open end says it runs on past the bar.
 */
function ProgressInterval(props: { interval: [number, number] }): JSX.Element {
  const [low, high] = props.interval.map(barPercent);
  return (
    <div className="jp-nbalign-progress-ci" aria-hidden="true">
      <span
        className="jp-nbalign-progress-ci-range"
        data-open-low={props.interval[0] < 0}
        data-open-high={props.interval[1] > 1}
        style={{ left: percentOf(low), width: percentOf(high - low) }}
      />
    </div>
  );
}

/** What the best model's test against the baseline lets one claim, correction named. */
function Claim(props: { claim: IBaselineClaim; confidence: number }): JSX.Element {
  const { claim, confidence } = props;
  const { text, tone } = baselineClaim(claim);
  return (
    <div className="jp-nbalign-claim" data-testid="nbalign-claim">
      <div className="jp-nbalign-claim-text" data-tone={tone}>
        {text}
      </div>
      <div className="jp-nbalign-claim-difference">{formatClaimDifference(claim, confidence)}</div>
      <div className="jp-nbalign-muted jp-nbalign-test">
        adjusted {testText({ ...claim, p_value: claim.p_adjusted })}
      </div>
    </div>
  );
}

/**
 * What was decided about the objective, as the kernel recorded it, under the
 * story: a warning line when the objective changed after it was agreed, and
 * the model shipped with what it was projected to do and the KPI realized
 * since. Nothing before anything is shipped or while an agreement holds.
 */
function Decision(props: { decision: IDecision; checks: Record<string, ICheck> }): JSX.Element | null {
  const { agreements, shipped, realized } = props.decision;
  const changed = agreementChangedText(agreements);
  if (!shipped && !changed) {
    return null;
  }
  return (
    <div className="jp-nbalign-decision" data-testid="nbalign-decision">
      {changed && (
        <div className="jp-nbalign-decision-warning" data-testid="nbalign-agreement-changed" role="status">
          {changed}
        </div>
      )}
      {shipped && <Shipped shipped={shipped} realized={realized} checks={props.checks} />}
    </div>
  );
}

/**
 * The model shipped, as judged when it was shipped: "SHIPPED gbm · v2 · Dec 7,
 * 2026 by ana", why when it is not the recommended model, its projection, then
 * each KPI realized since with the checks that applied to it, as banners.
 */
function Shipped(props: {
  shipped: IShipped;
  realized: IRealized[];
  checks: Record<string, ICheck>;
}): JSX.Element {
  const { shipped, realized, checks } = props;
  const notRecommended = notRecommendedText(shipped);
  const earlier = shippedVersionNote(shipped);
  return (
    <div className="jp-nbalign-shipped" data-testid="nbalign-shipped">
      <div className="jp-nbalign-shipped-head" data-testid="nbalign-shipped-head" title={shippedLine(shipped)}>
        <span className="jp-nbalign-label">Shipped</span>{' '}
        <span className="jp-nbalign-shipped-name">{shipped.name}</span>
        {` \u00b7 ${shippedDetails(shipped)}`}
      </div>
      {notRecommended && (
        <div className="jp-nbalign-shipped-note" data-testid="nbalign-shipped-not-recommended">
          {notRecommended}
        </div>
      )}
      {earlier && (
        <div className="jp-nbalign-shipped-note" data-testid="nbalign-shipped-earlier">
          {earlier}
        </div>
      )}
      {shipped.projection && (
        <div className="jp-nbalign-muted" data-testid="nbalign-shipped-projection">
          {shipped.projection}
        </div>
      )}
      {realized.length > 0 && (
        <ul className="jp-nbalign-realized">
          {realized.map((measured, index) => (
            <li key={`${index}-${measured.on}`} className="jp-nbalign-realized-item" data-testid="nbalign-realized">
              <div className="jp-nbalign-realized-line" data-testid="nbalign-realized-line">
                {realizedLine(measured)}
              </div>
              {measured.findings.map(finding => (
                <Banner
                  key={finding.code}
                  banner={findingBanner(finding, checks)}
                  testid="nbalign-realized-finding"
                />
              ))}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A realized KPI's finding as a banner: its code and message, with the level, title and explanation `checks` give its code. */
function findingBanner(finding: IRealizedFinding, checks: Record<string, ICheck>): IBanner {
  const check = checks[finding.code];
  return {
    code: finding.code,
    message: finding.message,
    level: check?.level ?? 'info',
    title: check?.title ?? '',
    explanation: check?.explanation ?? ''
  };
}

/** A check that applied: its code, title and message, and why (the check's explanation). */
function Banner(props: { banner: IBanner; testid?: string }): JSX.Element {
  const { code, level, title, message, explanation } = props.banner;
  return (
    <section
      className="jp-nbalign-banner"
      data-testid={props.testid ?? 'nbalign-banner'}
      data-level={level}
      role={level === 'warning' ? 'alert' : 'status'}
    >
      <div className="jp-nbalign-banner-head">
        <span className="jp-nbalign-code-badge" data-level={level}>
          {code}
        </span>
        {title && <span className="jp-nbalign-banner-title">{title}</span>}
      </div>
      <div className="jp-nbalign-banner-message">{message}</div>
      {explanation && (
        <details className="jp-nbalign-why" data-testid="nbalign-banner-why">
          <summary>why</summary>
          <div className="jp-nbalign-why-text">{explanation}</div>
        </details>
      )}
    </section>
  );
}

function EvaluationList(props: { standing: IStanding; onGoToCell?: GoToCell }): JSX.Element {
  const { objective, summary, rows, rows_total, checks } = props.standing;
  // Rows of another metric (an older objective version) cannot be compared:
  // they are listed apart, never starred.
  const judged = rows.filter(row => row.verdict !== 'other_metric');
  const others = rows.filter(row => row.verdict === 'other_metric');
  const omitted = rows_total - rows.length;
  const bestId = summary.best?.id ?? null;
  const confidence = summary.confidence ?? DEFAULT_CONFIDENCE;
  // One scale for every row's interval bar, so their widths compare.
  const extent = Math.max(
    0,
    ...judged.flatMap(row => (row.vs_best ? [Math.abs(row.vs_best.low), Math.abs(row.vs_best.high)] : []))
  );
  return (
    <section className="jp-nbalign-section" data-testid="nbalign-evaluations">
      <div className="jp-nbalign-list-head">
        <span className="jp-nbalign-list-title">
          <span className="jp-nbalign-label">evaluations</span>
          <span
            className="jp-nbalign-count"
            title={`${summary.n_models} ${summary.n_models === 1 ? 'model' : 'models'} judged on ${objective.metric.label}`}
          >
            {summary.n_models}
          </span>
        </span>
        <span className="jp-nbalign-column" title={objective.metric.label}>
          score
        </span>
        <span
          className="jp-nbalign-column"
          title="Each model's change against the best candidate before it (the baseline model counts)"
        >
          vs best before
        </span>
      </div>
      {omitted > 0 && (
        <div className="jp-nbalign-muted jp-nbalign-omitted" data-testid="nbalign-rows-omitted">
          {omitted} earlier {omitted === 1 ? 'evaluation' : 'evaluations'} not shown (
          <code>%nbalign plot</code> shows all)
        </div>
      )}
      {judged.length === 0 ? (
        <div className="jp-nbalign-muted jp-nbalign-none">
          No model evaluated yet: <code>%evaluate model</code>
        </div>
      ) : (
        <ol className="jp-nbalign-evaluations">
          {judged.map(row => (
            <EvaluationRow
              key={row.id}
              row={row}
              isBest={row.id === bestId}
              checks={checks}
              confidence={confidence}
              extent={extent}
              onGoToCell={props.onGoToCell}
            />
          ))}
        </ol>
      )}
      {others.length > 0 && <OtherMetricList rows={others} />}
    </section>
  );
}

/**
 * One evaluation: a line (name with the verdict in words under it, score,
 * change against the best before it with its interval bar) that opens on what
 * the kernel tested and found: the verdict with its interval, p-value and
 * method, the same against the baseline, and the checks that applied. The
 * baseline's row and rows set apart are not compared: no change shows.
 */
function EvaluationRow(props: {
  row: IRow;
  isBest: boolean;
  checks: Record<string, ICheck>;
  confidence: number;
  extent: number;
  onGoToCell?: GoToCell;
}): JSX.Element {
  const { row, isBest, checks, confidence, extent } = props;
  const compared = isCompared(row);
  return (
    <li
      className="jp-nbalign-evaluation"
      data-testid="nbalign-evaluation"
      data-best={isBest}
      data-role={row.role}
      data-apart={isApart(row)}
      title={row.estimator}
    >
      <details className="jp-nbalign-evaluation-details">
        <summary className="jp-nbalign-evaluation-line">
          <span className="jp-nbalign-marker" aria-label={isBest ? 'best' : undefined}>
            {isBest ? '\u2605' : ''}
          </span>
          <span className="jp-nbalign-evaluation-name">
            <span className="jp-nbalign-name-text" data-testid="nbalign-evaluation-name">
              {row.name}
            </span>
            <span className="jp-nbalign-word" data-testid="nbalign-evaluation-word" data-tone={row.tone}>
              {verdictWord(row)}
            </span>
          </span>
          <span className="jp-nbalign-score" data-testid="nbalign-evaluation-score">
            {formatScore(row.score)}
          </span>
          <span
            className="jp-nbalign-change"
            data-tone={row.tone}
            data-verdict={row.verdict}
            title={verdictText(row, confidence)}
          >
            {compared ? formatChange(row.change_vs_best) : ''}
            {compared && row.vs_best && extent > 0 && <IntervalBar difference={row.vs_best} extent={extent} />}
          </span>
        </summary>
        <EvaluationDetail row={row} checks={checks} confidence={confidence} onGoToCell={props.onGoToCell} />
      </details>
    </li>
  );
}

/** A model's row in the comparison: neither the baseline's nor set apart. */
function isCompared(row: IRow): boolean {
  return row.role !== 'baseline' && !isApart(row);
}

/**
 * A small forest plot of a difference: the interval and its estimate on a scale
 * from −extent to +extent, zero marked in the middle. Its words are in the
 * cell's title and the row's detail.
 */
function IntervalBar(props: { difference: IDifference; extent: number }): JSX.Element {
  const { difference, extent } = props;
  const at = (value: number): number => Math.min(100, Math.max(0, 50 + (value / extent) * 50));
  const low = at(difference.low);
  return (
    <span className="jp-nbalign-ci" data-testid="nbalign-interval-bar" aria-hidden="true">
      <span className="jp-nbalign-ci-zero" />
      <span
        className="jp-nbalign-ci-range"
        style={{ left: percentOf(low), width: percentOf(at(difference.high) - low) }}
      />
      <span className="jp-nbalign-ci-point" style={{ left: percentOf(at(difference.estimate)) }} />
    </span>
  );
}

/**
 * The row opened: the verdict and the baseline comparison in words, with how
 * each was tested, and the checks that applied.
 */
function EvaluationDetail(props: {
  row: IRow;
  checks: Record<string, ICheck>;
  confidence: number;
  onGoToCell?: GoToCell;
}): JSX.Element {
  const { row, confidence } = props;
  const word = verdictWord(row);
  const isBaseline = row.role === 'baseline';
  const vsBaseline = row.vs_baseline ?? null;
  // compared with the baseline model as the best before it: the verdict says the baseline comparison
  const againstBaselineModel = isCompared(row) && row.best_before_role === 'baseline';
  return (
    <div className="jp-nbalign-evaluation-detail" data-testid="nbalign-evaluation-detail">
      <div className="jp-nbalign-comparison">
        <span className="jp-nbalign-verdict" data-tone={row.tone}>
          {word}
        </span>
        {isBaseline
          ? ': the floor every model is measured against'
          : isApart(row)
            ? ': set apart from the comparison, never the best'
            : verdictText(row, confidence).slice(word.length)}
        {isCompared(row) && row.vs_best && <TestLine difference={row.vs_best} />}
      </div>
      {!isBaseline && !againstBaselineModel && (vsBaseline || row.change_vs_baseline !== null) && (
        <div className="jp-nbalign-comparison" data-testid="nbalign-vs-baseline">
          against the baseline:{' '}
          {formatDifference(row.change_vs_baseline, vsBaseline, confidence)}
          {vsBaseline && <TestLine difference={vsBaseline} />}
        </div>
      )}
      <RowFindings row={row} checks={props.checks} />
      {row.business && <RowBusiness business={row.business} />}
      <div className="jp-nbalign-detail-foot">
        <code className="jp-nbalign-estimator">{row.estimator}</code>
        {row.cell_id && props.onGoToCell && (
          <GoToCellButton cellId={row.cell_id} name={row.name} onGoToCell={props.onGoToCell} />
        )}
      </div>
    </div>
  );
}

/**
 * "go to cell": scrolls the notebook to the cell that produced the row and
 * makes it the active cell; says so when the cell is gone.
 */
function GoToCellButton(props: { cellId: string; name: string; onGoToCell: GoToCell }): JSX.Element {
  const [missing, setMissing] = React.useState(false);
  return (
    <button
      type="button"
      className="jp-nbalign-goto"
      data-testid="nbalign-row-goto"
      data-missing={missing}
      title={
        missing
          ? 'The cell that produced it is no longer in the notebook'
          : `Scroll the notebook to the cell that evaluated ${props.name}`
      }
      onClick={() => setMissing(!props.onGoToCell(props.cellId))}
    >
      {missing ? 'cell not found' : 'go to cell'}
    </button>
  );
}

/** A row's business figures, when the kernel projected them: "Projected KPI 24.1% · Value $149k per quarter". */
function RowBusiness(props: { business: IRowBusiness }): JSX.Element | null {
  const { projected_kpi, value } = props.business;
  if (!projected_kpi && !value) {
    return null;
  }
  return (
    <div className="jp-nbalign-row-business" data-testid="nbalign-row-business">
      {projected_kpi && (
        <span className="jp-nbalign-row-figure">
          <span className="jp-nbalign-row-figure-name">Projected KPI</span> {projected_kpi}
        </span>
      )}
      {value && (
        <span className="jp-nbalign-row-figure">
          <span className="jp-nbalign-row-figure-name">Value</span> {value}
        </span>
      )}
    </div>
  );
}

/** A CSS percentage, to a hundredth: a finer position is no pixel of a sidebar. */
function percentOf(value: number): string {
  return `${Math.round(value * 100) / 100}%`;
}

function TestLine(props: { difference: IDifference }): JSX.Element {
  return <div className="jp-nbalign-muted jp-nbalign-test">{testText(props.difference)}</div>;
}

/**
 * The checks that applied to a row, in words, the most important first: each
 * check's title with its code beside it, then the kernel's message about this
 * row (the check's explanation in its tooltip), or for a standing saved before
 * the kernel sent messages, the explanation. A code the standing does not
 * explain still shows.
 */
function RowFindings(props: { row: IRow; checks: Record<string, ICheck> }): JSX.Element | null {
  const { row, checks } = props;
  const findings = row.findings ?? row.codes.map(code => ({ code, message: null }));
  if (findings.length === 0) {
    return null;
  }
  return (
    <ul className="jp-nbalign-row-findings">
      {findings.map(({ code, message }) => {
        const check = checks[code];
        const text = message ?? check?.explanation;
        return (
          <li
            key={code}
            className="jp-nbalign-row-finding"
            data-testid="nbalign-diagnostic"
            data-level={check?.level ?? 'info'}
            title={message ? check?.explanation : undefined}
          >
            <span className="jp-nbalign-row-finding-title">{check?.title ?? code}</span>
            {check && (
              <>
                {' '}
                <code className="jp-nbalign-row-finding-code">{code}</code>
              </>
            )}
            {text && <div className="jp-nbalign-muted">{text}</div>}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * The verdict in words, with the model the change was measured against and,
 * when the kernel tested it, its interval: "better: +0.013 (95% CI +0.004 to
 * +0.030) against the best before it (logreg, 0.624)", or "... against the
 * baseline (linear baseline, 0.505)" while the baseline model is the best
 * before it. A standing saved before the kernel named that model gives its
 * score alone. The baseline's row and rows set apart are not compared: their
 * word alone.
 */
function verdictText(row: IRow, confidence: number): string {
  const word = verdictWord(row);
  if (!isCompared(row)) {
    return word;
  }
  if (row.best_before === null || row.change_vs_best === null) {
    return `${word}: nothing before it to compare with`;
  }
  const change = formatDifference(row.change_vs_best, row.vs_best, confidence);
  const score = formatScore(row.best_before);
  if (!row.best_before_name) {
    return `${word}: ${change} against the best before it, ${score}`;
  }
  const against = row.best_before_role === 'baseline' ? 'the baseline' : 'the best before it';
  return `${word}: ${change} against ${against} (${row.best_before_name}, ${score})`;
}

function OtherMetricList(props: { rows: IRow[] }): JSX.Element {
  return (
    <div className="jp-nbalign-others">
      <div className="jp-nbalign-label jp-nbalign-others-head">Scored with another metric</div>
      <ul className="jp-nbalign-other-evaluations">
        {props.rows.map(row => (
          <li
            key={row.id}
            className="jp-nbalign-other-evaluation"
            data-testid="nbalign-other-evaluation"
            title={`${row.estimator}: ${verdictWord(row)}, not compared`}
          >
            <span className="jp-nbalign-other-name">{row.name}</span>
            {` \u00b7 ${row.metric_label} \u00b7 v${row.version} \u00b7 `}
            <span className="jp-nbalign-score">{formatScore(row.score)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
