/* Flash-sale dashboard: draws the runs' charts with Chart.js (loaded before this file).
 * Used twice: live (samples arrive over Server-Sent Events from /events) and in the
 * self-contained report (all samples embedded in the page). Plain browser JavaScript. */
(function () {
  'use strict';

  var COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569'];
  var MAX_POINTS = 2400;
  var state = { runs: {}, order: [], samplesReceived: 0, chartUpdates: 0, ended: false, report: false };
  window.__flashSale = state;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function lineChart(canvas, title, yTitle, logarithmic) {
    return new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        elements: { point: { radius: 0 }, line: { borderWidth: 2, tension: 0.15 } },
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: { title: { display: true, text: title }, legend: { position: 'bottom' } },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'seconds since the burst started' }, min: 0 },
          y: { type: logarithmic ? 'logarithmic' : 'linear', title: { display: true, text: yTitle }, beginAtZero: !logarithmic },
        },
      },
    });
  }

  function barChart(canvas, title) {
    return new Chart(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { title: { display: true, text: title }, legend: { position: 'bottom' } },
        scales: { x: { stacked: false }, y: { beginAtZero: true, title: { display: true, text: 'messages behind' } } },
      },
    });
  }

  function dataset(chart, label) {
    var found = chart.data.datasets.find(function (d) { return d.label === label; });
    if (found) return found;
    var color = COLORS[chart.data.datasets.length % COLORS.length];
    found = { label: label, data: [], borderColor: color, backgroundColor: color };
    chart.data.datasets.push(found);
    return found;
  }

  function push(chart, label, x, y) {
    if (y === null || y === undefined) return;
    var d = dataset(chart, label).data;
    d.push({ x: x, y: y });
    if (d.length > MAX_POINTS) d.shift();
  }

  var TILES = [
    ['sent', 'clicked'], ['accepted', 'accepted (202)'], ['intakeErrors', 'intake errors'], ['final', 'final'],
    ['confirmed', 'confirmed'], ['rejected', 'rejected'], ['totalLag', 'lag now'], ['t', 'seconds'],
  ];

  function createRun(mode, title, settings) {
    var root = document.getElementById('runs');
    var section = el('section', { class: 'run', 'data-mode': mode });
    section.appendChild(el('h2', {}, title || mode + ' mode'));
    if (settings) {
      section.appendChild(el('p', { class: 'settings' }, Object.keys(settings).map(function (k) { return k + ' ' + settings[k]; }).join(' · ')));
    }
    var tiles = el('div', { class: 'tiles' });
    var tileValues = {};
    TILES.forEach(function (t) {
      var box = el('div', { class: 'tile' });
      var v = el('div', { class: 'value', 'data-tile': t[0] }, '0');
      box.appendChild(v);
      box.appendChild(el('div', { class: 'label' }, t[1]));
      tiles.appendChild(box);
      tileValues[t[0]] = v;
    });
    section.appendChild(tiles);
    var grid = el('div', { class: 'grid' });
    function canvas(id) {
      var wrap = el('div', { class: 'chart' });
      var c = el('canvas', { id: mode + '-' + id, 'data-chart': id });
      wrap.appendChild(c);
      grid.appendChild(wrap);
      return c;
    }
    var cRates = canvas('rates');
    var cLag = canvas('lag');
    var cPart = canvas('partitions');
    var cLat = canvas('latency');
    section.appendChild(grid);
    var summary = el('div', { class: 'summary' });
    section.appendChild(summary);
    root.appendChild(section);
    var run = {
      mode: mode,
      section: section,
      tiles: tileValues,
      summary: summary,
      rates: lineChart(cRates, 'Intake rate vs processing rate (orders/s)', 'orders per second', false),
      lag: lineChart(cLag, 'Consumer lag per group', 'messages behind', false),
      partitions: barChart(cPart, state.report ? 'Peak lag per consumer group and partition' : 'Lag per consumer group and partition (now)'),
      peakLag: {},
      latency: lineChart(cLat, 'Intake latency percentiles (click → answer)', 'milliseconds', true),
      dirty: false,
    };
    state.runs[mode] = run;
    state.order.push(mode);
    return run;
  }

  function runFor(mode) {
    return state.runs[mode] || createRun(mode);
  }

  function addSample(s) {
    var run = runFor(s.mode);
    state.samplesReceived++;
    push(run.rates, 'offered (clicks/s)', s.t, s.offeredRate);
    push(run.rates, 'intake (accepted/s)', s.t, s.intakeRate);
    push(run.rates, 'processed (final/s)', s.t, s.processedRate);
    push(run.latency, 'p50', s.t, s.latencyP50);
    push(run.latency, 'p90', s.t, s.latencyP90);
    push(run.latency, 'p99', s.t, s.latencyP99);
    Object.keys(s.lagByGroup || {}).forEach(function (g) { push(run.lag, g, s.t, s.lagByGroup[g]); });
    push(run.lag, 'total', s.t, s.totalLag);
    (s.lag || []).forEach(function (e) {
      var k = e.group + '|' + e.topic + '|' + e.partition;
      var prev = run.peakLag[k];
      if (!prev || e.lag > prev.lag) run.peakLag[k] = { group: e.group, topic: e.topic, partition: e.partition, lag: e.lag };
    });
    setPartitions(run.partitions, state.report ? Object.keys(run.peakLag).map(function (k) { return run.peakLag[k]; }) : s.lag || []);
    TILES.forEach(function (t) {
      var v = s[t[0]];
      run.tiles[t[0]].textContent = typeof v === 'number' ? v.toLocaleString('en-US') : String(v);
    });
    run.dirty = true;
  }

  function setPartitions(chart, entries) {
    var labels = [];
    var partitions = [];
    entries.forEach(function (e) {
      var label = e.group + ' · ' + e.topic;
      if (labels.indexOf(label) < 0) labels.push(label);
      if (partitions.indexOf(e.partition) < 0) partitions.push(e.partition);
    });
    partitions.sort(function (a, b) { return a - b; });
    chart.data.labels = labels;
    chart.data.datasets = partitions.map(function (p, i) {
      var values = labels.map(function () { return 0; });
      entries.forEach(function (e) { if (e.partition === p) values[labels.indexOf(e.group + ' · ' + e.topic)] = e.lag; });
      var color = COLORS[i % COLORS.length];
      return { label: 'partition ' + p, data: values, backgroundColor: color, borderColor: color };
    });
  }

  function redraw() {
    state.order.forEach(function (mode) {
      var run = state.runs[mode];
      if (!run.dirty) return;
      run.dirty = false;
      run.rates.update('none');
      run.lag.update('none');
      run.partitions.update('none');
      run.latency.update('none');
      state.chartUpdates++;
    });
  }

  function table(rows) {
    var t = el('table');
    rows.forEach(function (r, i) {
      var tr = el('tr');
      r.forEach(function (c) { tr.appendChild(el(i === 0 ? 'th' : 'td', {}, c === null || c === undefined ? '—' : String(c))); });
      t.appendChild(tr);
    });
    return t;
  }

  function showSummary(mode, summary) {
    var run = runFor(mode);
    run.summary.innerHTML = '';
    run.summary.appendChild(el('h3', {}, 'Final numbers'));
    var rows = [['figure', 'value']];
    Object.keys(summary).forEach(function (k) {
      var v = summary[k];
      rows.push([k, v !== null && typeof v === 'object' ? JSON.stringify(v) : v]);
    });
    run.summary.appendChild(table(rows));
  }

  function setPhase(text) {
    var p = document.getElementById('phase');
    if (p) p.textContent = text;
  }

  /** Live mode: subscribe to the server's events. */
  window.startLive = function (url) {
    var source = new EventSource(url);
    source.onmessage = function (m) {
      var ev = JSON.parse(m.data);
      if (ev.type === 'run-start') { createRun(ev.mode, ev.title, ev.settings); setPhase(ev.title + ': running'); }
      else if (ev.type === 'sample') addSample(ev.sample);
      else if (ev.type === 'run-end') { redraw(); showSummary(ev.mode, ev.summary); }
      else if (ev.type === 'phase') setPhase(ev.text);
      else if (ev.type === 'done') { state.ended = true; setPhase('finished'); source.close(); }
    };
    source.onerror = function () { if (!state.ended) setPhase('connection to the simulation lost (it may have finished)'); };
    setInterval(redraw, 250);
  };

  /** Report mode: draw everything from the embedded data. */
  window.renderReport = function (report) {
    state.report = true;
    setPhase('report of ' + report.generatedAt);
    report.runs.forEach(function (r) {
      createRun(r.mode, r.title, r.settings);
      r.samples.forEach(addSample);
      showSummary(r.mode, r.summary);
    });
    redraw();
    if (report.comparison) {
      var box = document.getElementById('comparison');
      box.appendChild(el('h2', {}, 'Broker vs direct, same load'));
      box.appendChild(table(report.comparison));
    }
    state.ended = true;
  };
})();
