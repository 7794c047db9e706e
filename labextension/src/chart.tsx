/**
 * The evaluations as a chart, under the summary: each shipped row in order on
 * the x axis, its score as a dot toned as the kernel judged it, its interval as
 * a bar, the baseline and the target as labelled lines, and the best so far as
 * a step through the rows the kernel says became the best.
 *
 * Native SVG, drawn in pixels: the viewBox follows the width the sidebar gives
 * it (measured), so text and strokes stay their size and sharp at any width.
 * Every colour is a JupyterLab theme variable, set in style/base.css. It judges
 * nothing: tones, `became_best` and the intervals are the kernel's. Names are
 * React text and attributes, never markup.
 */
import * as React from 'react';

import { formatLevel, formatScore, formatScoreAxis, formatScoreInterval, VERDICT_WORDS } from './format';
import { DEFAULT_CONFIDENCE, IRow, IStanding, Verdict } from './protocol';

/** Rows shown apart from the comparison: drawn hollow, never on the best-so-far step. */
const SET_APART: ReadonlySet<Verdict> = new Set<Verdict>(
  (Object.keys(VERDICT_WORDS) as Verdict[]).filter(verdict => VERDICT_WORDS[verdict].apart)
);

/** How a point is drawn: a judged model (filled), the baseline (hollow grey), a row set apart (hollow). */
export type PointKind = 'model' | 'baseline' | 'apart';

export function pointKind(row: IRow): PointKind {
  if (row.role === 'baseline') {
    return 'baseline';
  }
  return SET_APART.has(row.verdict) ? 'apart' : 'model';
}

/** The rows the chart draws, in order: every shipped row but those of another metric. */
export function chartRows(rows: readonly IRow[]): IRow[] {
  return rows.filter(row => row.verdict !== 'other_metric');
}

/**
 * Round ticks inside [low, high], as close to `count` of them as a step of 1,
 * 2, 2.5 or 5 times a power of ten allows (the coarser step on a tie).
 *
 * @example
 * scoreTicks(0.24, 0.68); // [0.3, 0.4, 0.5, 0.6]
 */
export function scoreTicks(low: number, high: number, count = 4): number[] {
  if (!(high > low) || !Number.isFinite(low) || !Number.isFinite(high)) {
    return Number.isFinite(low) ? [low] : [];
  }
  const power = 10 ** Math.floor(Math.log10((high - low) / Math.max(1, count)));
  const steps = [0.5, 1, 2, 2.5, 5, 10, 20].map(m => m * power);
  const ticksOf = (step: number): number[] => {
    const ticks: number[] = [];
    for (let k = Math.ceil(low / step - 1e-9); k * step <= high + step * 1e-9; k++) {
      // k * step, without float noise (0.30000000000000004)
      ticks.push(Number((k * step).toPrecision(12)));
    }
    return ticks;
  };
  let best: number[] = [];
  for (const step of steps) {
    const ticks = ticksOf(step);
    if (ticks.length > 0 && (best.length === 0 || Math.abs(ticks.length - count) <= Math.abs(best.length - count))) {
      best = ticks;
    }
  }
  return best;
}

/**
 * The best so far after each row of the comparison: its score where the kernel
 * says it became the best, else the best before it; rows set apart, the
 * baseline and rows without a best before are left out. Empty when the
 * standing does not say which rows became the best (saved before issue 11).
 */
export function bestSoFar(rows: readonly IRow[]): { index: number; value: number }[] {
  if (!rows.some(row => typeof row.became_best === 'boolean')) {
    return [];
  }
  const steps: { index: number; value: number }[] = [];
  rows.forEach((row, index) => {
    if (pointKind(row) !== 'model') {
      return;
    }
    const value = row.became_best ? row.score : row.best_before;
    if (value !== null && Number.isFinite(value)) {
      steps.push({ index, value });
    }
  });
  return steps;
}

/** The chart's height and margins, in pixels. */
const HEIGHT = 150;
const TOP = 10;
const BOTTOM = 10;
const RIGHT = 10;
/** Room inside the plot at both ends, so the first and last dots are whole. */
const INSET = 10;
/** The width drawn before the sidebar is measured (and in node tests). */
const DEFAULT_WIDTH = 300;
const MIN_WIDTH = 180;
/** About the width of a digit of the axis labels (--jp-ui-font-size0), to size the left margin. */
const CHAR_WIDTH = 6.2;
/** A label's height, to keep the reference lines' labels apart and inside. */
const LABEL_HEIGHT = 11;

export interface IChartProps {
  standing: IStanding;
  /**
   * Scroll the notebook to the cell of this id; false when the notebook has no
   * such cell any more. Without it, points do not take clicks.
   */
  onGoToCell?: (cellId: string) => boolean;
}

/** The chart; nothing when no row is drawn. */
export function Chart(props: IChartProps): JSX.Element | null {
  const rows = chartRows(props.standing.rows);
  return rows.length === 0 ? null : <ChartSection {...props} rows={rows} />;
}

/** The chart of some rows, at the width its frame is given (measured once mounted, and on resize). */
function ChartSection(props: IChartProps & { rows: IRow[] }): JSX.Element {
  const { standing, rows, onGoToCell } = props;
  const ref = React.useRef<HTMLDivElement>(null);
  const [width, setWidth] = React.useState(DEFAULT_WIDTH);
  const [note, setNote] = React.useState<string | null>(null);
  React.useEffect(() => {
    const node = ref.current;
    if (!node || typeof ResizeObserver === 'undefined') {
      return;
    }
    const observer = new ResizeObserver(entries => {
      const measured = Math.round(entries[0]?.contentRect.width ?? 0);
      if (measured > 0) {
        setWidth(measured); // hidden (0): keep the last width
      }
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, []);
  const goTo =
    onGoToCell &&
    ((row: IRow): void => {
      if (row.cell_id) {
        setNote(onGoToCell(row.cell_id) ? null : `The cell of ${row.name} is no longer in the notebook.`);
      }
    });
  return (
    <section className="jp-nbalign-section jp-nbalign-chart" data-testid="nbalign-chart-section">
      <div className="jp-nbalign-chart-frame" ref={ref}>
        <ChartSvg standing={standing} rows={rows} width={Math.max(MIN_WIDTH, width)} goTo={goTo} />
      </div>
      <Legend standing={standing} rows={rows} />
      {note && (
        <div className="jp-nbalign-muted jp-nbalign-chart-note" role="status">
          {note}
        </div>
      )}
    </section>
  );
}

function ChartSvg(props: {
  standing: IStanding;
  rows: IRow[];
  width: number;
  goTo: ((row: IRow) => void) | undefined;
}): JSX.Element {
  const { standing, rows, width, goTo } = props;
  const { summary, objective } = standing;
  const metric = objective.metric;
  const confidence = summary.confidence ?? DEFAULT_CONFIDENCE;
  const baseline = finite(summary.baseline);
  const target = finite(summary.target);

  // The y scale holds every score, interval, the baseline and the target.
  const values = rows.flatMap(row => [row.score, ...(row.interval ?? [])]);
  values.push(...[baseline, target].filter((v): v is number => v !== null));
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (high - low < 1e-12) {
    const half = Math.abs(low) * 0.05 || 0.05;
    low -= half;
    high += half;
  }
  const margin = (high - low) * 0.08;
  low -= margin;
  high += margin;
  const ticks = distinctTicks(scoreTicks(low, high));
  const tickLabels = formatScoreAxis(ticks);
  const left = Math.ceil(Math.max(3, ...tickLabels.map(label => label.length)) * CHAR_WIDTH) + 8;
  const plotLeft = left + INSET;
  const plotRight = width - RIGHT - INSET;
  const bottom = HEIGHT - BOTTOM;
  const y = (value: number): number => round(TOP + ((high - value) / (high - low)) * (bottom - TOP));
  const spacing = rows.length > 1 ? (plotRight - plotLeft) / (rows.length - 1) : plotRight - plotLeft;
  // On a half pixel: the interval bars are 1.5px wide lines, drawn sharp there.
  const x = (index: number): number =>
    px(rows.length > 1 ? plotLeft + index * spacing : (plotLeft + plotRight) / 2);
  const radius = clamp(spacing * 0.3, 2, 4.5);
  const bestId = summary.best?.id ?? null;
  const steps = bestSoFar(rows);

  // The reference lines' labels go where they cover the fewest marks: by the
  // right or left end of their line, above or below it; the target's first.
  const marks: IBox[] = rows.flatMap((row, index) => {
    const [at, score, reach] = [x(index), y(row.score), radius + 1];
    const dot = { x0: at - reach, x1: at + reach, y0: score - reach, y1: score + reach };
    const [low, high] = row.interval ?? [row.score, row.score];
    return [dot, { x0: at - 2, x1: at + 2, y0: y(high), y1: y(low) }];
  });
  const corners = steps.map(step => [x(step.index), y(step.value)] as const);
  corners.slice(1).forEach(([cx, cy], i) => {
    const [px0, py0] = corners[i];
    marks.push({ x0: px0, x1: cx, y0: py0 - 1, y1: py0 + 1 }); // across
    marks.push({ x0: cx - 1, x1: cx + 1, y0: Math.min(py0, cy), y1: Math.max(py0, cy) }); // up or down
  });
  const ends = { left: left + 4, right: width - RIGHT - 2 };
  const targetLabel = target === null ? null : placeLabel(`target ${formatScore(target)}`, y(target), ends, marks, []);
  const taken = targetLabel ? [targetLabel.box] : [];
  const baselineLabel =
    baseline === null ? null : placeLabel(`baseline ${formatScore(baseline)}`, y(baseline), ends, marks, taken);

  const description =
    `${metric.label} of ${rows.length} ${rows.length === 1 ? 'evaluation' : 'evaluations'} in order ` +
    `(${metric.greater_is_better ? 'higher' : 'lower'} is better)` +
    (baseline !== null ? `, baseline ${formatScore(baseline)}` : '') +
    (target !== null ? `, target ${formatScore(target)}` : '') +
    (summary.best ? `, best ${summary.best.name} ${formatScore(summary.best.score)}` : '');

  return (
    <svg
      className="jp-nbalign-chart-svg"
      data-testid="nbalign-chart"
      role="group"
      aria-label={description}
      viewBox={`0 0 ${width} ${HEIGHT}`}
      width="100%"
      preserveAspectRatio="xMinYMin meet"
    >
      <g className="jp-nbalign-chart-axis" aria-hidden="true">
        {ticks.map((tick, i) => (
          <g key={tick}>
            <line className="jp-nbalign-chart-grid" x1={left} x2={width - RIGHT} y1={px(y(tick))} y2={px(y(tick))} />
            <text className="jp-nbalign-chart-tick" x={left - 5} y={y(tick)} dy="0.32em" textAnchor="end">
              {tickLabels[i]}
            </text>
          </g>
        ))}
        <line className="jp-nbalign-chart-frame-line" x1={px(left)} x2={px(left)} y1={TOP - 4} y2={bottom + 4} />
      </g>
      {baseline !== null && baselineLabel && (
        <ReferenceLine kind="baseline" y={y(baseline)} label={baselineLabel} from={left} to={width - RIGHT} />
      )}
      {target !== null && targetLabel && (
        <ReferenceLine kind="target" y={y(target)} label={targetLabel} from={left} to={width - RIGHT} />
      )}
      {corners.length > 1 && (
        <path
          className="jp-nbalign-chart-best"
          data-testid="nbalign-chart-best"
          data-rows={steps.map(step => rows[step.index].id).join(' ')}
          d={stepPath(corners)}
          aria-hidden="true"
        />
      )}
      {rows.map((row, index) => (
        <Point
          key={row.id}
          row={row}
          x={x(index)}
          y={y}
          radius={radius}
          cap={Math.min(4, Math.max(1.5, spacing * 0.2))}
          isBest={row.id === bestId}
          confidence={confidence}
          metricLabel={metric.label}
          goTo={goTo && row.cell_id ? goTo : undefined}
        />
      ))}
    </svg>
  );
}

/** A horizontal reference line across the plot, labelled where `placeLabel` found room. */
function ReferenceLine(props: {
  kind: 'baseline' | 'target';
  y: number;
  label: ILabel;
  from: number;
  to: number;
}): JSX.Element {
  const { kind, label, from, to } = props;
  const y = px(props.y);
  return (
    <g className={`jp-nbalign-chart-ref jp-nbalign-chart-${kind}`} data-testid={`nbalign-chart-${kind}`}>
      <line x1={from} x2={to} y1={y} y2={y} />
      <text x={label.x} y={label.y} textAnchor={label.anchor}>
        {label.text}
      </text>
    </g>
  );
}

/** A rectangle in the chart's pixels. */
interface IBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** A label placed: its text, where its baseline starts or ends, and the room it takes. */
interface ILabel {
  text: string;
  x: number;
  y: number;
  anchor: 'start' | 'end';
  box: IBox;
}

/**
 * Where a line's label covers the fewest marks (and never another label):
 * above or below the line at `y`, by its right end first, then its left;
 * inside the chart's height.
 */
export function placeLabel(
  text: string,
  y: number,
  ends: { left: number; right: number },
  marks: readonly IBox[],
  labels: readonly IBox[]
): ILabel {
  const width = text.length * CHAR_WIDTH * 0.9;
  const candidates: ILabel[] = [];
  for (const side of ['right', 'left'] as const) {
    for (const above of [true, false]) {
      const x0 = side === 'right' ? ends.right - width : ends.left;
      const y0 = above ? y - 2 - LABEL_HEIGHT : y + 2;
      const box = { x0, x1: x0 + width, y0, y1: y0 + LABEL_HEIGHT };
      const anchor = side === 'right' ? 'end' : 'start';
      candidates.push({ text, x: side === 'right' ? ends.right : ends.left, y: box.y1 - 2, anchor, box });
    }
  }
  const cost = (label: ILabel): number =>
    (label.box.y0 < 0 || label.box.y1 > HEIGHT ? 100 : 0) +
    10 * labels.filter(other => overlaps(label.box, other)).length +
    marks.filter(mark => overlaps(label.box, mark)).length;
  return candidates.reduce((best, label) => (cost(label) < cost(best) ? label : best));
}

function overlaps(a: IBox, b: IBox): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** One evaluation: its interval bar, its dot (ringed when best), a halo on hover or focus, its title. */
function Point(props: {
  row: IRow;
  x: number;
  y: (value: number) => number;
  radius: number;
  cap: number;
  isBest: boolean;
  confidence: number;
  metricLabel: string;
  goTo: ((row: IRow) => void) | undefined;
}): JSX.Element {
  const { row, radius, cap, isBest, confidence, goTo } = props;
  const x = props.x;
  const cy = props.y(row.score);
  const kind = pointKind(row);
  const interval = row.interval ?? null;
  const word = VERDICT_WORDS[row.verdict].word;
  const title =
    `${row.name}: ${formatScore(row.score)} ${props.metricLabel}` +
    (interval ? ` (${formatScoreInterval(interval, confidence)})` : '') +
    ` \u00b7 ${word}${isBest ? ' \u00b7 best' : ''}` +
    (goTo ? ' \u00b7 click to go to its cell' : '');
  const activate = goTo && ((): void => goTo(row));
  return (
    <g
      className="jp-nbalign-chart-point"
      data-testid="nbalign-chart-point"
      data-name={row.name}
      data-row-id={row.id}
      data-tone={row.tone}
      data-kind={kind}
      data-best={isBest}
      data-became-best={row.became_best === true}
      data-clickable={Boolean(activate)}
      role={activate ? 'button' : 'img'}
      aria-label={title}
      tabIndex={activate ? 0 : undefined}
      onClick={activate}
      onKeyDown={
        activate &&
        ((event: React.KeyboardEvent) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            activate();
          }
        })
      }
    >
      <title>{title}</title>
      {interval && <IntervalBar x={x} low={px(props.y(interval[0]))} high={px(props.y(interval[1]))} cap={cap} />}
      <circle className="jp-nbalign-chart-halo" cx={x} cy={cy} r={radius + 5} />
      {isBest && <circle className="jp-nbalign-chart-best-ring" cx={x} cy={cy} r={radius + 2.5} />}
      <circle className="jp-nbalign-chart-dot" cx={x} cy={cy} r={kind === 'model' ? radius : radius - 0.5} />
    </g>
  );
}

/** A vertical bar from low to high (pixels), capped at both ends. */
function IntervalBar(props: { x: number; low: number; high: number; cap: number }): JSX.Element {
  const { x, low, high } = props;
  const cap = round(props.cap);
  return (
    <g className="jp-nbalign-chart-interval" data-testid="nbalign-chart-interval">
      <line x1={x} x2={x} y1={low} y2={high} />
      <line x1={x - cap} x2={x + cap} y1={low} y2={low} />
      <line x1={x - cap} x2={x + cap} y1={high} y2={high} />
    </g>
  );
}

/** What the marks mean, for the marks that are drawn. */
function Legend(props: { standing: IStanding; rows: IRow[] }): JSX.Element {
  const { standing, rows } = props;
  const kinds = new Set(rows.map(pointKind));
  const hasBest = bestSoFar(rows).length > 1;
  const hasInterval = rows.some(row => row.interval);
  const confidence = standing.summary.confidence ?? DEFAULT_CONFIDENCE;
  return (
    <div className="jp-nbalign-chart-legend" aria-hidden="true">
      {hasBest && (
        <span>
          <span className="jp-nbalign-chart-key jp-nbalign-chart-key-best" /> best so far
        </span>
      )}
      {hasInterval && (
        <span>
          <span className="jp-nbalign-chart-key jp-nbalign-chart-key-interval" />{' '}
          {`${formatLevel(confidence)} interval`}
        </span>
      )}
      {(kinds.has('baseline') || kinds.has('apart')) && (
        <span>
          <span className="jp-nbalign-chart-key jp-nbalign-chart-key-hollow" />{' '}
          {kinds.has('apart') ? (kinds.has('baseline') ? 'baseline, set apart' : 'set apart') : 'baseline model'}
        </span>
      )}
    </div>
  );
}

/**
 * A step line through points [x, y]: across to the next point's x, then up or
 * down to its y.
 */
export function stepPath(points: readonly (readonly [number, number])[]): string {
  return points
    .map(([sx, sy], i) => (i === 0 ? `M${round(sx)} ${round(sy)}` : `H${round(sx)}V${round(sy)}`))
    .join('');
}

/** Ticks whose labels read differently: a tick that reads like its neighbour is dropped. */
function distinctTicks(ticks: number[]): number[] {
  const labels = formatScoreAxis(ticks);
  return ticks.filter((_, i) => i === 0 || labels[i] !== labels[i - 1]);
}

function finite(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** A coordinate to a tenth of a pixel. */
function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A 1px line's coordinate on a half pixel, so it is drawn sharp rather than over two rows. */
function px(value: number): number {
  return Math.round(value) + 0.5;
}
