import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  agreementChangedText,
  barPercent,
  baselineClaim,
  directionText,
  formatChange,
  formatClaimDifference,
  formatDate,
  formatDifference,
  formatInterval,
  formatLevel,
  formatPercent,
  formatPercentEnds,
  formatPercentInterval,
  formatPValue,
  formatScore,
  formatTextInterval,
  formatTime,
  intervalLabel,
  isApart,
  kpiLine,
  modelsComparedText,
  notRecommendedText,
  realizedLine,
  shippedDetails,
  shippedLine,
  shippedVersionNote,
  testText,
  VERDICT_WORDS,
  verdictWord
} from '../format';
import { IBaselineClaim, IDifference, IKpi, TONES, VERDICTS } from '../protocol';
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

test('intervals read as protocol/format.json says', () => {
  for (const [low, high, confidence, text] of FORMAT.interval as [any, any, number, string][]) {
    assert.equal(formatInterval(low, high, confidence), text, `formatInterval(${low}, ${high}, ${confidence})`);
  }
  assert.ok(FORMAT.interval.length > 3, 'format.json has cases for interval');
});

test('p-values read as protocol/format.json says', () => {
  for (const [value, text] of casesOf('p_value')) {
    assert.equal(`p ${formatPValue(value)}`, text, `formatPValue(${value})`);
  }
});

test('levels read as protocol/format.json says', () => {
  for (const [confidence, text] of casesOf('level')) {
    assert.equal(formatLevel(confidence), text, `formatLevel(${confidence})`);
  }
});

test('a level is its shortest decimal times 100, as Python\'s Decimal(str(x)) * 100 reads', () => {
  // A Bonferroni-widened level, 1 - 0.05 / 6: float noise of *100 would read 99.16666666666666%.
  assert.equal(formatLevel(1 - 0.05 / 6), '99.16666666666667%');
  assert.equal(formatLevel(0.5), '50%');
  assert.equal(formatLevel(0.999), '99.9%');
  assert.equal(formatLevel(1e-7), '0.00001%');
  assert.equal(formatLevel(1), '100%');
  assert.equal(formatLevel(null), '\u2014');
  assert.equal(formatLevel(NaN), '\u2014');
});

test('an interval without both ends, or not finite, reads as a dash', () => {
  for (const [low, high] of [[null, 0.1], [0.1, undefined], [NaN, 0.1], [0.1, Infinity]]) {
    assert.equal(formatInterval(low, high, 0.95), '\u2014');
  }
});

test('progress intervals read with the percent formatter, under their label', () => {
  assert.equal(formatPercentInterval([0.4, 1.2], intervalLabel(0.95)), '95% CI 40% to 120%');
  // The percent formatter's rules hold at the ends: short of the target is not 100%.
  assert.equal(formatPercentInterval([-0.004, 0.997], intervalLabel(0.9)), '90% CI \u22121% to 99%');
  // The kernel's label for the best's progress, as its panel reads it
  assert.equal(
    formatPercentInterval([-0.66, 0.38], '95% CI, widened for the 3 models compared'),
    '95% CI, widened for the 3 models compared \u221266% to 38%'
  );
  assert.equal(formatPercentInterval(null, '95% CI'), '\u2014');
  assert.equal(formatPercentInterval([NaN, 1], '95% CI'), '\u2014');
  // the ends alone, for a meter that sets its label apart
  assert.equal(formatPercentEnds([-0.004, 0.997]), '\u22121% to 99%');
  assert.equal(formatPercentEnds(null), '\u2014');
});

test('an interval the kernel formatted (a projected KPI) reads with the level, its ends as they are', () => {
  assert.equal(formatTextInterval(['23.4%', '24.9%'], 0.95), '95% CI 23.4% to 24.9%');
  assert.equal(formatTextInterval(['$1.1M', '$1.3M'], 0.9), '90% CI $1.1M to $1.3M');
  assert.equal(formatTextInterval(null, 0.95), '\u2014');
});

const DIFFERENCE: IDifference = {
  estimate: 0.013,
  low: 0.004,
  high: 0.03,
  p_value: 0.0042,
  method: 'DeLong',
  n: 1409
};

test('a tested change reads with its interval; an untested one bare', () => {
  assert.equal(formatDifference(0.013, DIFFERENCE, 0.95), '+0.013 (95% CI +0.004 to +0.030)');
  assert.equal(formatDifference(0.013, null, 0.95), '+0.013');
  assert.equal(formatDifference(0.013, undefined, 0.95), '+0.013');
  assert.equal(formatDifference(null, null, 0.95), '\u2014');
});

test('p-values and how a difference was tested read for people', () => {
  assert.equal(formatPValue(0.0042), '= 0.004');
  assert.equal(formatPValue(0.54), '= 0.540');
  assert.equal(formatPValue(1), '= 1.000');
  assert.equal(formatPValue(0.001), '= 0.001');
  assert.equal(formatPValue(0.0009), '< 0.001');
  assert.equal(formatPValue(0), '< 0.001');
  assert.equal(formatPValue(null), '\u2014');
  assert.equal(testText(DIFFERENCE), 'p = 0.004, DeLong, 1,409 rows');
  assert.equal(testText({ ...DIFFERENCE, n: 1 }), 'p = 0.004, DeLong, 1 row');
});

test('the best against the baseline: the kernel\'s verdict on the claim, the correction named', () => {
  const claim: IBaselineClaim = {
    ...DIFFERENCE,
    estimate: 0.34,
    low: 0.29,
    high: 0.39,
    p_adjusted: 0.003,
    correction: 'Holm',
    models_compared: 6,
    verdict: 'better'
  };
  assert.deepEqual(baselineClaim(claim), {
    text: "better than the baseline after Holm's correction over 6 models",
    tone: 'good'
  });
  // The kernel decides; the numbers are not read again (a loss, a p-value near the level).
  assert.deepEqual(baselineClaim({ ...claim, p_adjusted: 0.06, verdict: 'not_distinguishable' }), {
    text: "not distinguishable from the baseline after Holm's correction over 6 models",
    tone: 'neutral'
  });
  // Beside "not distinguishable", the smallest gain the test detects 80% of the time (the kernel's).
  assert.deepEqual(
    baselineClaim({ ...claim, p_adjusted: 0.3, verdict: 'not_distinguishable', detectable: 0.0312 }),
    {
      text:
        "not distinguishable from the baseline after Holm's correction over 6 models; these rows detect a gain " +
        'of +0.031 or more 80% of the time',
      tone: 'neutral'
    }
  );
  assert.deepEqual(baselineClaim({ ...claim, verdict: 'worse' }), {
    text: "worse than the baseline after Holm's correction over 6 models",
    tone: 'bad'
  });
  for (const single of [{ models_compared: 1, correction: 'none' }, { models_compared: 0, correction: 'none' }, { models_compared: 1, correction: 'Holm' }]) {
    assert.equal(
      baselineClaim({ ...claim, ...single }).text,
      'better than the baseline (no correction: a single comparison)'
    );
    assert.equal(formatClaimDifference({ ...claim, ...single }, 0.95), '+0.340 (95% CI +0.290 to +0.390)');
  }
  assert.equal(
    baselineClaim({ ...claim, correction: 'Bonferroni', models_compared: 40 }).text,
    "better than the baseline after Bonferroni's correction over 40 models"
  );
  assert.equal(
    formatClaimDifference(claim, 0.95),
    '+0.340 (Bonferroni-adjusted 95% CI +0.290 to +0.390)'
  );
  assert.equal(
    formatClaimDifference({ ...claim, models_compared: 1 }, 0.95),
    '+0.340 (95% CI +0.290 to +0.390)'
  );
  assert.equal(modelsComparedText(6), '6 models compared on this test set');
  assert.equal(modelsComparedText(1), '1 model compared on this test set');
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

test("a row's word and whether it is apart are the kernel's; the vocabulary's only for older standings", () => {
  // the kernel's say wins, even where the table would say otherwise
  assert.equal(verdictWord({ verdict: 'no_gain', word: 'no real gain' }), 'no real gain');
  assert.equal(isApart({ verdict: 'training_data', apart: false }), false);
  assert.equal(isApart({ verdict: 'new_best', apart: true }), true);
  // a standing saved before the kernel sent them
  assert.equal(verdictWord({ verdict: 'few_rows' }), 'on a slice of the test set');
  assert.equal(isApart({ verdict: 'few_rows' }), true);
  assert.equal(isApart({ verdict: 'no_gain' }), false);
});

test('direction and time read for people', () => {
  const metric = { name: 'rmse', label: 'RMSE', scorer: 'neg_root_mean_squared_error' };
  assert.equal(directionText({ ...metric, greater_is_better: false }), 'lower is better');
  assert.equal(directionText({ ...metric, greater_is_better: true }), 'higher is better');
  assert.equal(formatTime(null), 'earlier');
  assert.equal(formatTime('not a date'), 'not a date');
  assert.match(formatTime('2026-11-28T10:05:00+00:00'), /2026/);
});

test('a day reads for people, the same day wherever the reader is', () => {
  assert.equal(formatDate(null), '\u2014');
  assert.equal(formatDate('not a day'), 'not a day');
  const day = formatDate('2027-03-31');
  assert.equal(day, new Date(2027, 2, 31).toLocaleDateString(undefined, { dateStyle: 'medium' }));
  assert.match(day, /2027/);
  assert.match(day, /31/, 'a day alone is not moved to the day before by the time zone');
  assert.match(formatDate('2026-11-28T10:05:00+00:00'), /2026/);
});

test('what was decided reads in words: shipped, realized, not recommended, earlier version, agreement changed', () => {
  const shipped = { name: 'gbm', version: 2, at: '2027-01-15', by: 'ana' };
  const day = formatDate('2027-01-15');
  assert.equal(shippedDetails(shipped), `v2 \u00b7 ${day} by ana`);
  assert.equal(shippedLine(shipped), `Shipped gbm \u00b7 v2 \u00b7 ${day} by ana`);
  assert.equal(realizedLine({ value: '7.1%', on: '2027-04-30' }), `Realized 7.1% on ${formatDate('2027-04-30')}`);
  assert.equal(notRecommendedText({ recommended: true, reason: null }), null);
  assert.equal(notRecommendedText({ recommended: false, reason: 'cheaper to run' }), 'not the recommended model: cheaper to run');
  assert.equal(notRecommendedText({ recommended: false, reason: null }), 'not the recommended model');
  assert.equal(shippedVersionNote({ current: true }), null);
  assert.equal(shippedVersionNote({ current: false }), 'shipped under an earlier version of the objective');
  const agreement = { role: 'VP Growth', by: 'ana', at: '2026-11-28T10:02:00+00:00', version: 1, holds: false };
  assert.equal(agreementChangedText([]), null, 'nobody agreed');
  assert.equal(
    agreementChangedText([agreement, { ...agreement, role: 'CFO', version: 2 }]),
    'The objective changed after it was agreed (VP Growth, v1; CFO, v2)',
    'every role whose agreement no longer holds named'
  );
  assert.equal(
    agreementChangedText([agreement, { ...agreement, role: 'CFO', holds: true }]),
    'The objective changed after it was agreed (VP Growth, v1)',
    "another role's agreement does not stand for it"
  );
  assert.equal(agreementChangedText([{ ...agreement, holds: true }]), null, 'every agreement holds');
});
