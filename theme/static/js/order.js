'use strict';
// Every page: "Thêm vào danh sách" and the header's count; the list in localStorage (docs/phone.md).
(() => {
  const root = new URL('../../', document.currentScript.src);
  const KEY = 'chophien:order:v1:' + root.pathname;
  const SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;
  const int = (x, lo, hi) => Number.isInteger(x) && x >= lo && x <= hi;
  const good = (i) => i && SLUG.test(i.c) && SLUG.test(i.p) && int(i.q, 1, 999) &&
    (i.pr === null || int(i.pr, 0, 1e12)) && typeof i.n === 'string' && (!i.k || /^[\w-]{1,40}$/.test(i.k));
  const load = () => {
    try {
      const d = JSON.parse(localStorage.getItem(KEY));
      if (d && d.v === 1 && Array.isArray(d.items)) {
        const sent = d.sent && typeof d.sent === 'object' ? d.sent : {};
        return {v: 1, items: d.items.filter(good).slice(0, 200), sent};
      }
    } catch (e) { /* corrupt: start again */ }
    return {v: 1, items: [], sent: {}};
  };
  const save = (d) => {
    try { localStorage.setItem(KEY, JSON.stringify(d)); return true; } catch (e) { return false; }
  };
  const count = () => {
    const n = load().items.length;
    for (const el of document.querySelectorAll('.order-count')) {
      el.textContent = n ? ' (' + n + ')' : '';
    }
  };
  window.chophienOrder = {root, load, save, good, count};
  try { if (!localStorage) return; } catch (e) { return; }
  // base.html's words
  const W = (document.querySelector('.order-link') || {dataset: {w: '|'}}).dataset.w.split('|');
  const show = (box, button, item) => {
    const note = box.querySelector('.in-list');
    if (note) note.textContent = item ? W[0].replace('{}', item.q) : '';
    else if (item) button.textContent = W[1].replace('{}', item.q);
  };
  for (const box of document.querySelectorAll('[data-o]')) {
    const [c, p, price, k] = box.dataset.o.split(' ');
    const pr = price === '' ? null : Number(price);
    const button = box.tagName === 'BUTTON' ? box : box.querySelector('button');
    const qty = box.querySelector('input');
    const find = (d) => d.items.find((i) => i.c === c && i.p === p);
    box.hidden = false;
    show(box, button, find(load()));
    button.addEventListener('click', () => {
      const d = load();
      const q = qty ? Math.max(1, Math.min(999, Math.floor(qty.value) || 1)) : 1;
      const item = find(d);
      const name = box.closest('article, li').querySelector('h1, .name');
      if (item) item.q = Math.min(999, item.q + q);
      else d.items.push({c, p, q, pr, n: name ? name.textContent.trim().slice(0, 200) : p, k});
      if (good(find(d)) && save(d)) {
        show(box, button, find(d));
        count();
      }
    });
  }
  addEventListener('storage', count);
  addEventListener('pageshow', count);
  count();
})();
