import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import {
  barPercent,
  changeTone,
  formatChange,
  formatPercent,
  formatScore,
  kpiLine
} from '../format';
import { MESSAGES_DIR } from './fixtures';

test('scores read as the kernel writes them (protocol/score_format.json)', () => {
  const table = JSON.parse(fs.readFileSync(path.join(MESSAGES_DIR, '..', 'score_format.json'), 'utf-8'));
  assert.ok(table.cases.length > 5);
  for (const [value, text] of table.cases as [number, string][]) {
    assert.equal(formatScore(value), text, `formatScore(${value})`);
  }
  assert.equal(formatScore(null), '\u2014');
});

test('changes are signed', () => {
  assert.equal(formatChange(0.09), '+0.090');
  assert.equal(formatChange(-0.005), '\u22120.005');
  assert.equal(formatChange(0.0001), '\u00b10.000');
  assert.equal(formatChange(null), '\u2014');
});

test('the bar is clamped, the printed percent is not', () => {
  assert.equal(formatPercent(1.0303), '103%');
  assert.equal(barPercent(1.0303), 100);
  assert.equal(formatPercent(-0.2), '\u221220%');
  assert.equal(barPercent(-0.2), 0);
  assert.equal(barPercent(0.7576), 75.76);
  assert.equal(formatPercent(null), '\u2014');
});

test('a change is good or bad by the metric direction; under min_gain it is neutral', () => {
  assert.equal(changeTone(0.09, true, 0.01), 'good');
  assert.equal(changeTone(-0.09, true, 0.01), 'bad');
  assert.equal(changeTone(-0.09, false, 0.01), 'good');
  assert.equal(changeTone(0.09, false, 0.01), 'bad');
  assert.equal(changeTone(-0.005, true, 0.01), 'neutral');
  assert.equal(changeTone(null, true, 0.01), 'neutral');
  assert.equal(changeTone(-0.005, true, null), 'bad');
});

test('the KPI line: numbers with a deadline, or who judges', () => {
  assert.equal(
    kpiLine({ name: 'churn', current: '9%', target: '5%', deadline: '2027-06-30' }),
    '9% \u2192 5% by 2027-06-30'
  );
  // YAML may give numbers
  assert.equal(kpiLine({ name: 'missed', current: 12 as any, target: 6 as any }), '12 \u2192 6');
  assert.equal(kpiLine({ name: 'tone', judge: 'Head of Support' }), 'judged by Head of Support');
  assert.equal(kpiLine({ name: 'nothing' }), '');
});
