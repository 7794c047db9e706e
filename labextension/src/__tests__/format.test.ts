import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  barPercent,
  directionText,
  formatChange,
  formatPercent,
  formatScore,
  formatTime,
  kpiLine,
  VERDICT_WORDS
} from '../format';
import { IKpi, TONES, VERDICTS } from '../protocol';
import { readProtocol } from './fixtures';

const FORMAT = readProtocol('format.json');

function casesOf(section: string): [any, string][] {
  const cases = FORMAT[section] as [any, string][];
  assert.ok(Array.isArray(cases) && cases.length > 3, `format.json has cases for ${section}`);
  return cases;
}

test('scores read as protocol/format.json says', () => {
  for (const [value, text] of casesOf('score')) {
    assert.equal(formatScore(value), text, `formatScore(${value})`);
  }
});

test('changes read as protocol/format.json says', () => {
  for (const [value, text] of casesOf('change')) {
    assert.equal(formatChange(value), text, `formatChange(${value})`);
  }
});

test('percents read as protocol/format.json says', () => {
  for (const [value, text] of casesOf('percent')) {
    assert.equal(formatPercent(value), text, `formatPercent(${value})`);
  }
});

test('the KPI line reads as protocol/format.json says', () => {
  for (const [kpi, text] of casesOf('kpi_line')) {
    assert.equal(kpiLine(kpi as IKpi), text, `kpiLine(${JSON.stringify(kpi)})`);
  }
});

test('nothing, or a number that is not finite, reads as a dash', () => {
  for (const value of [null, undefined, NaN, Infinity, -Infinity]) {
    assert.equal(formatScore(value), '\u2014');
    assert.equal(formatChange(value), '\u2014');
    assert.equal(formatPercent(value), '\u2014');
    assert.equal(barPercent(value), 0);
  }
});

test('the bar is clamped, the printed percent is not', () => {
  assert.equal(formatPercent(1.0303), '103%');
  assert.equal(barPercent(1.0303), 100);
  assert.equal(formatPercent(-0.2), '\u221220%');
  assert.equal(barPercent(-0.2), 0);
  assert.equal(barPercent(0.7576), 75.76);
});

test('every verdict of protocol/vocabulary.json has its word and tone, and no other', () => {
  const vocabulary = readProtocol('vocabulary.json').verdicts;
  assert.deepEqual(VERDICT_WORDS, vocabulary);
  assert.deepEqual(Object.keys(VERDICT_WORDS).sort(), [...VERDICTS].sort());
  for (const { tone } of Object.values(VERDICT_WORDS)) {
    assert.ok((TONES as readonly string[]).includes(tone), `${tone} is a tone of the schema`);
  }
});

test('direction and time read for people', () => {
  const metric = { name: 'rmse', label: 'RMSE', scorer: 'neg_root_mean_squared_error' };
  assert.equal(directionText({ ...metric, greater_is_better: false }), 'lower is better');
  assert.equal(directionText({ ...metric, greater_is_better: true }), 'higher is better');
  assert.equal(formatTime(null), 'earlier');
  assert.equal(formatTime('not a date'), 'not a date');
  assert.match(formatTime('2026-11-28T10:05:00+00:00'), /2026/);
});
