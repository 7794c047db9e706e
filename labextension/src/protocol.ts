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
 *
 * protocol/schema.json is the one statement of what is well formed: the types
 * below come from it (schema.generated.ts, written by `jlpm generate`), and so
 * do the checks, which validate against the schema itself with ajv. This
 * module adds the envelope and the names the rest of the sidebar uses.
 */
import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';

import {
  IObjective,
  IRow,
  IStanding,
  IStandingPayload,
  ISummary,
  SCHEMA
} from './schema.generated';

export type {
  DiagnosticLevel,
  IBanner,
  IBaselineClaim,
  IBusiness,
  IBusinessKpi,
  IBusinessValue,
  IDifference,
  IObjective,
  IRow,
  IRowBusiness,
  ISavedStanding,
  IStanding,
  IStandingPayload,
  ISummary
} from './schema.generated';

export const TARGET = 'nbalign';
export const PROTOCOL_VERSION = SCHEMA.properties.v.const;
/** The level of the intervals when a standing does not say (saved before issue 7). */
export const DEFAULT_CONFIDENCE = 0.95;

/** The enums of schema.json, for the views that go through every value. */
export const MESSAGE_TYPES = SCHEMA.properties.type.enum;
export const DIAGNOSTIC_LEVELS = SCHEMA.$defs.level.enum;
export const BASELINE_KINDS = SCHEMA.$defs.objective.properties.baseline.properties.kind.enum;
export const VERDICTS = SCHEMA.$defs.row.properties.verdict.enum;
export const TONES = SCHEMA.$defs.row.properties.tone.enum;
export const ROLES = SCHEMA.$defs.row.properties.role.enum;

export type MessageType = (typeof MESSAGE_TYPES)[number];
export type BaselineKind = IBaseline['kind'];
export type Verdict = IRow['verdict'];
export type Tone = IRow['tone'];
export type Role = IRow['role'];

// Objects the schema states inline, without a `$defs` entry, named for the views.
export type IKpi = NonNullable<IObjective['kpi']>;
export type IMetric = IObjective['metric'];
export type IBaseline = IObjective['baseline'];
export type IBest = NonNullable<ISummary['best']>;
export type IShip = NonNullable<ISummary['ship']>;
/** What a check code means: `standing.checks[code]`. */
export type ICheck = IStanding['checks'][string];
/** What was decided about the objective: agreements, the model shipped, the KPI realized since. */
export type IDecision = NonNullable<IStanding['decision']>;
export type IAgreement = IDecision['agreements'][number];
export type IShipped = NonNullable<IDecision['shipped']>;
export type IRealized = IDecision['realized'][number];
/** A check that applied to a realized KPI: its code and the kernel's message. */
export type IRealizedFinding = IRealized['findings'][number];

// The envelopes: schema.json ties each type to its payload with if/then, which
// the type generator does not read, so they are stated here.
export interface IStandingMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'standing';
  payload: IStandingPayload;
}

export interface IRequestStandingMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'request_standing';
  payload: Record<string, never>;
}

/** The kernel asks for a code cell below the active one (the objective form's "Write objective cell"). */
export interface IInsertCellMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'insert_cell';
  payload: { source: string };
}

export type Message = IStandingMessage | IRequestStandingMessage | IInsertCellMessage;

/** The message a frontend sends to get the standing (page reload, re-attach). */
export const REQUEST_STANDING: IRequestStandingMessage = Object.freeze({
  v: PROTOCOL_VERSION,
  type: 'request_standing',
  payload: Object.freeze({})
}) as IRequestStandingMessage;

let ajv: Ajv2020 | undefined;

/**
 * The validator of one part of the schema (`''`: a whole message), compiled on
 * first use and kept by ajv.
 *
 * Compiled here rather than generated as standalone code at build time
 * (ajv/dist/standalone): JupyterLab compiles its own settings schemas with ajv
 * in the page, so compiling is allowed where the sidebar runs; the build keeps
 * one generated file (types and schema) instead of also a ~190 kB JavaScript
 * validator that `require`s ajv's runtime helpers and needs typings of its own;
 * and the ~100 ms it takes is spent once, when the first message or saved
 * standing is read, not when JupyterLab starts. The schema is a constant of the
 * build, so whether it compiles is settled by the node tests, which compile
 * every validator used here: none throws at run time.
 */
function validator<T>(pointer: '' | `#/$defs/${string}`): ValidateFunction<T> {
  ajv ??= new Ajv2020({
    // NaN and Infinity are not JSON numbers: a score of Infinity is malformed.
    strictNumbers: true,
    // A keyword ajv would ignore or read two ways fails the node tests, not a user's page.
    strict: true,
    // The schema is checked against its meta-schema by the tests (jsonschema.validate in
    // tests/test_protocol.py); doing it again here would compile the meta-schema in every page.
    validateSchema: false
  }).addSchema(SCHEMA);
  const validate = ajv.getSchema<T>(`${SCHEMA.$id}${pointer}`);
  if (!validate) {
    throw new Error(`schema.json has no ${pointer}`);
  }
  return validate;
}

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
  // The envelope is looked at first so that the warning says which kind of problem it is.
  if (!isObject(raw) || !('v' in raw) || !('type' in raw)) {
    return reject('envelope', 'not an envelope {v, type, payload}', raw);
  }
  if (raw.v !== PROTOCOL_VERSION) {
    return reject('version', `protocol version ${String(raw.v)}`, raw);
  }
  if (!(MESSAGE_TYPES as readonly unknown[]).includes(raw.type)) {
    return reject('type', `unknown type ${JSON.stringify(raw.type)}`, raw);
  }
  const validate = validator<Message>('');
  if (!validate(raw)) {
    return reject('body', `malformed ${String(raw.type)}: ${whyInvalid(validate.errors)}`, raw);
  }
  return raw;
}

/** True if `value` is a standing message's payload (`$defs/standingMessage`). */
export function isStandingPayload(value: unknown): value is IStandingPayload {
  return validator<IStandingPayload>('#/$defs/standingMessage')(value);
}

/** True if `value` is a standing (`$defs/standing`); saved.ts reads metadata with it. */
export function isStanding(value: unknown): value is IStanding {
  return validator<IStanding>('#/$defs/standing')(value);
}

/**
 * Where and why a value failed the schema, for the console: the error deepest in
 * the value ("/payload/standing/rows/0/score must be number"), since a `oneOf`
 * also reports the alternative that did not apply ("/payload/standing must be null").
 */
function whyInvalid(errors: ErrorObject[] | null | undefined): string {
  const deepest = (errors ?? []).reduce<ErrorObject | undefined>(
    (found, error) => (found && found.instancePath.length >= error.instancePath.length ? found : error),
    undefined
  );
  return deepest ? `${deepest.instancePath || '/'} ${deepest.message ?? 'is invalid'}` : 'invalid';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const warnedKinds = new Set<string>();

function reject(kind: string, reason: string, raw: unknown): null {
  if (!warnedKinds.has(kind)) {
    warnedKinds.add(kind);
    console.warn(`nbalign: ignored a message (${reason})`, raw);
  }
  return null;
}
