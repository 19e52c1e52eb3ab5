/* Chợ phiên: response codes, one survey response as a short checksummed code and back.
   The exact twin of chophien/assessment/response_code.py (format: docs/assessment.md, "Response
   codes"); both are checked on tests/assessment/response_code_vectors.json. Plain ES2017. */
(function (root) {
  "use strict";
  var ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  var VERSION = 1;
  var FINGERPRINT_BITS = 20, COOPERATIVE_BITS = 24, CHECK_CHARS = 4, GROUP = 5;
  var READ_AS = { O: "0", I: "1", L: "1" };
  var ANONYMOUS = /^an-[0-9abcdefghjkmnpqrstvwxyz]{8}$/;

  function fnv1a(text) { // ASCII text (slugs, the codebook's canonical form)
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    }
    return h >>> 0;
  }
  function crc16(text) {
    var crc = 0xffff;
    for (var i = 0; i < text.length; i++) {
      crc ^= text.charCodeAt(i) << 8;
      for (var b = 0; b < 8; b++) crc = (crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1) & 0xffff;
    }
    return crc;
  }
  function width(count) {
    var n = Math.max(count - 1, 0), w = 0;
    while (n > 0) { w++; n = Math.floor(n / 2); }
    return w;
  }
  function fields(book) {
    return [["province", book.provinces], ["sector", book.sectors], ["kind", book.kinds],
      ["size", book.sizes], ["equipment", book.equipment]];
  }
  function canonical(book) {
    var criteria = book.criteria.map(function (c) { return c[0] + ":" + c[1].join(","); }).join(";");
    var parts = ["v" + VERSION, book.model, criteria];
    fields(book).forEach(function (f) { parts.push(f[1].join(",")); });
    return parts.join("|");
  }
  function fingerprint(book) { return fnv1a(canonical(book)) & 0xfffff; }
  function coopHash(slug) { return fnv1a(slug) & 0xffffff; }

  function put(bits, value, count) {
    for (var s = count - 1; s >= 0; s--) bits.push(Math.floor(value / Math.pow(2, s)) % 2);
  }
  function check(body) {
    var crc = crc16(body), out = "";
    [15, 10, 5, 0].forEach(function (s) { out += ALPHABET[(crc >> s) & 31]; });
    return out;
  }

  /* response: {respondent, province (slug), sector, kind, size, equipment, consent, answers{key: points}} */
  function encode(book, r) {
    var bits = [];
    put(bits, fingerprint(book), FINGERPRINT_BITS);
    if (r.respondent.indexOf("an-") === 0) {
      if (!ANONYMOUS.test(r.respondent)) throw new Error("anonymous id not codable: " + r.respondent);
      put(bits, 1, 1);
      r.respondent.slice(3).toUpperCase().split("").forEach(function (c) { put(bits, ALPHABET.indexOf(c), 5); });
    } else {
      put(bits, 0, 1);
      put(bits, coopHash(r.respondent), COOPERATIVE_BITS);
    }
    fields(book).forEach(function (f) {
      var i = f[1].indexOf(r[f[0]]);
      if (i < 0) throw new Error("not in the list: " + f[0]);
      put(bits, i, width(f[1].length));
    });
    put(bits, r.consent ? 1 : 0, 1);
    book.criteria.forEach(function (c) {
      var i = c[1].indexOf(Number(r.answers[c[0]]));
      if (i < 0) throw new Error("no such option: " + c[0]);
      put(bits, i, width(c[1].length));
    });
    while (bits.length % 5) bits.push(0);
    var body = String(VERSION);
    for (var i = 0; i < bits.length; i += 5) {
      body += ALPHABET[bits[i] * 16 + bits[i + 1] * 8 + bits[i + 2] * 4 + bits[i + 3] * 2 + bits[i + 4]];
    }
    return body + check(body);
  }

  function length(book, anonymous) {
    var bits = FINGERPRINT_BITS + 1 + (anonymous ? 40 : COOPERATIVE_BITS) + 1;
    fields(book).forEach(function (f) { bits += width(f[1].length); });
    book.criteria.forEach(function (c) { bits += width(c[1].length); });
    return 1 + Math.ceil(bits / 5) + CHECK_CHARS;
  }

  function grouped(code) {
    var out = [];
    for (var i = 0; i < code.length; i += GROUP) out.push(code.slice(i, i + GROUP));
    return out.join("-");
  }

  function Problem(vi, en) { this.vi = vi; this.en = en; this.message = vi; }

  /* The response a code holds; throws a Problem (vi/en) when it cannot be read. */
  function decode(book, text, slugs) {
    var code = "";
    for (var p = 0; p < text.length; p++) {
      var ch = text[p];
      if (ch === " " || ch === "-" || ch === "\t") continue;
      var up = READ_AS[ch.toUpperCase()] || ch.toUpperCase();
      if (ALPHABET.indexOf(up) < 0 || up.length !== 1) {
        throw new Problem("ký tự “" + ch + "” ở vị trí " + (p + 1) + " không có trong bảng mã",
          "character “" + ch + "” at position " + (p + 1) + " is not in the code alphabet");
      }
      code += up;
    }
    if (!code) throw new Problem("mã trống", "empty code");
    if (code[0] !== String(VERSION)) throw new Problem("phiên bản mã không đọc được", "unknown code version");
    var ok = code.length > CHECK_CHARS + 1 && check(code.slice(0, -CHECK_CHARS)) === code.slice(-CHECK_CHARS);
    if (!ok) {
      if (code.length !== length(book, false) && code.length !== length(book, true)) {
        throw new Problem("mã thiếu hoặc thừa ký tự", "characters are missing or extra");
      }
      throw new Problem("mã sai (tổng kiểm tra không khớp)", "wrong code (checksum)");
    }
    var bits = [];
    code.slice(1, -CHECK_CHARS).split("").forEach(function (c) { put(bits, ALPHABET.indexOf(c), 5); });
    var at = 0;
    function take(n) { var v = 0; for (var k = 0; k < n; k++) v = v * 2 + (bits[at++] || 0); return v; }
    function choose(items, name) {
      var i = take(width(items.length));
      if (i >= items.length) throw new Problem(name + ": lựa chọn không có", name + ": no such choice");
      return items[i];
    }
    if (take(FINGERPRINT_BITS) !== fingerprint(book)) {
      throw new Problem("mã của một bộ câu hỏi khác", "a code of another questionnaire");
    }
    var anonymous = take(1) === 1;
    if (code.length !== length(book, anonymous)) throw new Problem("độ dài mã sai", "wrong code length");
    var r = {};
    if (anonymous) {
      var id = "an-";
      for (var a = 0; a < 8; a++) id += ALPHABET[take(5)].toLowerCase();
      r.respondent = id;
    } else {
      var wanted = take(COOPERATIVE_BITS);
      var found = (slugs || []).filter(function (s) { return coopHash(s) === wanted; });
      if (found.length !== 1) throw new Problem("không tìm thấy hợp tác xã của mã", "the code's cooperative is not found");
      r.respondent = found[0];
    }
    fields(book).forEach(function (f) { r[f[0]] = choose(f[1], f[0]); });
    r.consent = take(1) === 1;
    r.answers = {};
    book.criteria.forEach(function (c) { r.answers[c[0]] = choose(c[1], c[0]); });
    if (take(bits.length - at) !== 0) throw new Problem("bit thừa khác 0", "non-zero padding");
    return r;
  }

  /* A new anonymous id: an- and 8 random base32 characters (40 bits). */
  function anonymousId(random) {
    var bytes = random(8), id = "an-";
    for (var i = 0; i < 8; i++) id += ALPHABET[bytes[i] & 31].toLowerCase();
    return id;
  }

  var api = { encode: encode, decode: decode, grouped: grouped, fingerprint: fingerprint,
    canonical: canonical, length: length, anonymousId: anonymousId, ALPHABET: ALPHABET };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.ChophienCode = api;
})(this);
