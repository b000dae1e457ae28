// @ts-check
// The Pier Logs page's picker: a device, then a container or Compose project on it. view.js makes
// it with the page's elements, the webview API and a way to read which stream the page shows.
(function () {
  'use strict';
  /** @type {any} */ (window).PierLogPicker = function (/** @type {any} */ ui, /** @type {any} */ vscode, /** @type {() => any} */ shown) {
    function option(/** @type {string} */ value, /** @type {string} */ label) {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = label;
      return o;
    }

    function setDevices(/** @type {string[]} */ names) {
      ui.device.replaceChildren(option('', names.length ? 'device…' : 'no devices'), ...names.map((n) => option(n, n)));
      const current = shown();
      if (current) ui.device.value = current.device;
    }

    function setChoices(/** @type {any} */ m) {
      if (ui.device.value !== m.device) return;
      const current = shown();
      const groups = [];
      if (m.projects.length) {
        const g = document.createElement('optgroup');
        g.label = 'Compose projects';
        g.append(...m.projects.map((/** @type {string} */ p) => option(`compose:${p}`, p)));
        groups.push(g);
      }
      const g = document.createElement('optgroup');
      g.label = 'Containers';
      g.append(...m.containers.map((/** @type {any} */ c) => option(`container:${c.name}`, `${c.name}${c.running ? '' : ' (stopped)'}`)));
      groups.push(g);
      ui.target.replaceChildren(option('', 'container or project…'), ...groups);
      if (current && current.device === m.device) {
        const want = `${current.kind || 'container'}:${current.ref}`;
        if (![...ui.target.options].some((o) => o.value === want)) ui.target.append(option(want, current.ref));
        ui.target.value = want;
      }
    }

    ui.device.addEventListener('change', () => {
      ui.target.replaceChildren(option('', 'loading…'));
      if (ui.device.value) vscode.postMessage({ type: 'device', device: ui.device.value });
    });
    ui.reload.addEventListener('click', () => ui.device.value && vscode.postMessage({ type: 'device', device: ui.device.value }));
    ui.target.addEventListener('change', () => {
      const v = ui.target.value;
      if (!v || !ui.device.value) return;
      const i = v.indexOf(':');
      vscode.postMessage({ type: 'pick', device: ui.device.value, kind: v.slice(0, i), ref: v.slice(i + 1) });
    });

    return { setDevices, setChoices };
  };
})();
