/**
 * The nbalign comm protocol, version 1 (see protocol/README.md and schema.json).
 *
 * Every message is an envelope `{v, type, payload}`. `parseMessage` is the one
 * gate between the wire and the model: what it returns is well formed, and
 * anything else (another version, an unknown type, a malformed body) becomes
 * `null` and a console warning, never an exception.
 */

export const TARGET = 'nbalign';
export const PROTOCOL_VERSION = 1;

/** The enums of schema.json; a node test keeps them equal to the schema. */
export const MESSAGE_TYPES = ['snapshot', 'evaluation', 'request_snapshot'] as const;
export const DIAGNOSTIC_LEVELS = ['info', 'warning', 'success'] as const;
export const BASELINE_KINDS = ['number', 'first', 'model', 'auto'] as const;

export type DiagnosticLevel = (typeof DIAGNOSTIC_LEVELS)[number];

export interface IDiagnostic {
  code: string;
  level: DiagnosticLevel;
  title: string;
  message: string;
}

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
  kind: (typeof BASELINE_KINDS)[number];
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
}

export interface IVerdict {
  baseline: number | null;
  best_before: number | null;
  change_vs_best: number | null;
  change_vs_baseline: number | null;
  progress: number | null;
  is_best: boolean;
  diagnostics: IDiagnostic[];
}

export interface IEvaluation {
  id: number;
  objective?: string;
  objective_version?: number;
  name: string;
  estimator: string;
  params?: Record<string, unknown>;
  metric: string;
  score: number;
  predict_seconds?: number | null;
  n_rows?: number | null;
  data_fingerprint?: string | null;
  kind?: 'test';
  role?: 'model' | 'baseline';
  source?: string;
  created_at: string;
  verdict: IVerdict;
}

export interface ISummary {
  baseline: number | null;
  target: number | null;
  best: { id: number; name: string; score: number } | null;
  progress: number | null;
  n_evaluations: number;
  banner: IDiagnostic | null;
  /** The min_gain in force (resolved when the objective leaves it automatic). */
  min_gain?: number | null;
}

export interface ISnapshot {
  objective: IObjective | null;
  evaluations: IEvaluation[];
  summary: ISummary | null;
}

export interface IEvaluationEvent {
  evaluation: IEvaluation;
  summary: ISummary;
}

export interface ISnapshotMessage {
  v: 1;
  type: 'snapshot';
  payload: ISnapshot;
}

export interface IEvaluationMessage {
  v: 1;
  type: 'evaluation';
  payload: IEvaluationEvent;
}

export interface IRequestSnapshotMessage {
  v: 1;
  type: 'request_snapshot';
  payload: Record<string, never>;
}

export type Message =
  | ISnapshotMessage
  | IEvaluationMessage
  | IRequestSnapshotMessage;

/** The message a frontend sends to get the full state (page reload, re-attach). */
export const REQUEST_SNAPSHOT: IRequestSnapshotMessage = {
  v: PROTOCOL_VERSION,
  type: 'request_snapshot',
  payload: {}
};

/**
 * Return the message if `raw` is a well-formed version 1 message, else null.
 *
 * A rejected message is logged with `console.warn`, once per kind of problem,
 * so a kernel that keeps sending something we do not understand does not
 * flood the console.
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
    case 'snapshot':
      return isSnapshot(payload)
        ? (raw as unknown as ISnapshotMessage)
        : reject('body', 'malformed snapshot', raw);
    case 'evaluation':
      return isEvaluationEvent(payload)
        ? (raw as unknown as IEvaluationMessage)
        : reject('body', 'malformed evaluation', raw);
    case 'request_snapshot':
      return isObject(payload) && Object.keys(payload).length === 0
        ? (raw as unknown as IRequestSnapshotMessage)
        : reject('body', 'malformed request_snapshot', raw);
    default:
      return reject('type', `unknown type ${JSON.stringify(raw.type)}`, raw);
  }
}

/** True if `value` has the shape of a snapshot payload. */
export function isSnapshot(value: unknown): value is ISnapshot {
  return (
    isObject(value) &&
    (value.objective === null || isObjective(value.objective)) &&
    Array.isArray(value.evaluations) &&
    value.evaluations.every(isEvaluation) &&
    (value.summary === null || isSummary(value.summary))
  );
}

function isEvaluationEvent(value: unknown): value is IEvaluationEvent {
  return (
    isObject(value) && isEvaluation(value.evaluation) && isSummary(value.summary)
  );
}

function isObjective(value: unknown): value is IObjective {
  if (!isObject(value)) {
    return false;
  }
  const { metric, baseline, stop, kpi } = value;
  return (
    typeof value.name === 'string' &&
    isInteger(value.version) &&
    isText(value.outcome) &&
    (kpi === null || (isObject(kpi) && typeof kpi.name === 'string')) &&
    isObject(metric) &&
    typeof metric.name === 'string' &&
    typeof metric.label === 'string' &&
    typeof metric.greater_is_better === 'boolean' &&
    isNumberOrNull(value.target) &&
    isObject(baseline) &&
    (BASELINE_KINDS as readonly unknown[]).includes(baseline.kind) &&
    isObject(stop) &&
    isNumberOrNull(stop.min_gain) &&
    isInteger(stop.patience)
  );
}

function isEvaluation(value: unknown): value is IEvaluation {
  return (
    isObject(value) &&
    isInteger(value.id) &&
    typeof value.name === 'string' &&
    typeof value.estimator === 'string' &&
    typeof value.metric === 'string' &&
    isNumber(value.score) &&
    typeof value.created_at === 'string' &&
    isVerdict(value.verdict)
  );
}

function isVerdict(value: unknown): value is IVerdict {
  return (
    isObject(value) &&
    isNumberOrNull(value.baseline) &&
    isNumberOrNull(value.best_before) &&
    isNumberOrNull(value.change_vs_best) &&
    isNumberOrNull(value.change_vs_baseline) &&
    isNumberOrNull(value.progress) &&
    typeof value.is_best === 'boolean' &&
    Array.isArray(value.diagnostics) &&
    value.diagnostics.every(isDiagnostic)
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
    (best === null ||
      (isObject(best) &&
        isInteger(best.id) &&
        typeof best.name === 'string' &&
        isNumber(best.score))) &&
    isNumberOrNull(value.progress) &&
    isInteger(value.n_evaluations) &&
    (value.min_gain === undefined || isNumberOrNull(value.min_gain)) &&
    (value.banner === null || isDiagnostic(value.banner))
  );
}

function isDiagnostic(value: unknown): value is IDiagnostic {
  return (
    isObject(value) &&
    typeof value.code === 'string' &&
    (DIAGNOSTIC_LEVELS as readonly unknown[]).includes(value.level) &&
    typeof value.title === 'string' &&
    typeof value.message === 'string'
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isNumberOrNull(value: unknown): value is number | null {
  return value === null || isNumber(value);
}

function isInteger(value: unknown): value is number {
  return Number.isInteger(value);
}

function isText(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

const warnedKinds = new Set<string>();

function reject(kind: string, reason: string, raw: unknown): null {
  if (!warnedKinds.has(kind)) {
    warnedKinds.add(kind);
    console.warn(`nbalign: ignored a message (${reason})`, raw);
  }
  return null;
}
