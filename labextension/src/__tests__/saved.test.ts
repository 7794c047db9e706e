import assert from 'node:assert/strict';
import { test } from 'node:test';

import { AlignModel } from '../model';
import { ISnapshotMessage } from '../protocol';
import { fromSaved, savedDiffers, stableJson, toSaved } from '../saved';
import { readMessage } from './fixtures';

function liveModel(at: string): AlignModel {
  const model = new AlignModel(() => new Date(at));
  model.applySnapshot((readMessage('snapshot.json') as ISnapshotMessage).payload);
  return model;
}

test('a saved snapshot reads back as the same state', () => {
  const saved = toSaved(liveModel('2026-11-28T10:00:00Z').state);
  assert.ok(saved);
  assert.equal(saved.saved_at, '2026-11-28T10:00:00.000Z');
  const metadata = JSON.parse(JSON.stringify(saved));
  assert.deepEqual(fromSaved(metadata), saved);
});

test('the same state at another time does not count as a change', () => {
  const before = JSON.parse(JSON.stringify(toSaved(liveModel('2026-11-28T10:00:00Z').state)));
  const after = toSaved(liveModel('2026-11-29T08:00:00Z').state);
  assert.equal(savedDiffers(before, after), false);
});

test('key order does not count as a change; a new score does', () => {
  const saved = toSaved(liveModel('2026-11-28T10:00:00Z').state)!;
  const reordered = JSON.parse(stableJson(saved));
  assert.equal(savedDiffers(reordered, saved), false);

  const changed = structuredClone(saved);
  changed.evaluations[0].score = 0.53;
  assert.equal(savedDiffers(saved, changed), true);
});

test('nothing to save: no metadata is written, old metadata is removed', () => {
  const empty = toSaved(new AlignModel().state);
  assert.equal(empty, null);
  assert.equal(savedDiffers(undefined, empty), false);
  assert.equal(savedDiffers(toSaved(liveModel('2026-11-28T10:00:00Z').state), empty), true);
});

test('metadata that is not ours is ignored, and replaced on the next live state', () => {
  assert.equal(fromSaved('hello'), null);
  assert.equal(fromSaved({ v: 2, objective: null, evaluations: [], summary: null }), null);
  assert.equal(fromSaved({ v: 1, objective: null, evaluations: 'many', summary: null }), null);
  const next = toSaved(liveModel('2026-11-28T10:00:00Z').state);
  assert.equal(savedDiffers({ something: 'else' }, next), true);
});
