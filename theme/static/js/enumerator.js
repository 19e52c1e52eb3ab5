/* Chợ phiên: "Khảo sát nhiều đơn vị", the enumerator mode of the self-assessment page.
   Several cooperatives' responses kept on this device (localStorage, versioned, per site and
   survey) until exported as the survey's responses.csv layout (+ a JSON copy) or shown as
   response codes (response-code.js) with a QR code (qrcode-generator, loaded only then).
   Answers are given with the page's own questionnaire (window.ChophienSelf). Nothing is sent.
   Plain ES2017, no innerHTML: a typed name never becomes markup. */
(function () {
  "use strict";
  var root = document.getElementById("khao-sat-nhieu-don-vi");
  var dataNode = document.getElementById("enum-data");
  if (!root || !dataNode || !window.ChophienCode || !window.localStorage || !window.JSON) return;
  if (root.hasAttribute("data-ready")) return; // loaded twice: one instance only
  root.setAttribute("data-ready", "");
  var data;
  try { data = JSON.parse(dataNode.textContent); } catch (e) { return; }
  if (!data || data.version !== 1 || !data.surveys || !data.surveys.length) return;
  var Code = window.ChophienCode;
  // Words: the Vietnamese text, or the page's translation of it (data.words, from the message
  // catalogue: chophien/site/enumerator.py WORDS); "{}" takes the next argument. Codes, columns and
  // files are the same on both pages.
  var words = data.words || {};
  function t(vi) {
    var text = words[vi] || vi;
    for (var i = 1; i < arguments.length; i++) text = text.replace("{}", arguments[i]);
    return text;
  }
  var book = data.codebook;
  var criteria = book.criteria; // [[key, [points…]], …]
  // responses.csv's columns (chophien.assessment.schema.BASE_COLUMNS), then the criteria in model order
  var BASE = ["respondent", "province", "region", "sector", "kind", "size", "equipment", "consent"];
  var header = BASE.concat(criteria.map(function (c) { return c[0]; }));
  var SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
  var FORMULA = /^[=+\-@\t\r]/;
  var STORE = 1;
  var site = root.getAttribute("data-site") || location.origin;

  function $(id) { return document.getElementById(id); }
  function index(list) { var m = {}; list.forEach(function (x) { m[x[0]] = x; }); return m; }
  var provinces = index(data.provinces), coops = index(data.cooperatives);
  // the lists are in the data once; the selects are filled here (the mode needs JavaScript anyway)
  function fill(id, items) {
    var select = $(id);
    items.forEach(function (item) { select.appendChild(new Option(item[1], item[0])); });
  }
  fill("enum-survey", data.surveys.map(function (s) { return [s.slug, s.title + (s.sample_data ? t(" (dữ liệu mẫu)") : "")]; }));
  fill("enum-coop", data.cooperatives);
  fill("enum-province", data.provinces);
  fill("enum-kind", data.kinds);
  fill("enum-sector", data.sectors);
  fill("enum-size", data.sizes);
  fill("enum-equipment", data.equipment);
  var surveySelect = $("enum-survey"), status = $("enum-status"), list = $("enum-list");
  var unit = $("enum-unit"), answering = $("enum-answering"), codeBox = $("enum-code");
  var current = null; // the response being answered

  function say(text) { status.textContent = text; }
  function survey() {
    var slug = surveySelect.value;
    return data.surveys.filter(function (s) { return s.slug === slug; })[0] || data.surveys[0];
  }
  function key() { return "chophien-enum:v" + STORE + ":" + site + ":" + survey().slug; }
  function answersKey(r) { return key() + ":phieu:" + r.id; }
  function self() { return window.ChophienSelf; }

  /* --- storage ---------------------------------------------------------------------------- */
  function sane(r) {
    return r && typeof r === "object" && typeof r.id === "string" && typeof r.respondent === "string" &&
      (SLUG.test(r.respondent)) && r.answers && typeof r.answers === "object";
  }
  function load() {
    var raw;
    try { raw = localStorage.getItem(key()); } catch (e) { say(t("Máy không cho lưu dữ liệu (chế độ ẩn danh?): phiếu sẽ mất khi đóng trang.")); return []; }
    if (!raw) return [];
    try {
      var doc = JSON.parse(raw);
      if (doc && doc.version === STORE && Array.isArray(doc.responses)) return doc.responses.filter(sane);
    } catch (e) { /* corrupt: below */ }
    try { localStorage.setItem(key() + ":hong:" + Date.now(), raw); localStorage.removeItem(key()); } catch (e) { /* full */ }
    say(t("Dữ liệu phiếu cũ trên máy bị hỏng nên đã được để riêng; bắt đầu danh sách mới."));
    return [];
  }
  function store(responses) {
    try {
      localStorage.setItem(key(), JSON.stringify({ version: STORE, model: book.model, fingerprint: book.fingerprint, responses: responses }));
      return true;
    } catch (e) {
      say(t("Không lưu được trên máy (bộ nhớ đầy?). Hãy tải tệp CSV ngay."));
      return false;
    }
  }
  function put(r) {
    var all = load(), i;
    for (i = 0; i < all.length; i++) if (all[i].id === r.id) break;
    r.updated = new Date().toISOString();
    all[i] = r;
    return store(all);
  }

  /* --- one response ------------------------------------------------------------------------ */
  function answered(r) {
    return criteria.filter(function (c) { return c[1].indexOf(Number(r.answers[c[0]])) >= 0; }).length;
  }
  function complete(r) { return answered(r) === criteria.length; }
  function label(r) {
    return (r.coop && coops[r.coop] ? coops[r.coop][1] : r.name || r.respondent) +
      (provinces[r.province] ? " – " + provinces[r.province][1] : "");
  }
  function rowOf(r) {
    var p = provinces[r.province];
    var row = [r.respondent, p[1], p[2], r.sector, r.kind, r.size, r.equipment, r.consent ? "yes" : "no"];
    criteria.forEach(function (c) { row.push(String(Number(r.answers[c[0]]))); });
    return row;
  }
  function exportable(r) {
    return complete(r) && provinces[r.province] && book.sectors.indexOf(r.sector) >= 0 &&
      book.kinds.indexOf(r.kind) >= 0 && book.sizes.indexOf(r.size) >= 0 && book.equipment.indexOf(r.equipment) >= 0;
  }
  function codeOf(r) {
    return Code.encode(book, { respondent: r.respondent, province: r.province, sector: r.sector, kind: r.kind,
      size: r.size, equipment: r.equipment, consent: !!r.consent, answers: r.answers });
  }

  /* --- the list ------------------------------------------------------------------------------ */
  function button(text, action, id) {
    var b = document.createElement("button");
    b.type = "button"; b.textContent = text;
    b.setAttribute("data-action", action); b.setAttribute("data-id", id);
    return b;
  }
  function render() {
    var all = load();
    list.textContent = "";
    var done = all.filter(complete).length;
    var p = document.createElement("p");
    p.textContent = all.length
      ? t("{} phiếu lưu trên máy này, {} phiếu đủ câu trả lời.", all.length, done)
      : t("Chưa có phiếu nào trên máy này.");
    list.appendChild(p);
    if (!all.length) return;
    var ol = document.createElement("ol");
    ol.className = "enum-responses";
    all.forEach(function (r) {
      var li = document.createElement("li");
      li.setAttribute("data-respondent", r.respondent);
      var name = document.createElement("strong");
      name.textContent = label(r);
      li.appendChild(name);
      li.appendChild(document.createTextNode(" · " + answered(r) + "/" + criteria.length + t(" câu") + (complete(r) ? " ✓ " : " ")));
      li.appendChild(button(t("Sửa"), "edit", r.id));
      li.appendChild(document.createTextNode(" "));
      if (complete(r)) { li.appendChild(button(t("Mã phiếu"), "code", r.id)); li.appendChild(document.createTextNode(" ")); }
      li.appendChild(button(t("Xoá"), "delete", r.id));
      ol.appendChild(li);
    });
    list.appendChild(ol);
  }
  function find(id) { return load().filter(function (r) { return r.id === id; })[0]; }
  list.addEventListener("click", function (event) {
    var target = event.target, id = target.getAttribute && target.getAttribute("data-id");
    if (!id) return;
    var r = find(id);
    if (!r) return render();
    var action = target.getAttribute("data-action");
    if (action === "edit") openUnit(r);
    else if (action === "code") showCode(r);
    else if (action === "delete" && window.confirm(t("Xoá phiếu của ") + label(r) + t("? Phiếu đã xoá không lấy lại được."))) {
      store(load().filter(function (x) { return x.id !== id; }));
      try { localStorage.removeItem(answersKey(r)); } catch (e) { /* nothing to remove */ }
      if (current && current.id === id) stopAnswering();
      say(t("Đã xoá phiếu của ") + label(r) + ".");
      render();
    }
  });

  /* --- the unit form ------------------------------------------------------------------------- */
  var fields = ["province", "kind", "sector", "size", "equipment"];
  function randomBytes(n) {
    var bytes = new Uint8Array(n);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return bytes;
  }
  function consentRules() {
    var s = survey(), coop = $("enum-coop").value;
    $("enum-statement").textContent = s.statement || "";
    var allowed = s.own_results && !!coop, choice = $("enum-consent");
    choice.options[1].disabled = !allowed;
    if (!allowed) { choice.value = "no"; choice.setAttribute("data-forced", ""); }
    else if (choice.hasAttribute("data-forced")) { choice.value = ""; choice.removeAttribute("data-forced"); } // now ask
    $("enum-name-row").hidden = !!coop;
  }
  $("enum-coop").addEventListener("change", function () {
    var c = coops[this.value];
    if (c) { $("enum-province").value = c[2]; $("enum-kind").value = c[3]; }
    consentRules();
  });
  function openUnit(r) {
    stopAnswering();
    codeBox.hidden = true;
    unit.hidden = false;
    unit.setAttribute("data-id", r ? r.id : "");
    $("enum-coop").value = r ? r.coop || "" : "";
    $("enum-name").value = r ? r.name || "" : "";
    fields.forEach(function (f) { $("enum-" + f).value = r ? r[f] || "" : ""; });
    consentRules();
    $("enum-consent").value = r ? (r.consent ? "yes" : "no") : "";
    consentRules();
    $("enum-coop").focus();
  }
  $("enum-new").addEventListener("click", function () { openUnit(null); });
  $("enum-cancel").addEventListener("click", function () { unit.hidden = true; });
  unit.addEventListener("submit", function (event) {
    event.preventDefault();
    var coop = $("enum-coop").value, name = $("enum-name").value.trim();
    var missing = fields.concat(["consent"]).filter(function (f) { return !$("enum-" + f).value; });
    var labels = missing.map(function (f) { return document.querySelector('label[for="enum-' + f + '"]').textContent; });
    if (!coop && !name) labels.unshift(t("tên đơn vị"));
    if (labels.length) { say(t("Còn thiếu: ") + labels.join("; ") + "."); return; }
    var id = unit.getAttribute("data-id"), r = id ? find(id) : null, all = load();
    var same = coop && all.filter(function (x) { return x.coop === coop && (!r || x.id !== r.id); })[0];
    if (same) {
      if (!window.confirm(t("Đã có phiếu của ") + label(same) + t(" trên máy này. Mở phiếu đó để sửa?"))) return;
      r = same;
    } else if (!r) {
      r = { id: Date.now().toString(36) + Code.anonymousId(randomBytes).slice(3), answers: {}, created: new Date().toISOString() };
    }
    if (!same) {
      r.coop = coop; r.name = coop ? "" : name.slice(0, 120);
      r.respondent = coop || (r.respondent && r.respondent.indexOf("an-") === 0 ? r.respondent : Code.anonymousId(randomBytes));
      fields.forEach(function (f) { r[f] = $("enum-" + f).value; });
      r.consent = $("enum-consent").value === "yes" && !$("enum-consent").options[1].disabled;
      if (!put(r)) return;
    }
    unit.hidden = true;
    startAnswering(r);
    render();
  });

  /* --- answering with the page's questionnaire ---------------------------------------------- */
  var listening = false;
  function startAnswering(r) {
    var s = self();
    if (!s) { say(t("Chưa tải xong bảng câu hỏi; hãy thử lại.")); return; }
    current = r;
    if (!listening) {
      listening = true;
      s.onChange(function () {
        if (!current) return;
        current.answers = s.getAnswers() || {};
        put(current);
        render();
      });
    }
    s.useStore(answersKey(r));
    s.setAnswers(r.answers || {});
    $("enum-current").textContent = label(r);
    answering.hidden = false;
    var form = $("tu-danh-gia");
    if (form && form.scrollIntoView) form.scrollIntoView();
  }
  function stopAnswering() {
    var r = current;
    current = null; // first: going back to the page's own store must not touch this response
    if (r && self()) {
      r.answers = self().getAnswers() || r.answers;
      put(r);
      self().useStore(null); // back to the page's own store
    }
    answering.hidden = true;
  }
  function saveCurrent() {
    if (!current) return;
    var r = current;
    stopAnswering();
    r = find(r.id) || r;
    say(t("Đã lưu phiếu của ") + label(r) + " (" + answered(r) + "/" + criteria.length + t(" câu)."));
    render();
  }
  $("enum-save").addEventListener("click", function () { saveCurrent(); root.scrollIntoView(); });
  /* --- onComplete: a hint when the last question is answered ----------------------------- */
  if (self() && self().onComplete) self().onComplete(function () { if (current) say(t("Đã trả lời đủ câu hỏi: bấm “Lưu phiếu”.")); });
  $("enum-next").addEventListener("click", function () { saveCurrent(); openUnit(null); root.scrollIntoView(); });

  /* --- export ---------------------------------------------------------------------------------- */
  function cell(value) {
    var text = String(value);
    if (FORMULA.test(text)) throw new Error("a cell would start a formula: " + text);
    return /[",;\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  function ready() {
    var all = load(), good = all.filter(exportable);
    if (good.length < all.length) say((all.length - good.length) + t(" phiếu chưa đủ câu trả lời nên chưa có trong tệp."));
    return good;
  }
  function download(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = document.createElement("a");
    a.href = url; a.download = name; a.hidden = true;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }
  function stamp() { return new Date().toISOString().slice(0, 10).replace(/-/g, ""); }
  $("enum-csv").addEventListener("click", function () {
    var good = ready();
    if (!good.length) { say(t("Chưa có phiếu nào đủ câu trả lời để tải.")); return; }
    var lines = [header.map(cell).join(",")];
    good.forEach(function (r) { lines.push(rowOf(r).map(cell).join(",")); });
    // UTF-8 with a byte-order mark, as the site's spreadsheet downloads: Excel then reads Vietnamese right
    download("phieu-" + survey().slug + "-" + stamp() + ".csv", "text/csv;charset=utf-8", "\ufeff" + lines.join("\n") + "\n");
    say(t("Đã tải {} phiếu (tệp CSV).", good.length));
  });
  $("enum-json").addEventListener("click", function () {
    var good = ready();
    if (!good.length) { say(t("Chưa có phiếu nào đủ câu trả lời để tải.")); return; }
    var items = good.map(function (r) {
      var row = rowOf(r), item = {};
      header.forEach(function (name, i) { item[name] = i >= 8 ? Number(row[i]) : row[i]; });
      return item;
    });
    download("phieu-" + survey().slug + "-" + stamp() + ".json", "application/json", JSON.stringify(items, null, 1) + "\n");
    say(t("Đã tải {} phiếu (bản JSON).", good.length));
  });

  /* --- response codes and their QR -------------------------------------------------------------- */
  var qrLoading = null;
  function withQr(done) {
    if (window.qrcode) return done(window.qrcode);
    if (!qrLoading) {
      qrLoading = [];
      var script = document.createElement("script");
      script.src = root.getAttribute("data-qr");
      script.onload = function () { qrLoading.forEach(function (f) { f(window.qrcode); }); };
      script.onerror = function () { qrLoading = null; };
      document.head.appendChild(script);
    }
    qrLoading.push(done);
  }
  function svgQr(qrcode, text) {
    var qr = qrcode(0, "M");
    qr.addData(text, "Alphanumeric");
    qr.make();
    var n = qr.getModuleCount(), q = 4, size = n + 2 * q, d = "";
    for (var y = 0; y < n; y++) for (var x = 0; x < n; x++) if (qr.isDark(y, x)) d += "M" + (x + q) + " " + (y + q) + "h1v1h-1z";
    var NS = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + size + " " + size);
    svg.setAttribute("width", String(size * 6)); svg.setAttribute("height", String(size * 6));
    svg.setAttribute("role", "img"); svg.setAttribute("aria-label", t("Mã QR của mã phiếu"));
    svg.setAttribute("shape-rendering", "crispEdges");
    var bg = document.createElementNS(NS, "rect");
    bg.setAttribute("width", String(size)); bg.setAttribute("height", String(size)); bg.setAttribute("fill", "#fff");
    var path = document.createElementNS(NS, "path");
    path.setAttribute("d", d); path.setAttribute("fill", "#000");
    svg.appendChild(bg); svg.appendChild(path);
    return svg;
  }
  function showCode(r) {
    var code = codeOf(r);
    $("enum-code-text").textContent = Code.grouped(code);
    codeBox.setAttribute("data-code", code);
    var box = $("enum-qr");
    box.textContent = "";
    codeBox.hidden = false;
    withQr(function (qrcode) { if (codeBox.getAttribute("data-code") === code) { box.textContent = ""; box.appendChild(svgQr(qrcode, code)); } });
    codeBox.scrollIntoView();
  }
  $("enum-code-close").addEventListener("click", function () { codeBox.hidden = true; });

  surveySelect.addEventListener("change", function () { stopAnswering(); unit.hidden = true; codeBox.hidden = true; render(); });
  surveySelect.parentNode.hidden = data.surveys.length < 2;
  root.hidden = false;
  $("enum-body").hidden = false;
  $("enum-open-row").hidden = true;
  render();
})();
