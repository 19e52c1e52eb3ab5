/* Chợ phiên: the scoring of chophien/assessment/scoring.py in the browser (and in node), exactly.
 *
 * ChophienScore.readModel(form) reads a model from the self-assessment page's DOM:
 *   form[data-model][data-rules='[[level, pillar_above, total_above, pillars_at_level], …]'],
 *   fieldset[data-pillar][data-max] per pillar, radios name=<criterion key> value=<points>.
 * ChophienScore.score(model, answers) scores {criterionKey: points}: integer arithmetic only,
 * a pillar is at a level when points × 100 > above × max; the overall level is the highest whose
 * total bound and number of pillars at that level or higher both hold. A missing answer counts 0
 * and makes `complete` false. In node: const {score} = require('./assessment-score.js').
 */
(function (root) {
  'use strict';

  function readModel(form) {
    var pillars = [];
    form.querySelectorAll('fieldset[data-pillar]').forEach(function (set) {
      var criteria = [];
      var byKey = {};
      set.querySelectorAll('input[type=radio]').forEach(function (input) {
        var c = byKey[input.name];
        if (!c) {
          c = byKey[input.name] = {key: input.name, points: []};
          criteria.push(c);
        }
        c.points.push(parseInt(input.value, 10));
      });
      pillars.push({key: set.dataset.pillar, max: parseInt(set.dataset.max, 10), criteria: criteria});
    });
    return {slug: form.dataset.model, rules: JSON.parse(form.dataset.rules), pillars: pillars};
  }

  function pillarLevel(points, max, rules) {
    var level = 0;
    rules.forEach(function (r) {
      if (r[1] !== null && points * 100 > r[1] * max) level = Math.max(level, r[0]);
    });
    return level;
  }

  function overallLevel(total, levels, rules) {
    var level = 0;
    rules.forEach(function (r) {
      if (r[2] === null) return;
      var atLevel = levels.filter(function (v) { return v >= r[0]; }).length;
      if (total > r[2] && atLevel >= r[3]) level = Math.max(level, r[0]);
    });
    return level;
  }

  function valid(criterion, value) {
    return criterion.points.indexOf(value) >= 0;
  }

  function score(model, answers) {
    var answered = 0;
    var count = 0;
    var pillarPoints = model.pillars.map(function (p) {
      return p.criteria.reduce(function (sum, c) {
        count += 1;
        var value = answers ? answers[c.key] : undefined;
        if (typeof value === 'number' && valid(c, value)) {
          answered += 1;
          return sum + value;
        }
        return sum;
      }, 0);
    });
    var pillarLevels = model.pillars.map(function (p, i) { return pillarLevel(pillarPoints[i], p.max, model.rules); });
    var total = pillarPoints.reduce(function (a, b) { return a + b; }, 0);
    return {
      pillarPoints: pillarPoints,
      pillarLevels: pillarLevels,
      total: total,
      level: overallLevel(total, pillarLevels, model.rules),
      answered: answered,
      questions: count,
      complete: answered === count
    };
  }

  var api = {readModel: readModel, score: score, pillarLevel: pillarLevel, overallLevel: overallLevel, valid: valid};
  if (typeof module === 'object' && module.exports) module.exports = api;
  if (root) root.ChophienScore = api;
})(typeof window === 'undefined' ? null : window);
