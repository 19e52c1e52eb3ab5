'use strict';
// Chợ phiên /don-hang/ (docs/phone.md): the page's <template>s filled with data, as text only.
(() => {
  const O = window.chophienOrder;
  const box = document.getElementById('orders');
  if (!O || !box || !O.save(O.load())) return;
  const $ = (s, e = document) => e.querySelector(s);
  const root = O.root;
  const share = $('#share');
  // SMS: 4 UCS-2 parts of 67 characters; mailto: the whole URL ≤ 1600; chat ≤ 2000 (docs/phone.md).
  const SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;
  const CODE = /^[\w-]{1,40}$/;
  const W = JSON.parse(box.dataset.words);
  let d;
  const cache = Object.create(null);
  const money = (n) => n.toLocaleString(document.documentElement.lang) + '\u00a0₫';
  const cut = (s, n) => (s.length > n ? s.slice(0, n - 1) + '…' : s).normalize('NFC');
  const media = box.dataset.media; // CHOPHIEN_MEDIA_URL
  const own = (path) => {
    const u = new URL(path, root);
    return u.href.startsWith(root.href) || (media && u.href.startsWith(media)) ? u.href : root.href;
  };
  const clone = (id) => $('#' + id).content.firstElementChild.cloneNode(true);
  const text = (e, t) => { e.textContent = t; return e; };
  const fill = (e, o) => { for (const k in o) text($(k, e), o[k]); };
  const save = () => { O.save(d); O.count(); };
  const json = (c) => own(box.dataset.json.replace('{slug}', c));
  const info = (c) => cache[c] || (cache[c] = fetch(json(c), {cache: 'no-cache'})
    .then((r) => r.json())
    .then((j) => (j.v === 1 && Array.isArray(j.products) && Array.isArray(j.channels) ? j : null))
    .catch(() => null));

  const incoming = [];
  let h = '';
  try { h = decodeURIComponent(location.hash); } catch (e) { /* not a list */ }
  if (h.startsWith('#l=') && h.length < 8000) {
    for (const g of h.slice(3).split(';')) {
      const [c, list = ''] = g.split(':');
      for (const it of SLUG.test(c) ? list.split(',') : []) {
        const [k, q] = it.split('*');
        const n = Number(q);
        if (CODE.test(k) && Number.isInteger(n) && n > 0 && n < 1000 && incoming.length < 200) incoming.push({c, k, q: n});
      }
    }
  }
  const unhash = () => history.replaceState(null, '', location.pathname + location.search);

  const part = (ls, n, t, head) => [head + (t > 1 ? ' (' + n + '/' + t + ')' : '') + ':', ...ls, ...(n < t ? [] : [W.foot])].join('\n');
  const split = (ls, head, fits) => {
    const parts = [[]];
    for (const l of ls) {
      const last = parts[parts.length - 1];
      if (last.length && !fits(part(last.concat(l), 9, 9, head))) parts.push([l]);
      else last.push(l);
    }
    return parts.map((p, n) => part(p, n + 1, parts.length, head));
  };
  const plain = (t) => t.replace(/–/g, '-').replace(/×/g, 'x').replace(/…/g, '...');
  const body = (t) => encodeURIComponent(t.replace(/\n/g, '\r\n'));
  const of = (ps, n) => (ps.length > 1 ? ' ' + (n + 1) + '/' + ps.length : '');

  const group = (c, items, j) => {
    const s = clone('t-coop');
    const name = j ? j.name : c;
    let sum = 0;
    let ask = 0;
    const lines = [];
    for (const i of items) {
      const li = clone('t-line');
      const p = j && j.products.find((x) => x.slug === i.p);
      if (p) Object.assign(i, {k: CODE.test(p.code) ? p.code : i.k, n: String(p.name)});
      const price = p ? p.price : i.pr;
      const unit = p && p.unit ? String(p.unit) : '';
      const flag = [p && p.price !== i.pr && W.changed + (i.pr === null ? '' : W.before + money(i.pr)),
        p && p.status === 'het-hang' && W.out, j && !p && W.gone].filter(Boolean).join(' · ');
      $('.flag', li).hidden = !flag;
      if (typeof price === 'number') sum += price * i.q;
      else ask++;
      lines.push('[' + (i.k || '?') + '] ' + cut(i.n, 60) + ' – ' + i.q + (unit ? ' × ' + cut(unit, 30) : ''));
      li.dataset.key = i.c + '/' + i.p;
      const f5 = p && p.photo;
      const pic = $('picture', li);
      if (f5) {
        $('.nophoto', li).remove();
        pic.children[0].srcset = own(f5.avif);
        pic.children[1].srcset = own(f5.webp);
        Object.assign(pic.children[2], {src: own(f5.jpg), width: f5.w, height: f5.h});
      } else pic.remove();
      $('a', li).href = p ? own(p.url) : new URL('.', json(c));
      fill(li, {a: i.n, '.flag': flag, '.code': i.k || '?', '.unit': unit && ' · ' + unit, '.q': i.q,
        '.price': typeof price === 'number' ? money(price) + ' × ' + i.q + ' = ' + money(price * i.q) : W.ask});
      li.querySelectorAll('button').forEach((b) => { b.id = b.dataset.by + li.dataset.key; });
      $('ul', s).append(li);
    }
    $('.sum>span', s).hidden = !ask;
    const head = W.head.replace('{}', cut(j ? j.short_name + '' : c, 40));
    const chat = split(lines, head, (t) => t.length <= 2000);
    const chans = j ? j.channels.filter((x) => /^(sms:|mailto:|tel:|https:\/\/)/.test(x.href)) : [];
    const btns = $('.buttons', s);
    const link = (x, href, label, small) => {
      const a = text(Object.assign(document.createElement('a'), {className: 'btn btn-' + x.channel, href}), label);
      if (small) a.append(' ', text(document.createElement('small'), small));
      btns.append(a);
    };
    $('.offline', s).hidden = chans.length;
    $('.chat', s).hidden = !chans.some((x) => /zalo|messenger/.test(x.channel));
    for (const t of chat) {
      const m = clone('t-msg');
      m.firstChild.value = t;
      $('.msgs', s).append(m);
    }
    for (const x of chans) {
      const label = W[x.channel] || x.label;
      if (x.channel === 'sms') {
        const ps = split(lines, head, (t) => plain(t).length <= 268).map(plain);
        ps.forEach((t, n) => link(x, x.href + '?body=' + encodeURIComponent(t), label + of(ps, n), x.detail));
      } else if (x.channel === 'email') {
        const ps = split(lines, head, (t) => x.href.length + 200 + body(t).length <= 1600);
        ps.forEach((t, n) => link(x, x.href + '?subject=' + encodeURIComponent(W.subject + of(ps, n)) + '&body=' + body(t), label + of(ps, n)));
      } else link(x, x.href, label, x.detail);
    }
    fill(s, {h2: name, strong: money(sum), '.sum>span>span': ask, '.sent span': name,
      '.contacts': chans.map((x) => (W[x.channel] || x.label) + ': ' + x.detail).join(' · ')});
    const sent = $('.sent input', s);
    sent.checked = d.sent[c] === chat.join();
    sent.onchange = () => {
      if (sent.checked) d.sent[c] = chat.join();
      else delete d.sent[c];
      save();
    };
    return s;
  };

  const render = async () => {
    const focus = document.activeElement && document.activeElement.id;
    d = O.load();
    const groups = new Map();
    for (const i of d.items) (groups.get(i.c) || groups.set(i.c, []).get(i.c)).push(i);
    const found = await Promise.all([...groups.keys()].map(info));
    const sections = [...groups].map(([c, items], n) => group(c, items, found[n]));
    save();
    box.textContent = '';
    box.append(...sections);
    $('.empty').hidden = sections.length;
    $('.order-tools').hidden = !sections.length;
    share.value = location.href.split('#')[0] + '#l=' + [...groups].map(([c, items]) =>
      c + ':' + items.filter((i) => i.k).map((i) => i.k + '*' + i.q).join(',')).join(';');
    const f = focus && document.getElementById(focus);
    if (f) f.focus();
  };

  const take = async () => {
    let lost = 0;
    for (const s of incoming) {
      const j = await info(s.c);
      const p = j && j.products.find((x) => x.code === s.k);
      const i = p && d.items.find((x) => x.c === s.c && x.p === p.slug);
      if (!p || !SLUG.test(p.slug)) lost++;
      else if (i) i.q = s.q;
      else d.items.push({c: s.c, p: p.slug, q: s.q, pr: p.price, n: String(p.name), k: s.k});
    }
    d.items = d.items.filter(O.good).slice(0, 200);
    save();
    unhash();
    $('.lost').hidden = !lost;
    text($('.lost span'), lost);
  };

  document.querySelector('.orders').onclick = (e) => {
    const b = e.target.closest('button');
    const act = b && b.dataset.act;
    const li = b && b.closest('li');
    const i = li && d.items.find((x) => x.c + '/' + x.p === li.dataset.key);
    if (i && b.dataset.by) {
      const by = Number(b.dataset.by);
      if (by) i.q = Math.max(1, Math.min(999, i.q + by));
      else d.items = d.items.filter((x) => x !== i);
      save();
      render();
    }
    if (act === 'copy') {
      const field = b.previousElementSibling || share;
      field.select();
      if (document.execCommand('copy')) text(b, W.copied);
    }
    if (act === 'print') print();
    if (act === 'clear' && confirm(W.clear)) {
      d.items = [];
      d.sent = {};
      save();
      render();
    }
  };
  addEventListener('storage', render);

  d = O.load();
  (incoming.length ? take() : Promise.resolve()).catch(() => {}).then(render);
})();
