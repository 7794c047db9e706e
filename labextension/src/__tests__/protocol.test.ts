import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  BASELINE_KINDS,
  DIAGNOSTIC_LEVELS,
  MESSAGE_TYPES,
  parseMessage,
  DEFAULT_CONFIDENCE,
  PROTOCOL_VERSION,
  REQUEST_STANDING,
  ROLES,
  TARGET,
  TONES,
  VERDICTS
} from '../protocol';
import { SCHEMA } from '../schema.generated';
import { INVALID_DIR, jsonFiles, MESSAGES_DIR, readMessage, readProtocol } from './fixtures';

// First in this file: the warnings are counted once per kind for the whole module.
test('each invalid message is rejected, with one warning per kind of problem', t => {
  const files = jsonFiles(INVALID_DIR);
  assert.deepEqual(files, [
    'future_version.json',
    'not_an_envelope.json',
    'standing_without_body.json',
    'unknown_type.json'
  ]);
  const warn = t.mock.method(console, 'warn', () => undefined);
  for (const name of files) {
    for (let i = 0; i < 3; i++) {
      assert.equal(parseMessage(readMessage(name, INVALID_DIR)), null, `${name} must be rejected`);
    }
  }
  // version, envelope, body, type: four kinds, each warned once despite three tries
  assert.equal(warn.mock.callCount(), 4);
});

test('every valid example message is accepted as itself', () => {
  const files = jsonFiles(MESSAGES_DIR);
  assert.deepEqual(files, [
    'request_standing.json',
    'standing.json',
    'standing_decision.json',
    'standing_empty.json'
  ]);
  for (const name of files) {
    const raw = readMessage(name);
    const message = parseMessage(raw);
    assert.ok(message, `${name} must be accepted`);
    assert.equal(message.type, raw.type);
    assert.deepEqual(message, raw);
  }
});

/** The example standing message with one change made by `edit`. */
function edited(edit: (message: any) => void): unknown {
  const message = readMessage('standing.json');
  edit(message);
  return message;
}

test('malformed standings are rejected', t => {
  t.mock.method(console, 'warn', () => undefined);
  const cases: [string, (m: any) => void][] = [
    ['a score as text', m => (m.payload.standing.rows[0].score = '0.61')],
    ['a score that is not finite', m => (m.payload.standing.rows[0].score = Infinity)],
    ['a progress that is NaN', m => (m.payload.standing.summary.progress = NaN)],
    ['revision 0', m => (m.payload.revision = 0)],
    ['a fractional revision', m => (m.payload.revision = 7.5)],
    ['no session', m => delete m.payload.session],
    ['a numeric session', m => (m.payload.session = 5)],
    ['no standing key', m => delete m.payload.standing],
    ['an unknown verdict', m => (m.payload.standing.rows[1].verdict = 'great')],
    ['an unknown tone', m => (m.payload.standing.rows[1].tone = 'green')],
    ['an unknown role', m => (m.payload.standing.rows[1].role = 'champion')],
    ['a row without codes', m => delete m.payload.standing.rows[1].codes],
    ['a malformed code', m => (m.payload.standing.rows[2].codes = ['NBA9'])],
    ['a check code out of range', m => (m.payload.standing.checks.NBA502 = m.payload.standing.checks.NBA302)],
    ['a check with an unknown level', m => (m.payload.standing.checks.NBA302.level = 'error')],
    ['a banner with an unknown level', m => (m.payload.standing.summary.banner.level = 'error')],
    ['a banner without explanation', m => delete m.payload.standing.summary.banner.explanation],
    ['no rows', m => delete m.payload.standing.rows],
    ['no rows_total', m => delete m.payload.standing.rows_total],
    ['a negative n_models', m => (m.payload.standing.summary.n_models = -1)],
    ['a null min_gain in the summary', m => (m.payload.standing.summary.min_gain = null)],
    ['an unknown baseline kind', m => (m.payload.standing.objective.baseline.kind = 'median')],
    ['objective version 0', m => (m.payload.standing.objective.version = 0)],
    ['a metric without scorer', m => delete m.payload.standing.objective.metric.scorer],
    ['a KPI owner that is a number', m => (m.payload.standing.objective.kpi.owner = 3)],
    ['patience 0', m => (m.payload.standing.objective.stop.patience = 0)],
    ['a best without score', m => delete m.payload.standing.summary.best.score],
    // The paired tests (issue 7)
    ['a vs_best p-value above 1', m => (m.payload.standing.rows[2].vs_best.p_value = 1.5)],
    ['a vs_best without method', m => delete m.payload.standing.rows[2].vs_best.method],
    ['a vs_best on no rows', m => (m.payload.standing.rows[2].vs_best.n = 0)],
    ['a vs_best with an end that is null', m => (m.payload.standing.rows[2].vs_best.low = null)],
    ['a vs_baseline as a number', m => (m.payload.standing.rows[3].vs_baseline = 0.34)],
    ['a vs_baseline estimate as text', m => (m.payload.standing.rows[3].vs_baseline.estimate = '+0.34')],
    ['a confidence of 1', m => (m.payload.standing.summary.confidence = 1)],
    ['a confidence in percent', m => (m.payload.standing.summary.confidence = 95)],
    ['a progress interval of three', m => m.payload.standing.summary.progress_interval.push(1.2)],
    ['a progress interval with a null end', m => (m.payload.standing.summary.progress_interval[0] = null)],
    ['a progress interval as an object', m => (m.payload.standing.summary.progress_interval = { low: 0, high: 1 })],
    ['a claim without p_adjusted', m => delete m.payload.standing.summary.best_vs_baseline.p_adjusted],
    ['a claim without correction', m => delete m.payload.standing.summary.best_vs_baseline.correction],
    ['a claim over -1 models', m => (m.payload.standing.summary.best_vs_baseline.models_compared = -1)],
    ['a claim with a null p_adjusted', m => (m.payload.standing.summary.best_vs_baseline.p_adjusted = null)],
    ['a claim without its difference', m => delete m.payload.standing.summary.best_vs_baseline.high],
    ['a claim with an unknown verdict', m => (m.payload.standing.summary.best_vs_baseline.verdict = 'great')],
    ['a claim without its verdict', m => delete m.payload.standing.summary.best_vs_baseline.verdict],
    ['findings that are not a list', m => (m.payload.standing.findings = { code: 'NBA105' })],
    ['a finding without its message', m => (m.payload.standing.findings = [{ code: 'NBA105', level: 'warning', title: 't', explanation: 'e' }])],
    ['a negative models_compared', m => (m.payload.standing.summary.models_compared = -1)],
    ['a fractional models_compared', m => (m.payload.standing.summary.models_compared = 2.5)],
    // The business figures (issue 9)
    ['business as text', m => (m.payload.standing.summary.business = '$149k')],
    ['business without derivation', m => delete m.payload.standing.summary.business.derivation],
    ['business without kpi', m => delete m.payload.standing.summary.business.kpi],
    ['a business KPI without its text', m => delete m.payload.standing.summary.business.kpi.text],
    ['a business KPI with a null name', m => (m.payload.standing.summary.business.kpi.name = null)],
    ['a business KPI projected as a number', m => (m.payload.standing.summary.business.kpi.projected = 4.9)],
    ['a KPI progress as text', m => (m.payload.standing.summary.business.kpi.progress = '53%')],
    ['a KPI progress that is not finite', m => (m.payload.standing.summary.business.kpi.progress = Infinity)],
    ['a KPI progress interval of one', m => m.payload.standing.summary.business.kpi.progress_interval.pop()],
    ['a KPI progress interval of text', m => (m.payload.standing.summary.business.kpi.progress_interval = ['36%', '69%'])],
    ['a projected interval of numbers', m => (m.payload.standing.summary.business.kpi.projected_interval = [4.3, 5.5])],
    ['a KPI without projected_interval', m => delete m.payload.standing.summary.business.kpi.projected_interval],
    ['a value without per_case', m => delete m.payload.standing.summary.business.value.per_case],
    ['a value per period as a number', m => (m.payload.standing.summary.business.value.per_period = 149000)],
    ['a value without its rule', m => delete m.payload.standing.summary.business.value.rule],
    ['a value as a list', m => (m.payload.standing.summary.business.value = ['$149k'])],
    ['a derivation as a number', m => (m.payload.standing.summary.business.derivation = 0.57)],
    ['a row business as text', m => (m.payload.standing.rows[3].business = '4.9%')],
    ['a row business without value', m => delete m.payload.standing.rows[3].business.value],
    ['a row business value as a number', m => (m.payload.standing.rows[3].business.value = 149000)],
    // Parts of the objective no hand-written check looked at: the schema covers them too.
    ['a metric parameter as text', m => (m.payload.standing.objective.metric.params = { share: '20%' })],
    ['an action with an unknown rule', m => (m.payload.standing.objective.action = { verb: 'contact', rule: 'all' })],
    ['a population of no cases', m => (m.payload.standing.objective.population = { cases: 0 })]
  ];
  for (const [what, edit] of cases) {
    assert.equal(parseMessage(edited(edit)), null, `${what} must be rejected`);
  }
  // Optional properties of the schema may be absent.
  const lean = edited(m => {
    const objective = m.payload.standing.objective;
    for (const key of ['created_at', 'value', 'notebook', 'data', 'source']) {
      delete objective[key];
    }
    objective.kpi = { name: 'churn' };
    objective.baseline = { kind: 'auto' };
  });
  assert.ok(parseMessage(lean), 'optional properties may be left out');
  const terms = edited(m => {
    const objective = m.payload.standing.objective;
    objective.metric.params = { share: 0.2 };
    objective.action = { verb: 'contact', rule: 'top', share: 0.2, effect: 0.3 };
    objective.population = { cases: 12000, unit: 'customers', period: 'quarter' };
  });
  assert.ok(parseMessage(terms), 'well-formed metric parameters, action and population');

  assert.equal(parseMessage({ ...REQUEST_STANDING, payload: { x: 1 } }), null);
  assert.equal(parseMessage({ v: 1, type: 'snapshot', payload: {} }), null);
  assert.equal(parseMessage(null), null);
  assert.equal(parseMessage('{"v":2}'), null);
});

test('the paired tests are optional: absent (older standings) or null (nothing to say)', () => {
  const SUMMARY_KEYS = ['confidence', 'best_vs_baseline', 'progress_interval', 'models_compared'];
  const ROW_KEYS = ['vs_best', 'vs_baseline'];
  const example = readMessage('standing.json').payload.standing;
  for (const key of SUMMARY_KEYS) {
    assert.ok(key in example.summary, `the example has summary.${key}`);
  }
  for (const key of ROW_KEYS) {
    assert.ok(example.rows.some((row: any) => row[key]), `the example has a row with ${key}`);
  }
  for (const value of ['absent', null]) {
    const message = edited(m => {
      const { summary, rows } = m.payload.standing;
      for (const key of SUMMARY_KEYS) {
        value === 'absent' ? delete summary[key] : (summary[key] = value);
      }
      for (const row of rows) {
        for (const key of ROW_KEYS) {
          value === 'absent' ? delete row[key] : (row[key] = value);
        }
      }
    });
    assert.ok(parseMessage(message), `the new fields ${value === null ? 'null' : 'absent'}`);
  }
  // A new verdict word of issue 7.
  assert.ok(parseMessage(edited(m => (m.payload.standing.rows[2].verdict = 'small_gain'))));
});

test('a value matrix in money carries its currency and marker as text', t => {
  t.mock.method(console, 'warn', () => undefined);
  const message = edited(m => {
    m.payload.standing.objective.value = { tp: 160, fp: -20, fn: 0, tn: 0, currency: 'USD', marker: '$' };
  });
  assert.ok(parseMessage(message), 'amounts with their currency');
  const wrong = edited(m => {
    m.payload.standing.objective.value = { tp: '160', currency: 'USD' };
  });
  assert.equal(parseMessage(wrong), null, 'an amount as text is malformed');
});

test('the business figures are optional: absent (older standings) or null, and so is each part', () => {
  const example = readMessage('standing.json').payload.standing;
  assert.ok(example.summary.business.kpi && example.summary.business.value, 'the example has both');
  assert.ok(example.summary.business.derivation);
  assert.ok(example.rows.some((row: any) => row.business?.projected_kpi && row.business?.value));
  assert.ok(example.rows.some((row: any) => row.business?.projected_kpi && row.business?.value === null));
  assert.ok(example.rows.some((row: any) => row.business === null));
  for (const value of ['absent', null]) {
    const message = edited(m => {
      const { summary, rows } = m.payload.standing;
      value === 'absent' ? delete summary.business : (summary.business = value);
      for (const row of rows) {
        value === 'absent' ? delete row.business : (row.business = value);
      }
    });
    assert.ok(parseMessage(message), `business ${value === null ? 'null' : 'absent'}`);
  }
  const parts: [string, (business: any, rows: any[]) => void][] = [
    ['no KPI projection', b => (b.kpi = null)],
    ['no value', b => (b.value = null)],
    ['no derivation', b => (b.derivation = null)],
    ['nothing at all', b => Object.assign(b, { kpi: null, value: null, derivation: null })],
    ['no intervals', b => Object.assign(b.kpi, { projected_interval: null, progress_interval: null })],
    ['no KPI progress', b => (b.kpi.progress = null)],
    ['a KPI progress below 0 and past 1', b => Object.assign(b.kpi, { progress: -0.2, progress_interval: [-0.5, 1.4] })],
    ['no value per period, no rule', b => Object.assign(b.value, { per_period: null, rule: null })],
    ['a row with nothing to project', (_, rows) => (rows[3].business = { projected_kpi: null, value: null })]
  ];
  for (const [what, edit] of parts) {
    const message = edited(m => edit(m.payload.standing.summary.business, m.payload.standing.rows));
    assert.ok(parseMessage(message), `${what} must be accepted`);
  }
});

test('the decision is optional, and well formed when it is there', t => {
  t.mock.method(console, 'warn', () => undefined);
  const decided = (edit: (decision: any, message: any) => void): unknown => {
    const message = readMessage('standing_decision.json');
    edit(message.payload.standing.decision, message);
    return message;
  };
  const example = readMessage('standing_decision.json').payload.standing.decision;
  assert.ok(example.shipped && example.agreements.length > 0, 'the example has a shipped model and an agreement');
  assert.ok(example.realized.some((r: any) => r.findings.some((f: any) => f.code === 'NBA401')));
  // Absent (older kernels, nothing decided yet); nothing shipped yet, only agreements.
  assert.ok(parseMessage(edited(m => delete m.payload.standing.decision)));
  assert.ok(parseMessage(decided(d => Object.assign(d, { shipped: null, realized: [] }))));
  assert.ok(parseMessage(decided(d => Object.assign(d.shipped, { recommended: false, reason: 'the <b>simpler</b> one' }))));
  assert.ok(parseMessage(decided(d => Object.assign(d.shipped, { projection: null, vs_target: null }))));
  const cases: [string, (decision: any, message: any) => void][] = [
    ['a decision as null', (_, m) => (m.payload.standing.decision = null)],
    ['a decision without realized', d => delete d.realized],
    ['a decision with a field it does not name', d => (d.history = [])],
    ['an agreement without holds', d => delete d.agreements[0].holds],
    ['an agreement to version -1', d => (d.agreements[0].version = -1)],
    ['a shipped model without current', d => delete d.shipped.current],
    ['a shipped model with an unknown vs_target', d => (d.shipped.vs_target = 'close')],
    ['a realized value as a number', d => (d.realized[1].value = 7.1)],
    ['a realized finding with a malformed code', d => (d.realized[1].findings[0].code = 'NBA41')],
    ['a realized finding without message', d => delete d.realized[1].findings[0].message]
  ];
  for (const [what, edit] of cases) {
    assert.equal(parseMessage(decided(edit)), null, `${what} must be rejected`);
  }
});

test('constants match the protocol', () => {
  assert.equal(TARGET, 'nbalign');
  assert.equal(PROTOCOL_VERSION, 2);
  assert.equal(DEFAULT_CONFIDENCE, 0.95);
  assert.deepEqual(REQUEST_STANDING, readMessage('request_standing.json'));
});

test('the parser checks against schema.json itself, and its enums are those of the schema', () => {
  const schema = readProtocol('schema.json');
  assert.deepEqual(SCHEMA, schema, 'schema.generated.ts holds protocol/schema.json as it is');
  const defs = schema.$defs;
  assert.equal(schema.properties.v.const, PROTOCOL_VERSION);
  assert.deepEqual([...MESSAGE_TYPES], schema.properties.type.enum);
  assert.deepEqual([...DIAGNOSTIC_LEVELS], defs.level.enum);
  assert.deepEqual([...BASELINE_KINDS], defs.objective.properties.baseline.properties.kind.enum);
  assert.deepEqual([...VERDICTS], defs.row.properties.verdict.enum);
  assert.deepEqual([...TONES], defs.row.properties.tone.enum);
  assert.deepEqual([...ROLES], defs.row.properties.role.enum);
});

test('insert_cell carries the source of a cell to insert, and nothing else', t => {
  t.mock.method(console, 'warn', () => undefined);
  const ok = { v: 2, type: 'insert_cell', payload: { source: '%%objective churn\nmetric: auc' } };
  assert.deepEqual(parseMessage(ok), ok);
  assert.equal(parseMessage({ v: 2, type: 'insert_cell', payload: {} }), null);
  assert.equal(parseMessage({ v: 2, type: 'insert_cell', payload: { source: 5 } }), null);
  assert.equal(parseMessage({ v: 2, type: 'insert_cell', payload: { source: 'x', run: true } }), null);
});
