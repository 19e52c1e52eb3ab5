/* Chợ phiên: the self-assessment stepper (/danh-gia/tu-danh-gia/). Needs assessment-score.js first.
 *
 * Without this file the page is a complete printable questionnaire. With it: one pillar per screen
 * ("Trụ cột 2/6"), answers kept in localStorage as they are given, the result (level, points per
 * pillar as an SVG chart and a table, the pillar holding the level back and its next steps, the
 * published distribution of the same province and of all areas) as soon as the last answer is
 * given. Nothing is sent anywhere; the only requests are for this site's own files.
 *
 * API for the enumerator mode (window.ChophienSelf):
 *   model                 the model read from the form (ChophienScore.readModel)
 *   getAnswers()          a copy of the answers {criterionKey: points}
 *   setAnswers(obj)       replace them (invalid keys or points dropped), save, notify
 *   reset()               clear the answers (and the current store), back to the first pillar
 *   onChange(cb)          cb(answers, result) after every change; result = ChophienScore.score(…)
 *   onComplete(cb)        cb(answers, result) whenever the answers become or stay complete
 *   useStore(key)         keep answers under another localStorage key (one per cooperative) and
 *                         load what it holds; useStore(null) goes back to the page's own key
 *   storeKey()            the key in use
 *   go(index)             show pillar *index* (0-based)
 *   weakest(result)       the index of the pillar holding the level back (-1: all at the top)
 * Stored value: {"v":1,"a":{…answers},"t":"<province slug>"}; anything else is discarded.
 */
(function () {
  'use strict';
  const form = document.getElementById('tu-danh-gia');
  const S = window.ChophienScore;
  if (!form || !S) return;
  const VERSION = 1;
  const model = S.readModel(form);
  const names = JSON.parse(form.dataset.levels || '[]');
  // The English page (/en/assessment/self-assessment/) is the same questionnaire: the words the
  // script writes come in both languages, the scoring reads only data attributes and values.
  const EN = document.documentElement.lang === 'en';
  const t = (vi, en) => (EN ? en : vi);
  const pillars = Array.from(form.querySelectorAll('fieldset[data-pillar]'));
  const criteria = {};
  model.pillars.forEach((p) => p.criteria.forEach((c) => { criteria[c.key] = c; }));
  const result = document.getElementById('ket-qua');
  const nav = form.querySelector('.sa-nav');
  const progress = form.querySelector('.sa-progress');
  const province = result.querySelector('select[name=tinh]');
  const ownKey = ['chophien-tu-danh-gia', VERSION, location.origin + (form.dataset.base || ''), model.slug].join(':');
  const listeners = {change: [], complete: []};
  let key = ownKey;
  let answers = {};
  let current = 0;
  let wasComplete = false;

  function clean(raw) {
    const out = {};
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
      Object.keys(raw).forEach((k) => {
        if (Object.prototype.hasOwnProperty.call(criteria, k) && S.valid(criteria[k], raw[k])) out[k] = raw[k];
      });
    }
    return out;
  }

  function load() {
    try {
      const stored = JSON.parse(localStorage.getItem(key));
      if (stored && stored.v === VERSION) return {a: clean(stored.a), t: typeof stored.t === 'string' ? stored.t : ''};
      if (stored !== null) localStorage.removeItem(key);
    } catch (e) {
      try { localStorage.removeItem(key); } catch (e2) { /* storage unavailable */ }
    }
    return {a: {}, t: ''};
  }

  function save() {
    try {
      localStorage.setItem(key, JSON.stringify({v: VERSION, a: answers, t: province ? province.value : ''}));
    } catch (e) { /* private mode or full: answers stay in the page */ }
  }

  function show() {
    form.querySelectorAll('input[type=radio]').forEach((input) => {
      input.checked = answers[input.name] === parseInt(input.value, 10);
    });
  }

  function go(index) {
    current = Math.max(0, Math.min(pillars.length - 1, index));
    pillars.forEach((set, i) => { set.hidden = i !== current; });
    const buttons = nav.querySelectorAll('button');
    buttons[0].disabled = current === 0;
    buttons[1].textContent = current === pillars.length - 1 ? t('Câu chưa trả lời ›', 'Unanswered question ›') : t('Tiếp ›', 'Next ›');
    counts();
  }

  function counts() {
    const done = Object.keys(answers).length;
    progress.textContent = t('Trụ cột ', 'Pillar ') + (current + 1) + '/' + pillars.length + ' · ' + done + '/' + Object.keys(criteria).length + t(' câu', ' questions');
  }

  function firstOpen() {
    for (let i = 0; i < model.pillars.length; i++) {
      const missing = model.pillars[i].criteria.find((c) => !(c.key in answers));
      if (missing) return [i, missing.key];
    }
    return null;
  }

  function changed(byUser) {
    save();
    counts();
    const scored = S.score(model, answers);
    listeners.change.forEach((cb) => cb(Object.assign({}, answers), scored));
    if (scored.complete) {
      render(scored);
      listeners.complete.forEach((cb) => cb(Object.assign({}, answers), scored));
      if (byUser && !wasComplete) result.focus();
    } else {
      result.hidden = true;
    }
    wasComplete = scored.complete;
  }

  // --- the result ------------------------------------------------------------------------------

  const SVG = 'http://www.w3.org/2000/svg';
  function el(name, attrs, text, ns) {
    const node = ns ? document.createElementNS(SVG, name) : document.createElement(name);
    Object.keys(attrs || {}).forEach((k) => node.setAttribute(k, attrs[k]));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function pillarName(i) {
    return pillars[i].querySelector('legend').firstChild.textContent.replace(/^[^:]*:\s*/, '').trim();
  }

  function chart(scored) {
    const rowHeight = 26;
    const height = model.pillars.length * rowHeight + 4;
    const svg = el('svg', {viewBox: '0 0 320 ' + height, role: 'img', 'aria-labelledby': 'kq-svg-t'}, undefined, true);
    const described = model.pillars.map((p, i) => pillarName(i) + ': ' + scored.pillarPoints[i] + '/' + p.max);
    svg.appendChild(el('title', {id: 'kq-svg-t'}, t('Điểm từng trụ cột, phần trăm của điểm tối đa. ', 'Points per pillar, as a percentage of its maximum. ') + described.join('; '), true));
    model.pillars.forEach((p, i) => {
      const y = i * rowHeight + 2;
      const share = p.max ? scored.pillarPoints[i] / p.max : 0;
      svg.appendChild(el('rect', {x: 110, y: y + 4, width: 160, height: 16, fill: '#eceae3'}, undefined, true));
      svg.appendChild(el('rect', {x: 110, y: y + 4, width: (160 * share).toFixed(1), height: 16, fill: '#2f6b3a'}, undefined, true));
      const label = pillars[i].dataset.short || pillarName(i);
      svg.appendChild(el('text', {x: 0, y: y + 17, 'font-size': 12}, label.length > 17 ? label.slice(0, 16) + '…' : label, true));
      svg.appendChild(el('text', {x: 274, y: y + 17, 'font-size': 12}, Math.round(share * 100) + '%', true));
    });
    return svg;
  }

  function levelName(n) {
    return t('Mức ', 'Level ') + n + (names[n] ? ' – ' + names[n] : '');
  }

  // Of the pillars below the top level: the lowest level, then the smallest share of its maximum
  // (exact), the first one on a tie; -1 when every pillar is at the top (as the result card's
  // assessment_pages.weakest_pillar).
  function holdingBack(scored, top) {
    let worst = -1;
    model.pillars.forEach((p, i) => {
      if (scored.pillarLevels[i] >= top) return;
      if (worst < 0) { worst = i; return; }
      const level = scored.pillarLevels[i] - scored.pillarLevels[worst];
      const share = scored.pillarPoints[i] * model.pillars[worst].max - scored.pillarPoints[worst] * p.max;
      if (level < 0 || (level === 0 && share < 0)) worst = i;
    });
    return worst;
  }

  function render(scored) {
    result.hidden = false;
    result.querySelector('.sa-level').textContent = levelName(scored.level) + ' · ' + scored.total + '/' +
      model.pillars.reduce((s, p) => s + p.max, 0) + t(' điểm', ' points');
    const figure = result.querySelector('.sa-chart');
    figure.textContent = '';
    figure.appendChild(chart(scored));
    const body = result.querySelector('.sa-table tbody');
    body.textContent = '';
    model.pillars.forEach((p, i) => {
      const row = el('tr');
      row.appendChild(el('th', {scope: 'row'}, pillarName(i)));
      row.appendChild(el('td', {}, scored.pillarPoints[i] + '/' + p.max));
      row.appendChild(el('td', {}, String(scored.pillarLevels[i])));
      body.appendChild(row);
    });
    const hold = result.querySelector('.sa-hold');
    hold.textContent = '';
    const top = names.length - 1;
    const i = holdingBack(scored, top);
    const level = scored.pillarLevels[i];
    const next = model.rules.find((r) => r[0] === scored.level + 1);
    if (next) {
      hold.appendChild(el('p', {}, EN
        ? 'To reach level ' + next[0] + ': a total of ' + (next[2] + 1) + ' points or more and at least ' + next[3] +
          (next[3] === 1 ? ' pillar' : ' pillars') + ' at level ' + next[0] + ' or higher.'
        : 'Để lên mức ' + next[0] + ': tổng điểm từ ' + (next[2] + 1) + ' trở lên và ít nhất ' +
        next[3] + ' trụ cột đạt mức ' + next[0] + '.'));
    }
    if (i >= 0) {
      hold.insertBefore(el('h3', {}, t('Trụ cột cần làm trước: ', 'Pillar to work on first: ') + pillarName(i) + t(' (mức ', ' (level ') + level + ')'), hold.firstChild);
      const steps = document.querySelector('.sa-steps details[data-pillar="' + model.pillars[i].key + '"] ul[data-level="' + level + '"]');
      if (steps) {
        hold.appendChild(el('p', {}, t('Bước tiếp theo thường làm:', 'Usual next steps:')));
        hold.appendChild(steps.cloneNode(true));
      }
    } else {
      hold.appendChild(el('p', {}, t('Mọi trụ cột đều ở mức cao nhất.', 'Every pillar is at the highest level.')));
    }
    compare(scored.level);
  }

  // --- comparison with the published figures (the survey's open data, suppression kept) ----------

  let openData = null;
  function compare(level) {
    const box = result.querySelector('.sa-compare');
    const sources = JSON.parse(form.dataset.openData || '[]');
    if (!sources.length) return;
    const url = (form.dataset.base || '') + '/' + sources[0];
    (openData || (openData = fetch(url).then((r) => (r.ok ? r.json() : null)).catch(() => null))).then((data) => {
      box.textContent = '';
      if (!data || !Array.isArray(data.rows)) {
        box.appendChild(el('p', {class: 'small'}, t('Chưa tải được số liệu đã công bố để so sánh (cần mạng lần đầu).', 'The published figures for comparison could not be loaded (the first time needs a connection).')));
        openData = null;
        return;
      }
      box.appendChild(distribution(data, level, province && province.value));
    });
  }

  function cell(rows, dimension, group, measure) {
    const row = rows.find((r) => r.dimension === dimension && r.group === group && r.measure === measure &&
      (r.table === 'overall_level' || r.table === 'respondents'));
    return row === undefined ? undefined : row.value;
  }

  function distribution(data, level, chosen) {
    const rows = data.rows;
    const wrap = el('div');
    wrap.appendChild(el('h3', {}, t('So với các đơn vị đã được khảo sát', 'Compared with the organisations surveyed')));
    const survey = data.survey || {};
    wrap.appendChild(el('p', {class: 'small'}, ((EN && survey.title_en) || survey.title || '') +
      (survey.sample_data ? t(' – Dữ liệu mẫu, không có thật.', ' – Sample data, not real.') : '') +
      t(' “ẩn”: ô được ẩn để bảo vệ người trả lời, không tính lại ở đây.', ' “hidden”: cells hidden to protect respondents, not recomputed here.')));
    const scopes = [['all', 'all', t('Tất cả các địa bàn', 'All areas')]];
    const provinceName = chosen && province.selectedOptions[0] ? province.selectedOptions[0].textContent : '';
    if (chosen) scopes.push(['province', chosen, provinceName]);
    const table = el('table', {class: 'data'});
    table.appendChild(el('caption', {}, t('Số đơn vị theo mức chung (tỉ lệ)', 'Organisations by overall level (share)')));
    const head = el('tr');
    head.appendChild(el('th', {scope: 'col'}, t('Mức', 'Level')));
    const totals = scopes.map((s) => cell(rows, s[0], s[1], 'n'));
    scopes.forEach((s, j) => head.appendChild(el('th', {scope: 'col'}, s[2] + ' (' + (totals[j] === null ? t('ẩn', 'hidden') : totals[j] === undefined ? 0 : totals[j]) + ')')));
    table.appendChild(el('thead')).appendChild(head);
    const body = table.appendChild(el('tbody'));
    names.forEach((name, n) => {
      const row = el('tr', n === level ? {class: 'mine'} : {});
      row.appendChild(el('th', {scope: 'row'}, levelName(n) + (n === level ? t(' (bạn)', ' (you)') : '')));
      scopes.forEach((s, j) => {
        const value = cell(rows, s[0], s[1], 'level-' + n);
        let text = '–';
        if (value === null) text = t('ẩn', 'hidden');
        else if (typeof value === 'number') text = value + (typeof totals[j] === 'number' && totals[j] ? ' (' + Math.round(100 * value / totals[j]) + '%)' : '');
        row.appendChild(el('td', {}, text));
      });
      body.appendChild(row);
    });
    wrap.appendChild(el('div', {class: 'tablewrap'})).appendChild(table);
    if (chosen && totals[1] === undefined) wrap.appendChild(el('p', {class: 'small'}, t('Cuộc khảo sát chưa có đơn vị nào ở ', 'The survey has no organisation in ') + provinceName + '.'));
    return wrap;
  }

  // --- wiring ----------------------------------------------------------------------------------

  function use(storeKey) {
    key = storeKey || ownKey;
    const stored = load();
    answers = stored.a;
    if (province && key === ownKey) province.value = stored.t;
    wasComplete = false;
    show();
    const open = firstOpen();
    go(open ? open[0] : 0);
    changed();
  }

  form.addEventListener('change', (event) => {
    const input = event.target;
    if (input.type === 'radio' && criteria[input.name]) answers[input.name] = parseInt(input.value, 10);
    changed(true);
  });
  form.addEventListener('submit', (event) => event.preventDefault());
  if (province) province.addEventListener('change', () => changed());
  nav.addEventListener('click', (event) => {
    const step = event.target.dataset && event.target.dataset.step;
    if (!step) return;
    let target = current + parseInt(step, 10);
    const open = firstOpen();
    if (target >= pillars.length && open) {
      target = open[0];
      const input = form.querySelector('input[name="' + open[1] + '"]');
      go(target);
      if (input) input.focus();
      return;
    }
    go(target);
    form.scrollIntoView({block: 'start'});
  });
  result.querySelector('.sa-reset').addEventListener('click', () => {
    if (window.confirm(t('Xoá mọi câu trả lời trên máy này?', 'Delete every answer on this device?'))) api.reset();
  });

  const api = {
    model: model,
    getAnswers: () => Object.assign({}, answers),
    setAnswers: (obj) => { answers = clean(obj); show(); changed(); },
    reset: () => {
      answers = {};
      try { localStorage.removeItem(key); } catch (e) { /* nothing stored */ }
      show();
      go(0);
      changed();
    },
    onChange: (cb) => { listeners.change.push(cb); },
    onComplete: (cb) => { listeners.complete.push(cb); },
    useStore: use,
    storeKey: () => key,
    go: go,
    weakest: (scored) => holdingBack(scored, names.length - 1)
  };
  window.ChophienSelf = api;

  document.documentElement.classList.add('js-sa');
  nav.hidden = false;
  use(null);

  if ('serviceWorker' in navigator && form.dataset.sw) {
    navigator.serviceWorker.register(form.dataset.sw).then((registration) => {
      const own = Array.from(document.querySelectorAll('script[src],link[rel=stylesheet]')).map((n) => n.src || n.href);
      const worker = registration.active || registration.waiting || registration.installing;
      if (worker) worker.postMessage({type: 'precache', urls: own});
    }).catch(() => { /* offline use is a bonus: the page works without it */ });
  }
})();
