// Generated from nbalign/grammar.json by `python -m nbalign.grammar > labextension/src/template.generated.ts`: do not edit.
// tests/test_form.py checks that it is up to date.

export const OBJECTIVE_TEMPLATE = `%%objective my_objective
# Fill in each line, then run this cell. my_objective: one word for it, e.g. churn
outcome: <the business result this notebook is for>  # in words: Fewer customers cancel
# why: <what changed, and why>  # e.g. target raised after the Q1 review
kpi:                            # how the business measures the outcome
  name: <what the business measures>  # e.g. share of customers who cancel
  current: 26.5%                # today's value and unit: 26.5%, $1.2M, 1,200 customers
  target: 22%                   # the value to reach, in the same unit
  deadline: 2027-06-30          # by when, as YYYY-MM-DD
  owner: <who is accountable>   # a person or a role, e.g. VP Customer Success
  # judge: <who judges success>  # instead of current and target, when no number fits
metric: average_precision       # a scikit-learn scorer name or an alias: auc, ap, f1,
                                # precision, recall, accuracy, mcc, logloss, brier, r2,
                                # rmse, mse, mae, mape
target: 0.60                    # the metric value that should deliver the KPI target
baseline: auto                  # auto: constant and linear models fitted on data.train;
                                # or a number (today's system), first (the first model
                                # evaluated), or the variable of a fitted model
data:                           # the notebook's variables that hold the data
  train: X_train, y_train       # training features and labels (for baseline: auto)
  test: X_test, y_test          # test features and labels: every model is scored on them
stop:                           # when another model stops being worth it
  min_gain: 0.01                # the smallest metric gain worth a more complex model
  patience: 3                   # models in a row with no real gain: diminishing returns
# Optional: models in business terms (value per period, projected KPI).
# Uncomment and fill in.
# population: 12,000 customers per quarter  # cases per period
# action:                       # what the business does with the model's scores
#   call: top 20%               # a verb and whom: top 20%, top 1,000, score >= 0.3
#   effect: 30%                 # share of true cases reached it changes, or 20% to 40%
# value:                        # what each outcome is worth per case, one currency
#   tp: $160                    # a true case acted on
#   fp: -$20                    # a case acted on in vain
#   fn: 0                       # a true case missed
#   tn: 0                       # a case rightly left alone`;
