// Generated from protocol/schema.json by `jlpm generate` (scripts/generate.mjs): do not edit.
// Edit the schema and run the command again; tests/test_protocol.py fails while this file is stale.

export type NumberOrNull = number | null;
export type TextOrNull = string | null;
export type CheckCode = string;
export type DiagnosticLevel = 'info' | 'warning' | 'success';
/**
 * The best model against the baseline, corrected by Bonferroni's procedure over the models_compared models compared with the baseline on that test set: its interval at level 1 - (1 - confidence) / models_compared and its p-value min(1, models_compared x p), a matched pair (the interval clears 0 exactly when p_adjusted is below 1 - confidence).
 */
export type IBaselineClaim = IDifference & {
  p_adjusted: number;
  /**
   * The correction's name: "Bonferroni", or "none" (a single comparison).
   */
  correction: string;
  models_compared: number;
  /**
   * What the claim says, decided by the kernel (the sidebar shows it, never reads the numbers again): better (or worse) when the widened interval lies on the metric's good (or bad) side of 0, which is when p_adjusted is below 1 - confidence.
   */
  verdict: 'better' | 'not_distinguishable' | 'worse';
  /**
   * Beside not_distinguishable only: the smallest gain over the baseline this test detects 80% of the time at the claim's level, (z + z_0.8) x its standard error, in the metric's units. A true gain smaller than it is usually not shown: not distinguishable is absence of evidence.
   */
  detectable?: number;
};

/**
 * Every `$defs` entry of protocol/schema.json, by its key.
 */
export interface IProtocolDefs {
  number: NumberOrNull;
  text: TextOrNull;
  code: CheckCode;
  level: DiagnosticLevel;
  standingMessage: IStandingPayload;
  standing: IStanding;
  objective: IObjective;
  summary: ISummary;
  banner: IBanner;
  row: IRow;
  difference: IDifference;
  baselineClaim: IBaselineClaim;
  business: IBusiness;
  businessKpi: IBusinessKpi;
  businessValue: IBusinessValue;
  rowBusiness: IRowBusiness;
  saved: ISavedStanding;
}
/**
 * The whole judged state of the kernel, sent after every change and on request. A frontend replaces its state with it; it never merges.
 */
export interface IStandingPayload {
  /**
   * Random per kernel session: a restarted kernel counts revisions anew.
   */
  session: string;
  /**
   * Grows by one with each change in one session; an older revision is ignored.
   */
  revision: number;
  /**
   * null: nbalign is loaded, no objective declared.
   */
  standing: null | IStanding;
}
export interface IStanding {
  objective: IObjective;
  summary: ISummary;
  /**
   * The most recent rows, oldest first, at most ROWS_SHIPPED of them.
   */
  rows: IRow[];
  /**
   * Every row of the objective, shipped or not.
   */
  rows_total: number;
  /**
   * The KPI as one statement of intent, with the time left as of the kernel's today: 'Cut the share of customers who cancel within the quarter from 26.5% to 22% by 2027-06-30 (7 months left); accountable: VP Customer Success.' Absent from older kernels.
   */
  kpi_statement?: string | null;
  /**
   * What the checks of the objective found (NBA1xx: the KPI, the metric against the test labels, the test set's size), most important first. Absent from older kernels and saved metadata.
   */
  findings?: IBanner[];
  /**
   * Level, title and explanation of every code that appears in rows, findings or the banner.
   */
  checks: {
    [k: string]: {
      level: DiagnosticLevel;
      title: string;
      explanation: string;
    };
  };
  /**
   * What was decided about the objective (nbalign.decision): who agreed to which content, the model shipped as judged when it was shipped, and the KPI realized since. Absent until something is decided, and from older kernels.
   */
  decision?: {
    /**
     * Each role's latest agreement (an earlier one of the same role no longer counts), and whether it is to the active version's content.
     */
    agreements: {
      role: string;
      by: string;
      at: string;
      version: number;
      /**
       * The agreement is to the active version's content (its hash); false once the objective changed after it.
       */
      holds: boolean;
    }[];
    shipped: null | {
      name: string;
      /**
       * The objective's version it was shipped under.
       */
      version: number;
      at: string;
      by: string;
      recommended: boolean;
      /**
       * Why a model the judge did not recommend was shipped.
       */
      reason: string | null;
      /**
       * The projected KPI when it was shipped, with its interval.
       */
      projection: string | null;
      /**
       * Its interval, adjusted for the models compared, against the target when shipped.
       */
      vs_target: 'reached' | 'short' | 'straddles' | null;
      real_gain: boolean;
      /**
       * Someone agreed to the content it was shipped under.
       */
      agreed: boolean;
      /**
       * It was shipped under the active version's content.
       */
      current: boolean;
    };
    realized: {
      value: string;
      on: string;
      findings: {
        code: CheckCode;
        message: string;
      }[];
    }[];
  };
}
export interface IObjective {
  name: string;
  version: number;
  created_at?: string;
  outcome: TextOrNull;
  /**
   * Why this version of the objective: what changed since the one before, in the user's words (`why:`). Optional: absent in standings saved before it.
   */
  why?: TextOrNull;
  kpi: null | {
    name: string;
    current?: TextOrNull;
    target?: TextOrNull;
    deadline?: TextOrNull;
    owner?: TextOrNull;
    judge?: TextOrNull;
  };
  metric: {
    name: string;
    label: string;
    scorer: string;
    greater_is_better: boolean;
    /**
     * The terms of one of nbalign's own metrics (recall_at_k, precision_at_k, business_value): share or threshold, value matrix.
     */
    params?: {
      [k: string]: number | null;
    };
  };
  target: NumberOrNull;
  baseline: {
    kind: 'number' | 'first' | 'model' | 'auto';
    value?: NumberOrNull;
    model?: TextOrNull;
  };
  stop: {
    min_gain: NumberOrNull;
    patience: number;
  };
  /**
   * What outcomes are worth: a value matrix (tp, fp, fn, tn) or a regression's cost per unit of error (under, over); amounts in `currency` (ISO 4217, null for plain numbers), shown with `marker`.
   */
  value?: null | {
    currency?: TextOrNull;
    marker?: TextOrNull;
    [k: string]: number | null | TextOrNull | undefined;
  };
  notebook?: TextOrNull;
  data?: {};
  source?: string;
  /**
   * Cases per period, as written and read.
   */
  population?: null | {
    cases: number;
    unit?: TextOrNull;
    period?: TextOrNull;
    text?: string;
  };
  /**
   * What the business does with the model's output: a rule (top share or count, threshold, predicted) under the user's verb, and its effect (0..1; the middle of its range when it was stated as one).
   */
  action?: null | {
    verb: string;
    rule: 'top' | 'threshold' | 'predicted';
    share?: NumberOrNull;
    count?: NumberOrNull;
    threshold?: NumberOrNull;
    effect?: NumberOrNull;
    text?: string;
    /**
     * The effect stated as a range (`effect: 20% to 40%`, `30% ± 10%`): its low and high ends (0..1); null or absent for a single effect.
     */
    effect_range?: null | [number, number];
  };
  /**
   * `target: from kpi`: the target was derived from the KPI target (see `derivation`).
   */
  target_from_kpi?: boolean;
  derivation?: null | {
    target: number;
    recall?: number;
    text: string;
    reachable_recall?: number;
  };
}
export interface ISummary {
  baseline: NumberOrNull;
  target: NumberOrNull;
  min_gain: number;
  /**
   * The best candidate: the best model, or the baseline model while no model scores above it.
   */
  best: null | {
    id: number;
    name: string;
    score: number;
    /**
     * baseline: no model scores above the baseline model, which is then the best candidate. Optional: absent in standings saved before it.
     */
    role?: 'model' | 'baseline';
  };
  /**
   * The model to ship: the one the banner, the recommendation, the plot and the sidebar all name. Optional: absent in standings saved before it.
   */
  ship?: null | {
    id: number;
    name: string;
    score: number;
    role: 'model' | 'baseline';
    /**
     * beats_simpler: the best, with a real gain over every simpler model; simplest_compared: the best, no simpler model compared; simpler_below_baseline: the best, every simpler model below the baseline; simplest: the simplest model shown not worse than the best by min_gain; undecided: the best, the test rows cannot tell whether a simpler model does as well; baseline: no model scores above the baseline model.
     */
    why:
      | 'beats_simpler'
      | 'simplest_compared'
      | 'simpler_below_baseline'
      | 'simplest'
      | 'undecided'
      | 'baseline';
    /**
     * Why, in words that follow the model's name.
     */
    reason: string;
    progress?: NumberOrNull;
  };
  progress: NumberOrNull;
  /**
   * Models judged on the objective's metric (baseline rows and other metrics excluded).
   */
  n_models: number;
  banner: null | IBanner;
  /**
   * The confidence level of every interval in the standing (the objective's stop.confidence, 0.95 by default). Optional, like the three after it: standings saved before them lack them.
   */
  confidence?: null | number;
  best_vs_baseline?: null | IBaselineClaim;
  /**
   * The best model's progress (0 = baseline, 1 = target) as an interval [low, high] at confidence.
   */
  progress_interval?: null | [number, number];
  /**
   * How to read progress_interval: `95% CI`, or `95% CI for the best of 3 models (98.33% each, Bonferroni)` when it is the best's claim adjusted for the models it was chosen from. Optional: absent in standings saved before it.
   */
  progress_interval_label?: TextOrNull;
  /**
   * Models compared with the baseline on the best model's test set (the baseline model itself not counted): the family the correction counts.
   */
  models_compared?: null | number;
  /**
   * What the metric means for the business (since issue 9): the KPI projected with the model to ship (summary.ship, the one the recommendation and the story speak of), the value it is expected to bring, and how the metric target was derived from the KPI target. Optional: absent in standings saved before it; null when the objective gives nothing to project.
   */
  business?: null | IBusiness;
  /**
   * The business story in one line: what shipping the recommended model does to the KPI (or the metric), and what the best model adds beyond it. Optional: absent in standings saved before it.
   */
  story?: TextOrNull;
}
export interface IBanner {
  code: CheckCode;
  level: DiagnosticLevel;
  title: string;
  message: string;
  explanation: string;
}
/**
 * A paired test of two models on the same rows. estimate = metric(this model) - metric(the other), in the metric's units as the user writes them (a negative estimate of a loss is a gain); low..high is the two-sided confidence interval at summary.confidence; n is the number of rows used.
 */
export interface IDifference {
  estimate: number;
  low: number;
  high: number;
  p_value: number;
  /**
   * How it was tested, for people: "DeLong", "paired bootstrap of average precision, percentile, 1000 resamples".
   */
  method: string;
  n: number;
}
/**
 * The business figures of the standing. Every string is formatted by the kernel in the KPI's or the value's own units; a frontend shows it as text.
 */
export interface IBusiness {
  /**
   * null: no projection of the KPI is possible.
   */
  kpi: null | IBusinessKpi;
  /**
   * null: the objective has no value matrix or action.
   */
  value: null | IBusinessValue;
  /**
   * How the metric target was derived from the KPI target, for people: 'recall in the top 20% must reach 0.57 for ... to fall from 26.5% to 22% (contact the top 20%, effect 30%)'.
   */
  derivation: TextOrNull;
}
/**
 * The KPI projected with a model: from its current value toward its target.
 */
export interface IBusinessKpi {
  name: string;
  /**
   * Formatted: '26.5%'.
   */
  current: string;
  target: string;
  /**
   * The KPI the model is projected to bring it to.
   */
  projected: string;
  /**
   * The projected KPI as an interval [low, high] at summary.confidence, formatted.
   */
  projected_interval: null | [string, string];
  /**
   * 0 at the KPI's current value, 1 at its target; may be negative or above 1.
   */
  progress: NumberOrNull;
  /**
   * progress as an interval [low, high] at summary.confidence.
   */
  progress_interval: null | [number, number];
  /**
   * Only when the action's effect is a range: the projected KPI over the recall's interval and the effect's range (the lowest and highest projection at their ends), formatted. Shown beside projected_interval, which is at the middle of the effect.
   *
   * @minItems 2
   * @maxItems 2
   */
  projected_range?: [string, string];
  /**
   * Only with projected_range: the effect's range, formatted ('20% to 40%').
   */
  effect_range?: string;
  /**
   * The model the projection is made with.
   */
  model: string;
  /**
   * The projection in one sentence: '26.5% → 24.1% projected with forest (95% CI 23.4% to 24.9%); target 22%'.
   */
  text: string;
}
/**
 * The value a model is expected to bring, from the objective's value matrix and action.
 */
export interface IBusinessValue {
  /**
   * Formatted: '$12.40'.
   */
  per_case: string;
  /**
   * '$149k per quarter'; null without a volume per period (then per_case stands alone).
   */
  per_period: TextOrNull;
  model: string;
  /**
   * The action the value assumes: 'contact the top 20% (2,400 customers per quarter)'.
   */
  rule: TextOrNull;
  /**
   * The value in one sentence: 'forest: $149k per quarter ($12.40 per case), contacting the top 20%'.
   */
  text: string;
}
export interface IRow {
  id: number;
  name: string;
  estimator: string;
  role: 'model' | 'baseline';
  /**
   * The objective version the evaluation was recorded under.
   */
  version: number;
  metric: string;
  metric_label: string;
  score: number;
  /**
   * The kernel's verdict; `word` is how every view says it. few_rows: scored on a slice of the test set (NBA201), compared for what it is worth but set apart.
   */
  verdict:
    | 'new_best'
    | 'small_gain'
    | 'fit_only'
    | 'no_gain'
    | 'worse'
    | 'below_baseline'
    | 'first'
    | 'baseline'
    | 'other_metric'
    | 'training_data'
    | 'other_test_set'
    | 'cross_validation'
    | 'few_rows';
  /**
   * The verdict in words, as every view shows it (protocol/vocabulary.json). Optional: absent in standings saved before it.
   */
  word?: string;
  tone: 'good' | 'bad' | 'neutral';
  /**
   * Shown apart from the comparison (training data, another test set, cross-validated, a slice of the test set): never the best, never in progress, drawn hollow. Optional: absent in standings saved before it.
   */
  apart?: boolean;
  best_before: NumberOrNull;
  /**
   * The model this row was compared with: the best candidate before it (a model, or the baseline model). Optional: absent in standings saved before it.
   */
  best_before_name?: TextOrNull;
  /**
   * Whether best_before_name is a model or the baseline model. Optional: absent in standings saved before it.
   */
  best_before_role?: null | ('model' | 'baseline');
  /**
   * The best candidate's score once this row is judged (the baseline model counts while no model scores above it): the best-so-far line every view draws. Null for rows set apart. Optional: absent in standings saved before it.
   */
  best_so_far?: NumberOrNull;
  change_vs_best: NumberOrNull;
  change_vs_baseline: NumberOrNull;
  progress: NumberOrNull;
  codes: CheckCode[];
  /**
   * Each finding of the row with its message, the most important (the row's banner) first. Optional: absent in standings saved before it.
   */
  findings?: {
    code: CheckCode;
    message: string;
  }[];
  /**
   * This model against the best before it; null for the first model, baseline rows, other-metric rows, or without kept predictions to test. Optional: absent in standings saved before it.
   */
  vs_best?: null | IDifference;
  /**
   * This model against the baseline (its kept predictions, or for a numeric baseline the model's own interval shifted by the constant); null without a test. Optional: absent in standings saved before it.
   */
  vs_baseline?: null | IDifference;
  /**
   * This model's business figures (since issue 9); null when there is nothing to project. Optional: absent in standings saved before it.
   */
  business?: null | IRowBusiness;
  /**
   * The row became the best so far, as the kernel judged it (a chart draws the best-so-far step through these rows). Optional (since issue 11): absent in standings saved before it.
   */
  became_best?: boolean;
  /**
   * The score's own interval [low, high] at summary.confidence: the baseline's score plus the ends of the test against the baseline (vs_baseline); null when untested. Optional (since issue 11): absent in standings saved before it.
   */
  interval?: null | [number, number];
  /**
   * This model's progress to the target as an interval (its own, unadjusted), at the standing's confidence. Optional: absent in standings saved before it.
   */
  progress_interval?: null | [number, number];
  /**
   * The id of the notebook cell that produced the evaluation, when the front end sent one; null otherwise. Optional (since issue 11): absent in standings saved before it.
   */
  cell_id?: string | null;
}
/**
 * One model's business figures, formatted by the kernel.
 */
export interface IRowBusiness {
  /**
   * The KPI projected with this model: '24.1%'.
   */
  projected_kpi: TextOrNull;
  /**
   * The value this model is expected to bring: '$149k per quarter'.
   */
  value: TextOrNull;
}
/**
 * What the sidebar saves in a notebook's metadata under `nbalign`: its own format, versioned apart from the wire protocol.
 */
export interface ISavedStanding {
  format: 1;
  saved_at: string;
  standing: IStanding;
}

/** protocol/schema.json itself: protocol.ts validates what arrives against it. */
export const SCHEMA = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "nbalign-protocol-v2",
  "title": "nbalign comm message, version 2",
  "type": "object",
  "required": [
    "v",
    "type",
    "payload"
  ],
  "properties": {
    "v": {
      "const": 2
    },
    "type": {
      "enum": [
        "standing",
        "request_standing",
        "insert_cell"
      ]
    },
    "payload": {
      "type": "object"
    }
  },
  "allOf": [
    {
      "if": {
        "properties": {
          "type": {
            "const": "standing"
          }
        }
      },
      "then": {
        "properties": {
          "payload": {
            "$ref": "#/$defs/standingMessage"
          }
        }
      }
    },
    {
      "if": {
        "properties": {
          "type": {
            "const": "request_standing"
          }
        }
      },
      "then": {
        "properties": {
          "payload": {
            "type": "object",
            "maxProperties": 0
          }
        }
      }
    },
    {
      "if": {
        "properties": {
          "type": {
            "const": "insert_cell"
          }
        }
      },
      "then": {
        "properties": {
          "payload": {
            "type": "object",
            "required": [
              "source"
            ],
            "properties": {
              "source": {
                "type": "string",
                "maxLength": 100000
              }
            },
            "additionalProperties": false
          }
        }
      }
    }
  ],
  "$defs": {
    "number": {
      "title": "number or null",
      "type": [
        "number",
        "null"
      ]
    },
    "text": {
      "title": "text or null",
      "type": [
        "string",
        "null"
      ]
    },
    "code": {
      "title": "check code",
      "type": "string",
      "pattern": "^NBA[1-4][0-9][0-9]$"
    },
    "level": {
      "title": "diagnostic level",
      "enum": [
        "info",
        "warning",
        "success"
      ]
    },
    "standingMessage": {
      "title": "standing payload",
      "description": "The whole judged state of the kernel, sent after every change and on request. A frontend replaces its state with it; it never merges.",
      "type": "object",
      "required": [
        "session",
        "revision",
        "standing"
      ],
      "properties": {
        "session": {
          "type": "string",
          "description": "Random per kernel session: a restarted kernel counts revisions anew."
        },
        "revision": {
          "type": "integer",
          "minimum": 1,
          "description": "Grows by one with each change in one session; an older revision is ignored."
        },
        "standing": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "$ref": "#/$defs/standing"
            }
          ],
          "description": "null: nbalign is loaded, no objective declared."
        }
      }
    },
    "standing": {
      "type": "object",
      "required": [
        "objective",
        "summary",
        "rows",
        "rows_total",
        "checks"
      ],
      "properties": {
        "objective": {
          "$ref": "#/$defs/objective"
        },
        "summary": {
          "$ref": "#/$defs/summary"
        },
        "rows": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/row"
          },
          "description": "The most recent rows, oldest first, at most ROWS_SHIPPED of them."
        },
        "rows_total": {
          "type": "integer",
          "minimum": 0,
          "description": "Every row of the objective, shipped or not."
        },
        "kpi_statement": {
          "type": [
            "string",
            "null"
          ],
          "description": "The KPI as one statement of intent, with the time left as of the kernel's today: 'Cut the share of customers who cancel within the quarter from 26.5% to 22% by 2027-06-30 (7 months left); accountable: VP Customer Success.' Absent from older kernels."
        },
        "findings": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/banner"
          },
          "description": "What the checks of the objective found (NBA1xx: the KPI, the metric against the test labels, the test set's size), most important first. Absent from older kernels and saved metadata."
        },
        "checks": {
          "type": "object",
          "description": "Level, title and explanation of every code that appears in rows, findings or the banner.",
          "propertyNames": {
            "pattern": "^NBA[1-4][0-9][0-9]$"
          },
          "additionalProperties": {
            "type": "object",
            "required": [
              "level",
              "title",
              "explanation"
            ],
            "properties": {
              "level": {
                "$ref": "#/$defs/level"
              },
              "title": {
                "type": "string"
              },
              "explanation": {
                "type": "string"
              }
            }
          }
        },
        "decision": {
          "type": "object",
          "required": [
            "agreements",
            "shipped",
            "realized"
          ],
          "additionalProperties": false,
          "description": "What was decided about the objective (nbalign.decision): who agreed to which content, the model shipped as judged when it was shipped, and the KPI realized since. Absent until something is decided, and from older kernels.",
          "properties": {
            "agreements": {
              "type": "array",
              "items": {
                "type": "object",
                "required": [
                  "role",
                  "by",
                  "at",
                  "version",
                  "holds"
                ],
                "additionalProperties": false,
                "properties": {
                  "role": {
                    "type": "string"
                  },
                  "by": {
                    "type": "string"
                  },
                  "at": {
                    "type": "string"
                  },
                  "version": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "holds": {
                    "type": "boolean",
                    "description": "The agreement is to the active version's content (its hash); false once the objective changed after it."
                  }
                }
              },
              "description": "Each role's latest agreement (an earlier one of the same role no longer counts), and whether it is to the active version's content."
            },
            "shipped": {
              "oneOf": [
                {
                  "type": "null"
                },
                {
                  "type": "object",
                  "required": [
                    "name",
                    "version",
                    "at",
                    "by",
                    "recommended",
                    "reason",
                    "projection",
                    "vs_target",
                    "real_gain",
                    "agreed",
                    "current"
                  ],
                  "additionalProperties": false,
                  "properties": {
                    "name": {
                      "type": "string"
                    },
                    "version": {
                      "type": "integer",
                      "minimum": 0,
                      "description": "The objective's version it was shipped under."
                    },
                    "at": {
                      "type": "string"
                    },
                    "by": {
                      "type": "string"
                    },
                    "recommended": {
                      "type": "boolean"
                    },
                    "reason": {
                      "type": [
                        "string",
                        "null"
                      ],
                      "description": "Why a model the judge did not recommend was shipped."
                    },
                    "projection": {
                      "type": [
                        "string",
                        "null"
                      ],
                      "description": "The projected KPI when it was shipped, with its interval."
                    },
                    "vs_target": {
                      "enum": [
                        "reached",
                        "short",
                        "straddles",
                        null
                      ],
                      "description": "Its interval, adjusted for the models compared, against the target when shipped."
                    },
                    "real_gain": {
                      "type": "boolean"
                    },
                    "agreed": {
                      "type": "boolean",
                      "description": "Someone agreed to the content it was shipped under."
                    },
                    "current": {
                      "type": "boolean",
                      "description": "It was shipped under the active version's content."
                    }
                  }
                }
              ]
            },
            "realized": {
              "type": "array",
              "items": {
                "type": "object",
                "required": [
                  "value",
                  "on",
                  "findings"
                ],
                "additionalProperties": false,
                "properties": {
                  "value": {
                    "type": "string"
                  },
                  "on": {
                    "type": "string"
                  },
                  "findings": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "required": [
                        "code",
                        "message"
                      ],
                      "additionalProperties": false,
                      "properties": {
                        "code": {
                          "$ref": "#/$defs/code"
                        },
                        "message": {
                          "type": "string"
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    },
    "objective": {
      "type": "object",
      "required": [
        "name",
        "version",
        "outcome",
        "kpi",
        "metric",
        "target",
        "baseline",
        "stop"
      ],
      "properties": {
        "name": {
          "type": "string"
        },
        "version": {
          "type": "integer",
          "minimum": 1
        },
        "created_at": {
          "type": "string"
        },
        "outcome": {
          "$ref": "#/$defs/text"
        },
        "why": {
          "$ref": "#/$defs/text",
          "description": "Why this version of the objective: what changed since the one before, in the user's words (`why:`). Optional: absent in standings saved before it."
        },
        "kpi": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "type": "object",
              "required": [
                "name"
              ],
              "properties": {
                "name": {
                  "type": "string"
                },
                "current": {
                  "$ref": "#/$defs/text"
                },
                "target": {
                  "$ref": "#/$defs/text"
                },
                "deadline": {
                  "$ref": "#/$defs/text"
                },
                "owner": {
                  "$ref": "#/$defs/text"
                },
                "judge": {
                  "$ref": "#/$defs/text"
                }
              }
            }
          ]
        },
        "metric": {
          "type": "object",
          "required": [
            "name",
            "label",
            "scorer",
            "greater_is_better"
          ],
          "properties": {
            "name": {
              "type": "string"
            },
            "label": {
              "type": "string"
            },
            "scorer": {
              "type": "string"
            },
            "greater_is_better": {
              "type": "boolean"
            },
            "params": {
              "type": "object",
              "description": "The terms of one of nbalign's own metrics (recall_at_k, precision_at_k, business_value): share or threshold, value matrix.",
              "additionalProperties": {
                "type": [
                  "number",
                  "null"
                ]
              }
            }
          }
        },
        "target": {
          "$ref": "#/$defs/number"
        },
        "baseline": {
          "type": "object",
          "required": [
            "kind"
          ],
          "properties": {
            "kind": {
              "enum": [
                "number",
                "first",
                "model",
                "auto"
              ]
            },
            "value": {
              "$ref": "#/$defs/number"
            },
            "model": {
              "$ref": "#/$defs/text"
            }
          }
        },
        "stop": {
          "type": "object",
          "required": [
            "min_gain",
            "patience"
          ],
          "properties": {
            "min_gain": {
              "$ref": "#/$defs/number"
            },
            "patience": {
              "type": "integer",
              "minimum": 1
            }
          }
        },
        "value": {
          "description": "What outcomes are worth: a value matrix (tp, fp, fn, tn) or a regression's cost per unit of error (under, over); amounts in `currency` (ISO 4217, null for plain numbers), shown with `marker`.",
          "oneOf": [
            {
              "type": "null"
            },
            {
              "type": "object",
              "properties": {
                "currency": {
                  "$ref": "#/$defs/text"
                },
                "marker": {
                  "$ref": "#/$defs/text"
                }
              },
              "additionalProperties": {
                "type": [
                  "number",
                  "null"
                ]
              }
            }
          ]
        },
        "notebook": {
          "$ref": "#/$defs/text"
        },
        "data": {
          "type": "object"
        },
        "source": {
          "type": "string"
        },
        "population": {
          "description": "Cases per period, as written and read.",
          "oneOf": [
            {
              "type": "null"
            },
            {
              "type": "object",
              "required": [
                "cases"
              ],
              "properties": {
                "cases": {
                  "type": "number",
                  "exclusiveMinimum": 0
                },
                "unit": {
                  "$ref": "#/$defs/text"
                },
                "period": {
                  "$ref": "#/$defs/text"
                },
                "text": {
                  "type": "string"
                }
              }
            }
          ]
        },
        "action": {
          "description": "What the business does with the model's output: a rule (top share or count, threshold, predicted) under the user's verb, and its effect (0..1; the middle of its range when it was stated as one).",
          "oneOf": [
            {
              "type": "null"
            },
            {
              "type": "object",
              "required": [
                "verb",
                "rule"
              ],
              "properties": {
                "verb": {
                  "type": "string"
                },
                "rule": {
                  "enum": [
                    "top",
                    "threshold",
                    "predicted"
                  ]
                },
                "share": {
                  "$ref": "#/$defs/number"
                },
                "count": {
                  "$ref": "#/$defs/number"
                },
                "threshold": {
                  "$ref": "#/$defs/number"
                },
                "effect": {
                  "$ref": "#/$defs/number"
                },
                "text": {
                  "type": "string"
                },
                "effect_range": {
                  "oneOf": [
                    {
                      "type": "null"
                    },
                    {
                      "type": "array",
                      "prefixItems": [
                        {
                          "type": "number"
                        },
                        {
                          "type": "number"
                        }
                      ],
                      "minItems": 2,
                      "maxItems": 2,
                      "items": false
                    }
                  ],
                  "description": "The effect stated as a range (`effect: 20% to 40%`, `30% ± 10%`): its low and high ends (0..1); null or absent for a single effect."
                }
              }
            }
          ]
        },
        "target_from_kpi": {
          "type": "boolean",
          "description": "`target: from kpi`: the target was derived from the KPI target (see `derivation`)."
        },
        "derivation": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "type": "object",
              "required": [
                "target",
                "text"
              ],
              "properties": {
                "target": {
                  "type": "number"
                },
                "recall": {
                  "type": "number"
                },
                "text": {
                  "type": "string"
                },
                "reachable_recall": {
                  "type": "number"
                }
              }
            }
          ]
        }
      }
    },
    "summary": {
      "type": "object",
      "required": [
        "baseline",
        "target",
        "min_gain",
        "best",
        "progress",
        "n_models",
        "banner"
      ],
      "properties": {
        "baseline": {
          "$ref": "#/$defs/number"
        },
        "target": {
          "$ref": "#/$defs/number"
        },
        "min_gain": {
          "type": "number",
          "minimum": 0
        },
        "best": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "type": "object",
              "required": [
                "id",
                "name",
                "score"
              ],
              "properties": {
                "id": {
                  "type": "integer"
                },
                "name": {
                  "type": "string"
                },
                "score": {
                  "type": "number"
                },
                "role": {
                  "enum": [
                    "model",
                    "baseline"
                  ],
                  "description": "baseline: no model scores above the baseline model, which is then the best candidate. Optional: absent in standings saved before it."
                }
              }
            }
          ],
          "description": "The best candidate: the best model, or the baseline model while no model scores above it."
        },
        "ship": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "type": "object",
              "required": [
                "id",
                "name",
                "score",
                "role",
                "why",
                "reason"
              ],
              "properties": {
                "id": {
                  "type": "integer"
                },
                "name": {
                  "type": "string"
                },
                "score": {
                  "type": "number"
                },
                "role": {
                  "enum": [
                    "model",
                    "baseline"
                  ]
                },
                "why": {
                  "enum": [
                    "beats_simpler",
                    "simplest_compared",
                    "simpler_below_baseline",
                    "simplest",
                    "undecided",
                    "baseline"
                  ],
                  "description": "beats_simpler: the best, with a real gain over every simpler model; simplest_compared: the best, no simpler model compared; simpler_below_baseline: the best, every simpler model below the baseline; simplest: the simplest model shown not worse than the best by min_gain; undecided: the best, the test rows cannot tell whether a simpler model does as well; baseline: no model scores above the baseline model."
                },
                "reason": {
                  "type": "string",
                  "description": "Why, in words that follow the model's name."
                },
                "progress": {
                  "$ref": "#/$defs/number"
                }
              }
            }
          ],
          "description": "The model to ship: the one the banner, the recommendation, the plot and the sidebar all name. Optional: absent in standings saved before it."
        },
        "progress": {
          "$ref": "#/$defs/number"
        },
        "n_models": {
          "type": "integer",
          "minimum": 0,
          "description": "Models judged on the objective's metric (baseline rows and other metrics excluded)."
        },
        "banner": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "$ref": "#/$defs/banner"
            }
          ]
        },
        "confidence": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "type": "number",
              "exclusiveMinimum": 0,
              "exclusiveMaximum": 1
            }
          ],
          "description": "The confidence level of every interval in the standing (the objective's stop.confidence, 0.95 by default). Optional, like the three after it: standings saved before them lack them."
        },
        "best_vs_baseline": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "$ref": "#/$defs/baselineClaim"
            }
          ]
        },
        "progress_interval": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "type": "array",
              "prefixItems": [
                {
                  "type": "number"
                },
                {
                  "type": "number"
                }
              ],
              "minItems": 2,
              "maxItems": 2,
              "items": false
            }
          ],
          "description": "The best model's progress (0 = baseline, 1 = target) as an interval [low, high] at confidence."
        },
        "progress_interval_label": {
          "$ref": "#/$defs/text",
          "description": "How to read progress_interval: `95% CI`, or `95% CI for the best of 3 models (98.33% each, Bonferroni)` when it is the best's claim adjusted for the models it was chosen from. Optional: absent in standings saved before it."
        },
        "models_compared": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "type": "integer",
              "minimum": 0
            }
          ],
          "description": "Models compared with the baseline on the best model's test set (the baseline model itself not counted): the family the correction counts."
        },
        "business": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "$ref": "#/$defs/business"
            }
          ],
          "description": "What the metric means for the business (since issue 9): the KPI projected with the model to ship (summary.ship, the one the recommendation and the story speak of), the value it is expected to bring, and how the metric target was derived from the KPI target. Optional: absent in standings saved before it; null when the objective gives nothing to project."
        },
        "story": {
          "$ref": "#/$defs/text",
          "description": "The business story in one line: what shipping the recommended model does to the KPI (or the metric), and what the best model adds beyond it. Optional: absent in standings saved before it."
        }
      }
    },
    "banner": {
      "type": "object",
      "required": [
        "code",
        "level",
        "title",
        "message",
        "explanation"
      ],
      "properties": {
        "code": {
          "$ref": "#/$defs/code"
        },
        "level": {
          "$ref": "#/$defs/level"
        },
        "title": {
          "type": "string"
        },
        "message": {
          "type": "string"
        },
        "explanation": {
          "type": "string"
        }
      }
    },
    "row": {
      "type": "object",
      "required": [
        "id",
        "name",
        "estimator",
        "role",
        "version",
        "metric",
        "metric_label",
        "score",
        "verdict",
        "tone",
        "best_before",
        "change_vs_best",
        "change_vs_baseline",
        "progress",
        "codes"
      ],
      "properties": {
        "id": {
          "type": "integer"
        },
        "name": {
          "type": "string"
        },
        "estimator": {
          "type": "string"
        },
        "role": {
          "enum": [
            "model",
            "baseline"
          ]
        },
        "version": {
          "type": "integer",
          "description": "The objective version the evaluation was recorded under."
        },
        "metric": {
          "type": "string"
        },
        "metric_label": {
          "type": "string"
        },
        "score": {
          "type": "number"
        },
        "verdict": {
          "enum": [
            "new_best",
            "small_gain",
            "fit_only",
            "no_gain",
            "worse",
            "below_baseline",
            "first",
            "baseline",
            "other_metric",
            "training_data",
            "other_test_set",
            "cross_validation",
            "few_rows"
          ],
          "description": "The kernel's verdict; `word` is how every view says it. few_rows: scored on a slice of the test set (NBA201), compared for what it is worth but set apart."
        },
        "word": {
          "type": "string",
          "description": "The verdict in words, as every view shows it (protocol/vocabulary.json). Optional: absent in standings saved before it."
        },
        "tone": {
          "enum": [
            "good",
            "bad",
            "neutral"
          ]
        },
        "apart": {
          "type": "boolean",
          "description": "Shown apart from the comparison (training data, another test set, cross-validated, a slice of the test set): never the best, never in progress, drawn hollow. Optional: absent in standings saved before it."
        },
        "best_before": {
          "$ref": "#/$defs/number"
        },
        "best_before_name": {
          "$ref": "#/$defs/text",
          "description": "The model this row was compared with: the best candidate before it (a model, or the baseline model). Optional: absent in standings saved before it."
        },
        "best_before_role": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "enum": [
                "model",
                "baseline"
              ]
            }
          ],
          "description": "Whether best_before_name is a model or the baseline model. Optional: absent in standings saved before it."
        },
        "best_so_far": {
          "$ref": "#/$defs/number",
          "description": "The best candidate's score once this row is judged (the baseline model counts while no model scores above it): the best-so-far line every view draws. Null for rows set apart. Optional: absent in standings saved before it."
        },
        "change_vs_best": {
          "$ref": "#/$defs/number"
        },
        "change_vs_baseline": {
          "$ref": "#/$defs/number"
        },
        "progress": {
          "$ref": "#/$defs/number"
        },
        "codes": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/code"
          }
        },
        "findings": {
          "type": "array",
          "items": {
            "type": "object",
            "required": [
              "code",
              "message"
            ],
            "properties": {
              "code": {
                "$ref": "#/$defs/code"
              },
              "message": {
                "type": "string"
              }
            }
          },
          "description": "Each finding of the row with its message, the most important (the row's banner) first. Optional: absent in standings saved before it."
        },
        "vs_best": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "$ref": "#/$defs/difference"
            }
          ],
          "description": "This model against the best before it; null for the first model, baseline rows, other-metric rows, or without kept predictions to test. Optional: absent in standings saved before it."
        },
        "vs_baseline": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "$ref": "#/$defs/difference"
            }
          ],
          "description": "This model against the baseline (its kept predictions, or for a numeric baseline the model's own interval shifted by the constant); null without a test. Optional: absent in standings saved before it."
        },
        "business": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "$ref": "#/$defs/rowBusiness"
            }
          ],
          "description": "This model's business figures (since issue 9); null when there is nothing to project. Optional: absent in standings saved before it."
        },
        "became_best": {
          "type": "boolean",
          "description": "The row became the best so far, as the kernel judged it (a chart draws the best-so-far step through these rows). Optional (since issue 11): absent in standings saved before it."
        },
        "interval": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "type": "array",
              "prefixItems": [
                {
                  "type": "number"
                },
                {
                  "type": "number"
                }
              ],
              "minItems": 2,
              "maxItems": 2,
              "items": false
            }
          ],
          "description": "The score's own interval [low, high] at summary.confidence: the baseline's score plus the ends of the test against the baseline (vs_baseline); null when untested. Optional (since issue 11): absent in standings saved before it."
        },
        "progress_interval": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "type": "array",
              "prefixItems": [
                {
                  "type": "number"
                },
                {
                  "type": "number"
                }
              ],
              "minItems": 2,
              "maxItems": 2,
              "items": false
            }
          ],
          "description": "This model's progress to the target as an interval (its own, unadjusted), at the standing's confidence. Optional: absent in standings saved before it."
        },
        "cell_id": {
          "type": [
            "string",
            "null"
          ],
          "description": "The id of the notebook cell that produced the evaluation, when the front end sent one; null otherwise. Optional (since issue 11): absent in standings saved before it."
        }
      }
    },
    "difference": {
      "description": "A paired test of two models on the same rows. estimate = metric(this model) - metric(the other), in the metric's units as the user writes them (a negative estimate of a loss is a gain); low..high is the two-sided confidence interval at summary.confidence; n is the number of rows used.",
      "type": "object",
      "required": [
        "estimate",
        "low",
        "high",
        "p_value",
        "method",
        "n"
      ],
      "properties": {
        "estimate": {
          "type": "number"
        },
        "low": {
          "type": "number"
        },
        "high": {
          "type": "number"
        },
        "p_value": {
          "type": "number",
          "minimum": 0,
          "maximum": 1
        },
        "method": {
          "type": "string",
          "description": "How it was tested, for people: \"DeLong\", \"paired bootstrap of average precision, percentile, 1000 resamples\"."
        },
        "n": {
          "type": "integer",
          "minimum": 1
        }
      }
    },
    "baselineClaim": {
      "description": "The best model against the baseline, corrected by Bonferroni's procedure over the models_compared models compared with the baseline on that test set: its interval at level 1 - (1 - confidence) / models_compared and its p-value min(1, models_compared x p), a matched pair (the interval clears 0 exactly when p_adjusted is below 1 - confidence).",
      "allOf": [
        {
          "$ref": "#/$defs/difference"
        },
        {
          "type": "object",
          "required": [
            "p_adjusted",
            "correction",
            "models_compared",
            "verdict"
          ],
          "properties": {
            "p_adjusted": {
              "type": "number",
              "minimum": 0,
              "maximum": 1
            },
            "correction": {
              "type": "string",
              "description": "The correction's name: \"Bonferroni\", or \"none\" (a single comparison)."
            },
            "models_compared": {
              "type": "integer",
              "minimum": 0
            },
            "verdict": {
              "enum": [
                "better",
                "not_distinguishable",
                "worse"
              ],
              "description": "What the claim says, decided by the kernel (the sidebar shows it, never reads the numbers again): better (or worse) when the widened interval lies on the metric's good (or bad) side of 0, which is when p_adjusted is below 1 - confidence."
            },
            "detectable": {
              "type": "number",
              "minimum": 0,
              "description": "Beside not_distinguishable only: the smallest gain over the baseline this test detects 80% of the time at the claim's level, (z + z_0.8) x its standard error, in the metric's units. A true gain smaller than it is usually not shown: not distinguishable is absence of evidence."
            }
          }
        }
      ]
    },
    "business": {
      "description": "The business figures of the standing. Every string is formatted by the kernel in the KPI's or the value's own units; a frontend shows it as text.",
      "type": "object",
      "required": [
        "kpi",
        "value",
        "derivation"
      ],
      "properties": {
        "kpi": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "$ref": "#/$defs/businessKpi"
            }
          ],
          "description": "null: no projection of the KPI is possible."
        },
        "value": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "$ref": "#/$defs/businessValue"
            }
          ],
          "description": "null: the objective has no value matrix or action."
        },
        "derivation": {
          "$ref": "#/$defs/text",
          "description": "How the metric target was derived from the KPI target, for people: 'recall in the top 20% must reach 0.57 for ... to fall from 26.5% to 22% (contact the top 20%, effect 30%)'."
        }
      }
    },
    "businessKpi": {
      "description": "The KPI projected with a model: from its current value toward its target.",
      "type": "object",
      "required": [
        "name",
        "current",
        "target",
        "projected",
        "projected_interval",
        "progress",
        "progress_interval",
        "model",
        "text"
      ],
      "properties": {
        "name": {
          "type": "string"
        },
        "current": {
          "type": "string",
          "description": "Formatted: '26.5%'."
        },
        "target": {
          "type": "string"
        },
        "projected": {
          "type": "string",
          "description": "The KPI the model is projected to bring it to."
        },
        "projected_interval": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "type": "array",
              "prefixItems": [
                {
                  "type": "string"
                },
                {
                  "type": "string"
                }
              ],
              "minItems": 2,
              "maxItems": 2,
              "items": false
            }
          ],
          "description": "The projected KPI as an interval [low, high] at summary.confidence, formatted."
        },
        "progress": {
          "$ref": "#/$defs/number",
          "description": "0 at the KPI's current value, 1 at its target; may be negative or above 1."
        },
        "progress_interval": {
          "oneOf": [
            {
              "type": "null"
            },
            {
              "type": "array",
              "prefixItems": [
                {
                  "type": "number"
                },
                {
                  "type": "number"
                }
              ],
              "minItems": 2,
              "maxItems": 2,
              "items": false
            }
          ],
          "description": "progress as an interval [low, high] at summary.confidence."
        },
        "projected_range": {
          "type": "array",
          "prefixItems": [
            {
              "type": "string"
            },
            {
              "type": "string"
            }
          ],
          "minItems": 2,
          "maxItems": 2,
          "items": false,
          "description": "Only when the action's effect is a range: the projected KPI over the recall's interval and the effect's range (the lowest and highest projection at their ends), formatted. Shown beside projected_interval, which is at the middle of the effect."
        },
        "effect_range": {
          "type": "string",
          "description": "Only with projected_range: the effect's range, formatted ('20% to 40%')."
        },
        "model": {
          "type": "string",
          "description": "The model the projection is made with."
        },
        "text": {
          "type": "string",
          "description": "The projection in one sentence: '26.5% → 24.1% projected with forest (95% CI 23.4% to 24.9%); target 22%'."
        }
      }
    },
    "businessValue": {
      "description": "The value a model is expected to bring, from the objective's value matrix and action.",
      "type": "object",
      "required": [
        "per_case",
        "per_period",
        "model",
        "rule",
        "text"
      ],
      "properties": {
        "per_case": {
          "type": "string",
          "description": "Formatted: '$12.40'."
        },
        "per_period": {
          "$ref": "#/$defs/text",
          "description": "'$149k per quarter'; null without a volume per period (then per_case stands alone)."
        },
        "model": {
          "type": "string"
        },
        "rule": {
          "$ref": "#/$defs/text",
          "description": "The action the value assumes: 'contact the top 20% (2,400 customers per quarter)'."
        },
        "text": {
          "type": "string",
          "description": "The value in one sentence: 'forest: $149k per quarter ($12.40 per case), contacting the top 20%'."
        }
      }
    },
    "rowBusiness": {
      "description": "One model's business figures, formatted by the kernel.",
      "type": "object",
      "required": [
        "projected_kpi",
        "value"
      ],
      "properties": {
        "projected_kpi": {
          "$ref": "#/$defs/text",
          "description": "The KPI projected with this model: '24.1%'."
        },
        "value": {
          "$ref": "#/$defs/text",
          "description": "The value this model is expected to bring: '$149k per quarter'."
        }
      }
    },
    "saved": {
      "title": "saved standing",
      "description": "What the sidebar saves in a notebook's metadata under `nbalign`: its own format, versioned apart from the wire protocol.",
      "type": "object",
      "required": [
        "format",
        "saved_at",
        "standing"
      ],
      "properties": {
        "format": {
          "const": 1
        },
        "saved_at": {
          "type": "string"
        },
        "standing": {
          "$ref": "#/$defs/standing"
        }
      }
    }
  }
} as const;
