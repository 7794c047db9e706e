/**
 * The nbalign comm protocol, version 2 (see protocol/README.md and schema.json).
 *
 * Every message is an envelope `{v, type, payload}`. The kernel sends its whole
 * judged state, the standing, after a change (within a cell at most once a
 * second, and at its end); the frontend replaces its
 * state with it and never merges or re-judges. `parseMessage` is the one gate
 * between the wire and the model: what it returns is well formed, and anything
 * else (another version, an unknown type, a malformed body) becomes `null` and
 * a console warning, never an exception.
 */

export const TARGET = 'nbalign';
export const PROTOCOL_VERSION = 2;
/** The level of the intervals when a standing does not say (saved before issue 7). */
export const DEFAULT_CONFIDENCE = 0.95;

/** The enums of schema.json; a node test keeps them equal to the schema. */
export const MESSAGE_TYPES = ['standing', 'request_standing', 'insert_cell'] as const;
export const DIAGNOSTIC_LEVELS = ['info', 'warning', 'success'] as const;
export const BASELINE_KINDS = ['number', 'first', 'model', 'auto'] as const;
export const VERDICTS = [
  'new_best',
  'small_gain',
  'no_gain',
  'worse',
  'below_baseline',
  'first',
  'baseline',
  'other_metric',
  'training_data',
  'other_test_set',
  'cross_validation'
] as const;
export const TONES = ['good', 'bad', 'neutral'] as const;
export const ROLES = ['model', 'baseline'] as const;

/** The pattern of a check code (`$defs/code`): NBA100 to NBA399. */
const CODE_PATTERN = /^NBA[1-3][0-9][0-9]$/;

export type MessageType = (typeof MESSAGE_TYPES)[number];
export type DiagnosticLevel = (typeof DIAGNOSTIC_LEVELS)[number];
export type BaselineKind = (typeof BASELINE_KINDS)[number];
export type Verdict = (typeof VERDICTS)[number];
export type Tone = (typeof TONES)[number];
export type Role = (typeof ROLES)[number];

export interface IKpi {
  name: string;
  current?: string | null;
  target?: string | null;
  deadline?: string | null;
  owner?: string | null;
  judge?: string | null;
}

export interface IMetric {
  name: string;
  label: string;
  scorer: string;
  greater_is_better: boolean;
}

export interface IBaseline {
  kind: BaselineKind;
  value?: number | null;
  model?: string | null;
}

export interface IObjective {
  name: string;
  version: number;
  created_at?: string;
  outcome: string | null;
  kpi: IKpi | null;
  metric: IMetric;
  target: number | null;
  baseline: IBaseline;
  stop: { min_gain: number | null; patience: number };
  value?: Record<string, number | string | null> | null;
  notebook?: string | null;
  data?: Record<string, unknown>;
  source?: string;
}

/** The latest thing worth saying about the objective, with its check code. */
export interface IBanner {
  code: string;
  level: DiagnosticLevel;
  title: string;
  message: string;
  explanation: string;
}

/** What a check code means: `standing.checks[code]`. */
export interface ICheck {
  level: DiagnosticLevel;
  title: string;
  explanation: string;
}

export interface IBest {
  id: number;
  name: string;
  score: number;
}

/**
 * A paired test's result (`$defs/difference`): `estimate` is metric(this model)
 * minus metric(the other), in the metric's units (a negative change of a loss
 * is a gain); `low`..`high` is the two-sided interval at `summary.confidence`;
 * `n` the rows both models were scored on.
 */
export interface IDifference {
  estimate: number;
  low: number;
  high: number;
  p_value: number;
  /** How it was tested, for people: "DeLong", "paired bootstrap of ..., 1000 resamples". */
  method: string;
  n: number;
}

/**
 * The best model against the baseline (`summary.best_vs_baseline`): the p-value
 * adjusted over every model compared with the baseline on that test set, the
 * interval widened (Bonferroni) to match.
 */
export interface IBaselineClaim extends IDifference {
  p_adjusted: number;
  /** The correction's name: "Holm", "Bonferroni" (many models), "none" (a single comparison). */
  correction: string;
  models_compared: number;
  /** What the claim says, as the kernel decided it. */
  verdict: 'better' | 'not_distinguishable' | 'worse';
}

/**
 * The KPI the best model's metric projects to (`summary.business.kpi`). Every
 * string is formatted by the kernel, in the KPI's own units ("24.1%", "$1.2M").
 */
export interface IBusinessKpi {
  name: string;
  current: string;
  target: string;
  projected: string;
  /** The projected KPI as an interval [low, high] at `summary.confidence`. */
  projected_interval: [string, string] | null;
  /** 0 at the KPI's current value, 1 at its target (may run below 0 or past 1). */
  progress: number | null;
  progress_interval: [number, number] | null;
  /** The model the projection is made with. */
  model: string;
  /** The whole projection in one sentence, for people. */
  text: string;
}

/** What a model is expected to be worth (`summary.business.value`), formatted by the kernel. */
export interface IBusinessValue {
  per_case: string;
  /** The value over a period ("$149k per quarter"); null when the objective gives no volume. */
  per_period: string | null;
  model: string;
  /** The action the value assumes ("contact the top 20% (2,400 customers per quarter)"). */
  rule: string | null;
  text: string;
}

/** The business figures of the standing (`summary.business`, since issue 9). */
export interface IBusiness {
  /** null: no projection of the KPI is possible. */
  kpi: IBusinessKpi | null;
  /** null: the objective has no value matrix or action. */
  value: IBusinessValue | null;
  /** How the metric target was derived from the KPI target, for people. */
  derivation: string | null;
}

/** A row's business figures (`rows[i].business`, since issue 9). */
export interface IRowBusiness {
  projected_kpi: string | null;
  value: string | null;
}

export interface ISummary {
  baseline: number | null;
  target: number | null;
  /** The min_gain in force (resolved when the objective leaves it automatic). */
  min_gain: number;
  best: IBest | null;
  progress: number | null;
  /** Models judged on the objective's metric (baseline rows and other metrics excluded). */
  n_models: number;
  banner: IBanner | null;
  // Since issue 7; absent in standings saved before, null when there is nothing to say.
  /** The confidence level of every interval in the standing (0.95 by default). */
  confidence?: number | null;
  best_vs_baseline?: IBaselineClaim | null;
  /** The best model's progress as an interval [low, high]. */
  progress_interval?: [number, number] | null;
  /** Models scored on the best model's test set: the number of comparisons. */
  models_compared?: number | null;
  // Since issue 9; absent in standings saved before, null when there is nothing to say.
  business?: IBusiness | null;
}

/** One evaluation as the kernel judged it. */
export interface IRow {
  id: number;
  name: string;
  estimator: string;
  role: Role;
  /** The objective version the evaluation was recorded under. */
  version: number;
  metric: string;
  metric_label: string;
  score: number;
  verdict: Verdict;
  tone: Tone;
  best_before: number | null;
  change_vs_best: number | null;
  change_vs_baseline: number | null;
  progress: number | null;
  codes: string[];
  // Since issue 7; absent in standings saved before.
  /** This model against the best before it; null without a paired test. */
  vs_best?: IDifference | null;
  /** This model against the baseline; null without a paired test. */
  vs_baseline?: IDifference | null;
  // Since issue 9; absent in standings saved before.
  business?: IRowBusiness | null;
  // Since issue 11; absent in standings saved before.
  /** The row became the best so far, as the kernel judged it (the chart's best-so-far step). */
  became_best?: boolean;
  /** The score's own interval [low, high]: the baseline plus the ends of `vs_baseline`; null when untested. */
  interval?: [number, number] | null;
  /** The notebook cell that produced the evaluation; null when the front end sent none. */
  cell_id?: string | null;
}

/** The whole judged state of one objective. */
export interface IStanding {
  objective: IObjective;
  summary: ISummary;
  /** The most recent rows, oldest first (the kernel ships a bounded number). */
  rows: IRow[];
  /** Every row of the objective, shipped or not. */
  rows_total: number;
  checks: Record<string, ICheck>;
  /** What the checks of the objective found (NBA1xx); absent from older kernels. */
  findings?: IBanner[];
  /** The KPI as one statement of intent, with the time left; absent from older kernels. */
  kpi_statement?: string | null;
}

export interface IStandingPayload {
  /** Random per kernel session: a restarted kernel counts revisions anew. */
  session: string;
  /** Grows by one with each change in one session; revisions not sent are skipped. */
  revision: number;
  /** null: nbalign is loaded, no objective declared. */
  standing: IStanding | null;
}

export interface IStandingMessage {
  v: 2;
  type: 'standing';
  payload: IStandingPayload;
}

export interface IRequestStandingMessage {
  v: 2;
  type: 'request_standing';
  payload: Record<string, never>;
}

/** The kernel asks for a code cell below the active one (the objective form's "Write objective cell"). */
export interface IInsertCellMessage {
  v: 2;
  type: 'insert_cell';
  payload: { source: string };
}

/**
 * What the sidebar saves in a notebook's metadata under `nbalign` (`$defs/saved`):
 * its own format, versioned apart from the wire protocol. See saved.ts.
 */
export interface ISavedStanding {
  format: 1;
  saved_at: string;
  standing: IStanding;
}

export type Message = IStandingMessage | IRequestStandingMessage | IInsertCellMessage;

/** The message a frontend sends to get the standing (page reload, re-attach). */
export const REQUEST_STANDING: IRequestStandingMessage = Object.freeze({
  v: PROTOCOL_VERSION,
  type: 'request_standing',
  payload: Object.freeze({})
}) as IRequestStandingMessage;

/**
 * Return the message if `raw` is a well-formed version 2 message, else null.
 *
 * A rejected message is logged with `console.warn`, once per kind of problem,
 * so a kernel that keeps sending something we do not understand does not
 * flood the console.
 *
 * @example
 * const message = parseMessage(msg.content.data);
 * if (message?.type === 'standing') { model.applyStanding(message.payload); }
 */
export function parseMessage(raw: unknown): Message | null {
  if (!isObject(raw) || !('v' in raw) || !('type' in raw)) {
    return reject('envelope', 'not an envelope {v, type, payload}', raw);
  }
  if (raw.v !== PROTOCOL_VERSION) {
    return reject('version', `protocol version ${String(raw.v)}`, raw);
  }
  const payload = raw.payload;
  switch (raw.type) {
    case 'standing':
      return isStandingPayload(payload)
        ? (raw as unknown as IStandingMessage)
        : reject('body', 'malformed standing', raw);
    case 'request_standing':
      return isObject(payload) && Object.keys(payload).length === 0
        ? (raw as unknown as IRequestStandingMessage)
        : reject('body', 'malformed request_standing', raw);
    case 'insert_cell':
      return isObject(payload) && typeof payload.source === 'string' && payload.source.length <= 100_000
        ? (raw as unknown as IInsertCellMessage)
        : reject('body', 'malformed insert_cell', raw);
    default:
      return reject('type', `unknown type ${JSON.stringify(raw.type)}`, raw);
  }
}

/** True if `value` is a standing message's payload (`$defs/standingMessage`). */
export function isStandingPayload(value: unknown): value is IStandingPayload {
  return (
    isObject(value) &&
    typeof value.session === 'string' &&
    isInteger(value.revision, 1) &&
    (value.standing === null || isStanding(value.standing))
  );
}

/** True if `value` is a standing (`$defs/standing`); saved.ts reads metadata with it. */
export function isStanding(value: unknown): value is IStanding {
  return (
    isObject(value) &&
    isObjective(value.objective) &&
    isSummary(value.summary) &&
    Array.isArray(value.rows) &&
    value.rows.every(isRow) &&
    isInteger(value.rows_total, 0) &&
    (value.findings === undefined || (Array.isArray(value.findings) && value.findings.every(isBanner))) &&
    (value.kpi_statement === undefined || value.kpi_statement === null || typeof value.kpi_statement === 'string') &&
    isObject(value.checks) &&
    Object.entries(value.checks).every(
      ([code, check]) => CODE_PATTERN.test(code) && isCheck(check)
    )
  );
}

function isObjective(value: unknown): value is IObjective {
  if (!isObject(value)) {
    return false;
  }
  const { metric, baseline, stop, kpi } = value;
  return (
    typeof value.name === 'string' &&
    isInteger(value.version, 1) &&
    optional(value.created_at, isString) &&
    isText(value.outcome) &&
    (kpi === null || isKpi(kpi)) &&
    isObject(metric) &&
    typeof metric.name === 'string' &&
    typeof metric.label === 'string' &&
    typeof metric.scorer === 'string' &&
    typeof metric.greater_is_better === 'boolean' &&
    isNumberOrNull(value.target) &&
    isObject(baseline) &&
    isOneOf(baseline.kind, BASELINE_KINDS) &&
    optional(baseline.value, isNumberOrNull) &&
    optional(baseline.model, isText) &&
    isObject(stop) &&
    isNumberOrNull(stop.min_gain) &&
    isInteger(stop.patience, 1) &&
    optional(value.value, isValue) &&
    optional(value.notebook, isText) &&
    optional(value.data, isObject) &&
    optional(value.source, isString)
  );
}

/**
 * What outcomes are worth: amounts by outcome (tp, fp, fn, tn or under, over),
 * with the currency and its marker as text.
 */
function isValue(value: unknown): boolean {
  return (
    value === null ||
    (isObject(value) &&
      Object.entries(value).every(([key, v]) =>
        key === 'currency' || key === 'marker' ? isText(v) : isNumberOrNull(v)
      ))
  );
}

function isKpi(value: unknown): value is IKpi {
  return (
    isObject(value) &&
    typeof value.name === 'string' &&
    ['current', 'target', 'deadline', 'owner', 'judge'].every(key =>
      optional(value[key], isText)
    )
  );
}

function isSummary(value: unknown): value is ISummary {
  if (!isObject(value)) {
    return false;
  }
  const best = value.best;
  return (
    isNumberOrNull(value.baseline) &&
    isNumberOrNull(value.target) &&
    isNumber(value.min_gain) &&
    value.min_gain >= 0 &&
    (best === null ||
      (isObject(best) &&
        isInteger(best.id) &&
        typeof best.name === 'string' &&
        isNumber(best.score))) &&
    isNumberOrNull(value.progress) &&
    isInteger(value.n_models, 0) &&
    (value.banner === null || isBanner(value.banner)) &&
    optional(value.confidence, v => v === null || isLevel(v)) &&
    optional(value.best_vs_baseline, v => v === null || isBaselineClaim(v)) &&
    optional(
      value.progress_interval,
      v => v === null || isPair(v, isNumber)
    ) &&
    optional(value.models_compared, v => v === null || isInteger(v, 0)) &&
    optional(value.business, v => v === null || isBusiness(v))
  );
}

/** `$defs/business`: every key present, each object or text null when there is nothing to say. */
function isBusiness(value: unknown): value is IBusiness {
  return (
    isObject(value) &&
    (value.kpi === null || isBusinessKpi(value.kpi)) &&
    (value.value === null || isBusinessValue(value.value)) &&
    isText(value.derivation)
  );
}

function isBusinessKpi(value: unknown): value is IBusinessKpi {
  return (
    isObject(value) &&
    ['name', 'current', 'target', 'projected', 'model', 'text'].every(key => isString(value[key])) &&
    (value.projected_interval === null || isPair(value.projected_interval, isString)) &&
    isNumberOrNull(value.progress) &&
    (value.progress_interval === null || isPair(value.progress_interval, isNumber))
  );
}

function isBusinessValue(value: unknown): value is IBusinessValue {
  return (
    isObject(value) &&
    isString(value.per_case) &&
    isText(value.per_period) &&
    isString(value.model) &&
    isText(value.rule) &&
    isString(value.text)
  );
}

function isRowBusiness(value: unknown): value is IRowBusiness {
  return isObject(value) && isText(value.projected_kpi) && isText(value.value);
}

/** An interval [low, high]: two items, each passing `check`. */
function isPair(value: unknown, check: (v: unknown) => boolean): boolean {
  return Array.isArray(value) && value.length === 2 && value.every(check);
}

/** A confidence level, strictly between 0 and 1. */
function isLevel(value: unknown): value is number {
  return isNumber(value) && value > 0 && value < 1;
}

function isDifference(value: unknown): value is IDifference {
  return (
    isObject(value) &&
    isNumber(value.estimate) &&
    isNumber(value.low) &&
    isNumber(value.high) &&
    isProbability(value.p_value) &&
    typeof value.method === 'string' &&
    isInteger(value.n, 1)
  );
}

function isBaselineClaim(value: unknown): value is IBaselineClaim {
  return (
    isDifference(value) &&
    isObject(value) &&
    isProbability(value.p_adjusted) &&
    typeof value.correction === 'string' &&
    isInteger(value.models_compared, 0) &&
    ['better', 'not_distinguishable', 'worse'].includes(value.verdict as string)
  );
}

function isProbability(value: unknown): value is number {
  return isNumber(value) && value >= 0 && value <= 1;
}

function isBanner(value: unknown): value is IBanner {
  return (
    isObject(value) &&
    isCode(value.code) &&
    isOneOf(value.level, DIAGNOSTIC_LEVELS) &&
    typeof value.title === 'string' &&
    typeof value.message === 'string' &&
    typeof value.explanation === 'string'
  );
}

function isCheck(value: unknown): value is ICheck {
  return (
    isObject(value) &&
    isOneOf(value.level, DIAGNOSTIC_LEVELS) &&
    typeof value.title === 'string' &&
    typeof value.explanation === 'string'
  );
}

function isRow(value: unknown): value is IRow {
  return (
    isObject(value) &&
    isInteger(value.id) &&
    typeof value.name === 'string' &&
    typeof value.estimator === 'string' &&
    isOneOf(value.role, ROLES) &&
    isInteger(value.version) &&
    typeof value.metric === 'string' &&
    typeof value.metric_label === 'string' &&
    isNumber(value.score) &&
    isOneOf(value.verdict, VERDICTS) &&
    isOneOf(value.tone, TONES) &&
    isNumberOrNull(value.best_before) &&
    isNumberOrNull(value.change_vs_best) &&
    isNumberOrNull(value.change_vs_baseline) &&
    isNumberOrNull(value.progress) &&
    Array.isArray(value.codes) &&
    value.codes.every(isCode) &&
    optional(value.vs_best, v => v === null || isDifference(v)) &&
    optional(value.vs_baseline, v => v === null || isDifference(v)) &&
    optional(value.business, v => v === null || isRowBusiness(v)) &&
    optional(value.became_best, v => typeof v === 'boolean') &&
    optional(value.interval, v => v === null || isPair(v, isNumber)) &&
    optional(value.cell_id, isText)
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isText(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function isCode(value: unknown): value is string {
  return typeof value === 'string' && CODE_PATTERN.test(value);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isNumberOrNull(value: unknown): value is number | null {
  return value === null || isNumber(value);
}

function isInteger(value: unknown, minimum = -Infinity): value is number {
  return Number.isInteger(value) && (value as number) >= minimum;
}

function isOneOf<T extends string>(value: unknown, choices: readonly T[]): value is T {
  return (choices as readonly unknown[]).includes(value);
}

/** An optional property: absent, or present and valid. */
function optional(value: unknown, check: (v: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

const warnedKinds = new Set<string>();

function reject(kind: string, reason: string, raw: unknown): null {
  if (!warnedKinds.has(kind)) {
    warnedKinds.add(kind);
    console.warn(`nbalign: ignored a message (${reason})`, raw);
  }
  return null;
}
