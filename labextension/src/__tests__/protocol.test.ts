import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import {
  BASELINE_KINDS,
  DIAGNOSTIC_LEVELS,
  MESSAGE_TYPES,
  parseMessage,
  PROTOCOL_VERSION,
  REQUEST_SNAPSHOT,
  TARGET
} from '../protocol';
import { INVALID_DIR, jsonFiles, MESSAGES_DIR, readMessage } from './fixtures';

// First in this file: the warnings are counted once per kind for the whole module.
test('each invalid message is rejected, with one warning per kind of problem', t => {
  const files = jsonFiles(INVALID_DIR);
  assert.deepEqual(files, [
    'evaluation_without_body.json',
    'future_version.json',
    'not_an_envelope.json',
    'unknown_type.json'
  ]);
  const warn = t.mock.method(console, 'warn', () => undefined);
  for (const name of files) {
    for (let i = 0; i < 3; i++) {
      assert.equal(parseMessage(readMessage(name, INVALID_DIR)), null, `${name} must be rejected`);
    }
  }
  // body, version, envelope, type: four kinds, each warned once despite three tries
  assert.equal(warn.mock.callCount(), 4);
});

test('every valid example message is accepted as itself', () => {
  const files = jsonFiles(MESSAGES_DIR);
  assert.deepEqual(files, [
    'evaluation.json',
    'request_snapshot.json',
    'snapshot.json',
    'snapshot_empty.json'
  ]);
  for (const name of files) {
    const raw = readMessage(name);
    const message = parseMessage(raw);
    assert.ok(message, `${name} must be accepted`);
    assert.equal(message.type, raw.type);
    assert.deepEqual(message, raw);
  }
});

test('malformed bodies of known types are rejected', t => {
  t.mock.method(console, 'warn', () => undefined);
  const snapshot = readMessage('snapshot.json');
  const evaluation = readMessage('evaluation.json');

  const scoreAsText = structuredClone(evaluation);
  scoreAsText.payload.evaluation.score = '0.61';
  assert.equal(parseMessage(scoreAsText), null);

  const noVerdict = structuredClone(evaluation);
  delete noVerdict.payload.evaluation.verdict;
  assert.equal(parseMessage(noVerdict), null);

  const badLevel = structuredClone(snapshot);
  badLevel.payload.summary.banner.level = 'error';
  assert.equal(parseMessage(badLevel), null);

  const noEvaluations = structuredClone(snapshot);
  delete noEvaluations.payload.evaluations;
  assert.equal(parseMessage(noEvaluations), null);

  const requestWithBody = { ...REQUEST_SNAPSHOT, payload: { x: 1 } };
  assert.equal(parseMessage(requestWithBody), null);

  assert.equal(parseMessage(null), null);
  assert.equal(parseMessage('{"v":1}'), null);
});

test('constants match the protocol', () => {
  assert.equal(TARGET, 'nbalign');
  assert.equal(PROTOCOL_VERSION, 1);
  assert.deepEqual(REQUEST_SNAPSHOT, readMessage('request_snapshot.json'));
});

test('the enums of the parser are those of schema.json', () => {
  const schema = JSON.parse(
    fs.readFileSync(path.join(MESSAGES_DIR, '..', 'schema.json'), 'utf-8')
  );
  const defs = schema.$defs;
  assert.deepEqual([...MESSAGE_TYPES], schema.properties.type.enum);
  assert.deepEqual([...DIAGNOSTIC_LEVELS], defs.diagnostic.properties.level.enum);
  assert.deepEqual([...BASELINE_KINDS], defs.objective.properties.baseline.properties.kind.enum);
  assert.equal(schema.properties.v.const, PROTOCOL_VERSION);
});
