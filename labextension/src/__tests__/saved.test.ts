import assert from 'node:assert/strict';
import { test } from 'node:test';

import { AlignModel } from '../model';
import { fromSaved, METADATA_KEY, SAVED_FORMAT, savedDiffers, stableJson, toSaved } from '../saved';
import { readProtocol, standingPayload } from './fixtures';

function liveModel(at: string): AlignModel {
  const model = new AlignModel(() => new Date(at));
  model.applyStanding(standingPayload());
  return model;
}

test('protocol/saved/format1.json reads back as its standing', () => {
  const raw = readProtocol('saved/format1.json');
  const saved = fromSaved(raw);
  assert.ok(saved, 'format 1 is read');
  assert.equal(METADATA_KEY, 'nbalign');
  assert.equal(SAVED_FORMAT, 1);
  assert.deepEqual(saved, raw);
  assert.deepEqual(saved.standing, raw.standing);
  assert.equal(saved.saved_at, '2026-11-28T10:05:00+00:00');
  // Saved before the paired tests (issue 7): none of their fields, and it still reads.
  assert.equal('confidence' in raw.standing.summary, false);
  assert.equal('best_vs_baseline' in raw.standing.summary, false);
  assert.equal(raw.standing.rows.some((row: object) => 'vs_best' in row || 'vs_baseline' in row), false);
});

test('a live standing is saved as format 1 and reads back the same', () => {
  const saved = toSaved(liveModel('2026-11-28T10:00:00Z').state);
  assert.ok(saved);
  assert.deepEqual(Object.keys(saved).sort(), ['format', 'saved_at', 'standing']);
  assert.equal(saved.format, 1);
  assert.equal(saved.saved_at, '2026-11-28T10:00:00.000Z');
  assert.deepEqual(saved.standing, standingPayload().standing);
  const metadata = JSON.parse(JSON.stringify(saved));
  assert.deepEqual(fromSaved(metadata), saved);
});

test('the same standing at another time does not count as a change', () => {
  const before = JSON.parse(JSON.stringify(toSaved(liveModel('2026-11-28T10:00:00Z').state)));
  const after = toSaved(liveModel('2026-11-29T08:00:00Z').state);
  assert.equal(savedDiffers(before, after), false);
});

test('key order does not count as a change; a new score does', () => {
  const saved = toSaved(liveModel('2026-11-28T10:00:00Z').state)!;
  const reordered = JSON.parse(stableJson(saved));
  assert.equal(savedDiffers(reordered, saved), false);

  const changed = structuredClone(saved);
  changed.standing.rows[1].score = 0.53;
  assert.equal(savedDiffers(saved, changed), true);
});

test('nothing to save: no metadata is written, old metadata is removed', () => {
  assert.equal(toSaved(new AlignModel().state), null);
  const loadedWithoutObjective = new AlignModel();
  loadedWithoutObjective.applyStanding(standingPayload('standing_empty.json'));
  const empty = toSaved(loadedWithoutObjective.state);
  assert.equal(empty, null);
  assert.equal(savedDiffers(undefined, empty), false);
  assert.equal(savedDiffers(toSaved(liveModel('2026-11-28T10:00:00Z').state), empty), true);
});

test('an unknown format is ignored, and replaced on the next live standing', () => {
  const format1 = readProtocol('saved/format1.json');
  assert.equal(fromSaved({ ...format1, format: 2 }), null);
  assert.equal(fromSaved({ ...format1, format: '1' }), null);
  assert.equal(fromSaved({ standing: format1.standing, saved_at: format1.saved_at }), null);
  const next = toSaved(liveModel('2026-11-28T10:00:00Z').state);
  assert.equal(savedDiffers({ ...format1, format: 2 }, next), true);
});

test('what protocol version 1 saved is ignored without an exception', () => {
  const v1 = {
    v: 1,
    objective: readProtocol('saved/format1.json').standing.objective,
    evaluations: [
      {
        id: 1,
        name: 'logreg',
        estimator: 'sklearn.linear_model.LogisticRegression',
        metric: 'average_precision',
        score: 0.52,
        created_at: '2026-11-28T10:01:00+00:00',
        verdict: { baseline: 0.27, best_before: null, is_best: true, diagnostics: [] }
      }
    ],
    summary: { baseline: 0.27, target: 0.6, best: null, progress: null, n_evaluations: 1, banner: null },
    saved_at: '2026-11-28T10:05:00+00:00'
  };
  assert.equal(fromSaved(v1), null);
  assert.equal(savedDiffers(v1, toSaved(liveModel('2026-11-28T10:00:00Z').state)), true);
});

test('malformed metadata is ignored', () => {
  const format1 = readProtocol('saved/format1.json');
  for (const raw of [undefined, null, 'hello', 1, [], [format1]]) {
    assert.equal(fromSaved(raw), null, `${JSON.stringify(raw)} is not saved state`);
  }
  const badRow = structuredClone(format1);
  badRow.standing.rows[0].verdict = 'great';
  assert.equal(fromSaved(badRow), null);
  assert.equal(fromSaved({ ...format1, saved_at: 5 }), null);
  assert.equal(fromSaved({ ...format1, standing: null }), null);
});
