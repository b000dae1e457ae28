// @ts-check
// The Pier Logs page: keeps up to 50,000 entries, filters them, and draws only the rows in sight
// (fixed row height, so 50,000 lines cost as much to draw as forty). Every line's HTML comes from
// PierLogCore.renderRowHtml, which escapes all log text; colours other than the theme's sixteen
// are set through the style object, never as markup. Keyboard: Tab through the toolbar; in the
// list Up/Down/PageUp/PageDown/Home/End move, F follows, E jumps to the next error, K clears,
// Ctrl+F filters, Ctrl+Shift+C copies, Escape leaves the filter.
(function () {
  'use strict';
  /** @type {any} */
  const win = window;
  const core = win.PierLogCore;
  const vscode = win.acquireVsCodeApi();
  const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));
  const ui = {
    device: $('device'), target: $('target'), reload: $('reload'), follow: $('follow'), filter: $('filter'), regex: $('regex'), kase: $('case'),
    level: $('level'), time: $('time'), error: $('error'), copy: $('copy'), save: $('save'), clear: $('clear'), status: $('status'),
    notice: $('notice'), log: $('log'), spacer: $('spacer'), rows: $('rows'), empty: $('empty'), newer: $('newer'),
  };
  const LEVELS = ['debug', 'info', 'warn', 'error'];
  const saved = vscode.getState() || {};

  /** @typedef {{ e: any, plain: string, segments?: any[], level?: string }} Item */
  /** @type {Item[]} */
  let items = [];
  /** Sequence number of items[0]; entries dropped from the top move it on. */
  let base = 0;
  let dropped = 0;
  let maxEntries = 50000;
  /** Sequence numbers of the items the filter shows, ascending. */
  /** @type {number[]} */
  let shown = [];
  let filter = core.makeFilter({});
  let following = saved.following !== false;
  let selected = -1;
  let anchor = -1;
  let unseen = 0;
  let rowH = 18;
  let showSource = false;
  let current = /** @type {any} */ (undefined);
  let lastState = '';
  let drawQueued = false;
  let autoScroll = false;
  const colors = core.serviceColors();

  ui.filter.value = saved.filter || '';
  ui.regex.setAttribute('aria-pressed', String(!!saved.regex));
  ui.kase.setAttribute('aria-pressed', String(!!saved.caseSensitive));
  ui.level.value = saved.level || '';
  ui.time.value = saved.time || 'device';

  const pressed = (/** @type {any} */ b) => b.getAttribute('aria-pressed') === 'true';
  const remember = () => vscode.setState({ filter: ui.filter.value, regex: pressed(ui.regex), caseSensitive: pressed(ui.kase), level: ui.level.value, time: ui.time.value, following });

  function spec() {
    const min = LEVELS.indexOf(ui.level.value);
    return { text: ui.filter.value, regex: pressed(ui.regex), caseSensitive: pressed(ui.kase), levels: min >= 0 ? LEVELS.slice(min) : undefined };
  }

  /** @param {any} e @returns {Item} */
  function itemOf(e) {
    if (e.kind === 'state') return { e, plain: e.message };
    const p = core.parseAnsi(e.text);
    if (e.service) showSource = true;
    return { e, plain: p.plain, segments: p.segments, level: core.detectLevel(p.plain) };
  }

  /** @param {Item} it */
  const passes = (it) => filter.test({ plain: it.plain, level: it.level, service: it.e.service || it.e.name, stream: it.e.stream, state: it.e.kind === 'state' });

  function refilter() {
    const s = spec();
    filter = core.makeFilter(s);
    ui.filter.classList.toggle('invalid', !!filter.error);
    ui.filter.title = filter.error ? `Not a valid regular expression: ${filter.error}` : 'Filter lines';
    shown = [];
    for (let i = 0; i < items.length; i++) if (passes(items[i])) shown.push(base + i);
    remember();
    draw(true);
  }

  /** Add entries from the extension; trims the top past the cap. @param {any[]} entries @param {number} more */
  function append(entries, more) {
    dropped += more;
    base += more;
    for (const e of entries) {
      const it = itemOf(e);
      items.push(it);
      if (passes(it)) shown.push(base + items.length - 1);
      if (e.kind === 'state') lastState = e.message;
    }
    // Trimmed once per batch, not per line, so a flood does not shift the array for every line.
    const over = items.length - maxEntries;
    if (over > 0) trim(over);
    if (!following) unseen += entries.length;
    draw(false);
  }

  /** @param {number} n */
  function trim(n) {
    items = items.slice(n);
    base += n;
    dropped += n;
    let k = 0;
    while (k < shown.length && shown[k] < base) k++;
    if (k) shown = shown.slice(k);
    if (selected >= 0 && selected < base) selected = -1;
  }

  function reset(/** @type {any[]} */ entries, /** @type {number} */ d) {
    items = [];
    shown = [];
    base = 0;
    dropped = 0;
    selected = anchor = -1;
    unseen = 0;
    showSource = false;
    lastState = '';
    append(entries, d);
    draw(true);
  }

  function status() {
    const kept = items.length;
    const parts = [];
    if (current) parts.push(`${current.ref} on ${current.device}`);
    parts.push(filter.active ? `${shown.length.toLocaleString('en')} of ${kept.toLocaleString('en')} lines` : `${kept.toLocaleString('en')} lines`);
    if (dropped) parts.push(`${dropped.toLocaleString('en')} older dropped`);
    if (lastState) parts.push(lastState);
    ui.status.textContent = parts.join(' · ');
    ui.empty.hidden = !!current || kept > 0;
    ui.newer.hidden = following || unseen === 0;
    ui.newer.textContent = `${unseen.toLocaleString('en')} new line${unseen === 1 ? '' : 's'} below`;
    ui.follow.textContent = following ? 'Following' : 'Paused';
    ui.follow.setAttribute('aria-pressed', String(following));
  }

  /** Draw on the next frame; `now` after a filter or reset. @param {boolean} now */
  function draw(now) {
    if (now) return paint();
    if (drawQueued) return;
    drawQueued = true;
    requestAnimationFrame(() => {
      drawQueued = false;
      paint();
    });
  }

  function paint() {
    // 50,000 rows of ~18 px are ~900,000 px, well inside the engine's element height limit.
    ui.spacer.style.height = `${shown.length * rowH}px`;
    if (following) {
      autoScroll = true;
      ui.log.scrollTop = ui.log.scrollHeight;
    }
    const top = ui.log.scrollTop;
    const first = Math.max(0, Math.floor(top / rowH) - 10);
    const count = Math.ceil(ui.log.clientHeight / rowH) + 20;
    const opts = { time: ui.time.value, showSource, color: colors.of, ranges: filter.active ? filter.ranges : undefined };
    let html = '';
    for (let k = first; k < Math.min(shown.length, first + count); k++) {
      const seq = shown[k];
      const it = items[seq - base];
      const cls = ['row'];
      if (it.e.kind === 'state') cls.push('state-row');
      else {
        if (it.e.stream === 'stderr') cls.push('stderr');
        if (it.level) cls.push(`lv-${it.level}`);
      }
      if (seq === selected || (anchor >= 0 && selected >= 0 && seq >= Math.min(anchor, selected) && seq <= Math.max(anchor, selected))) cls.push('sel');
      html += `<div class="${cls.join(' ')}" data-seq="${seq}" role="listitem">${core.renderRowHtml(it.e, opts, it.segments ? { segments: it.segments, plain: it.plain } : undefined)}</div>`;
    }
    ui.rows.style.transform = `translateY(${first * rowH}px)`;
    ui.rows.innerHTML = html;
    for (const el of ui.rows.querySelectorAll('[data-fg],[data-bg]')) {
      if (el.dataset.fg) el.style.color = el.dataset.fg;
      if (el.dataset.bg) el.style.backgroundColor = el.dataset.bg;
    }
    status();
  }

  function setFollow(/** @type {boolean} */ on) {
    following = on;
    if (on) unseen = 0;
    remember();
    draw(true);
  }

  /** @param {number} seq */
  function reveal(seq) {
    const k = shown.indexOf(seq);
    if (k < 0) return;
    const y = k * rowH;
    if (y < ui.log.scrollTop || y + rowH > ui.log.scrollTop + ui.log.clientHeight) ui.log.scrollTop = Math.max(0, y - ui.log.clientHeight / 3);
  }

  function select(/** @type {number} */ seq, /** @type {boolean} */ extend) {
    if (!extend) anchor = -1;
    else if (anchor < 0) anchor = selected >= 0 ? selected : seq;
    selected = seq;
    if (following) setFollow(false);
    reveal(seq);
    draw(true);
  }

  function nextError() {
    const from = selected >= 0 ? shown.indexOf(selected) + 1 : 0;
    for (let k = from; k < shown.length; k++) {
      if (items[shown[k] - base].level === 'error') return select(shown[k], false);
    }
    for (let k = 0; k < from; k++) if (items[shown[k] - base].level === 'error') return select(shown[k], false);
    ui.status.textContent = 'No error among the shown lines.';
  }

  function copy() {
    const o = { time: ui.time.value, showSource };
    let seqs = shown;
    if (selected >= 0) {
      const lo = anchor >= 0 ? Math.min(anchor, selected) : selected;
      const hi = anchor >= 0 ? Math.max(anchor, selected) : selected;
      seqs = shown.filter((s) => s >= lo && s <= hi);
    }
    vscode.postMessage({ type: 'copy', text: seqs.map((s) => core.plainLine(items[s - base].e, o)).join('\n') });
  }

  function clear() {
    vscode.postMessage({ type: 'clear' });
    reset([], 0);
  }

  const picker = win.PierLogPicker(ui, vscode, () => current);

  // ---- Controls ---------------------------------------------------------------------------------

  let filterTimer = 0;
  ui.filter.addEventListener('input', () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(refilter, 120);
  });
  for (const b of [ui.regex, ui.kase]) {
    b.addEventListener('click', () => {
      b.setAttribute('aria-pressed', String(!pressed(b)));
      refilter();
    });
  }
  ui.level.addEventListener('change', refilter);
  ui.time.addEventListener('change', () => {
    remember();
    draw(true);
  });
  ui.follow.addEventListener('click', () => setFollow(!following));
  ui.newer.addEventListener('click', () => setFollow(true));
  ui.error.addEventListener('click', nextError);
  ui.copy.addEventListener('click', copy);
  ui.clear.addEventListener('click', clear);
  ui.save.addEventListener('click', () => vscode.postMessage({ type: 'save', filter: spec(), time: ui.time.value, showSource }));

  ui.log.addEventListener('scroll', () => {
    if (autoScroll) {
      autoScroll = false;
    } else if (following && ui.log.scrollTop + ui.log.clientHeight < ui.log.scrollHeight - rowH) {
      // The person scrolled up: stop following (lines are still collected) until End or Follow.
      following = false;
      remember();
    } else if (!following && ui.log.scrollTop + ui.log.clientHeight >= ui.log.scrollHeight - 2) {
      following = true;
      unseen = 0;
    }
    draw(false);
  });
  ui.rows.addEventListener('click', (/** @type {MouseEvent} */ ev) => {
    const row = /** @type {any} */ (ev.target).closest('.row');
    if (row) select(Number(row.dataset.seq), ev.shiftKey);
  });

  document.addEventListener('keydown', (/** @type {KeyboardEvent} */ ev) => {
    const mod = ev.ctrlKey || ev.metaKey;
    if (mod && ev.key.toLowerCase() === 'f') {
      ev.preventDefault();
      ui.filter.focus();
      ui.filter.select();
      return;
    }
    if (mod && ev.shiftKey && ev.key.toLowerCase() === 'c') {
      ev.preventDefault();
      copy();
      return;
    }
    if (document.activeElement === ui.filter && ev.key === 'Escape') {
      ui.log.focus();
      return;
    }
    if (document.activeElement !== ui.log || mod || ev.altKey) return;
    const page = Math.max(1, Math.floor(ui.log.clientHeight / rowH) - 1);
    const at = selected >= 0 ? shown.indexOf(selected) : following ? shown.length : Math.floor(ui.log.scrollTop / rowH);
    const move = (/** @type {number} */ k) => shown.length && select(shown[Math.max(0, Math.min(shown.length - 1, k))], ev.shiftKey);
    const keys = /** @type {Record<string, () => void>} */ ({
      ArrowDown: () => move(at + 1),
      ArrowUp: () => move(at - 1),
      PageDown: () => move(at + page),
      PageUp: () => move(at - page),
      Home: () => move(0),
      End: () => {
        selected = anchor = -1;
        setFollow(true);
      },
      f: () => setFollow(!following),
      e: nextError,
      k: clear,
    });
    const act = keys[ev.key];
    if (act) {
      ev.preventDefault();
      act();
    }
  });

  new ResizeObserver(() => draw(false)).observe(ui.log);

  // ---- Messages from the extension --------------------------------------------------------------

  win.addEventListener('message', (/** @type {MessageEvent} */ ev) => {
    const m = ev.data;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'init') {
      maxEntries = m.maxEntries || maxEntries;
      current = m.current;
      picker.setDevices(m.devices || []);
      if (current) vscode.postMessage({ type: 'device', device: current.device });
    } else if (m.type === 'reset') {
      if (m.current) {
        current = m.current;
        ui.notice.hidden = true;
        if (ui.device.value !== current.device) {
          ui.device.value = current.device;
          vscode.postMessage({ type: 'device', device: current.device });
        }
      }
      reset(m.entries || [], m.dropped || 0);
    } else if (m.type === 'entries') {
      append(m.entries || [], m.dropped || 0);
    } else if (m.type === 'choices') {
      picker.setChoices(m);
    } else if (m.type === 'notice') {
      ui.notice.textContent = String(m.text);
      ui.notice.hidden = false;
    }
  });

  // The row height the theme's font gives, measured once.
  const probe = document.createElement('div');
  probe.className = 'row';
  probe.textContent = 'Xg';
  ui.rows.append(probe);
  rowH = Math.max(12, Math.round(probe.getBoundingClientRect().height) || 18);
  probe.remove();
  refilter();
  vscode.postMessage({ type: 'ready' });
})();
