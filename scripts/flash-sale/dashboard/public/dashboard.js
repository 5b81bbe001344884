/* Flash-sale dashboard: draws the runs' charts with Chart.js (loaded before this file).
 * Used twice: live (samples arrive over Server-Sent Events from /events) and in the
 * self-contained report (all samples embedded in the page). Plain browser JavaScript.
 * Three charts tell the story: orders per second (offered, accepted, processed, and the
 * bottleneck's work against its capacity), the backlog (measured consumer lag against the
 * Little's-law forecast) and receipt latency (buyer and server). */
(function () {
  'use strict';

  var MAX_POINTS = 2400;
  var C = {
    offered: '#2563eb', accepted: '#dc2626', processed: '#16a34a', work: '#d97706', capacity: '#0f172a',
    auth: '#7c3aed', 'course-validation': '#0891b2', payment: '#d97706', 'order-service': '#94a3b8',
    p50: '#2563eb', p99: '#dc2626',
  };
  var PARTITION_COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569'];
  var STAGES = ['auth', 'course-validation', 'payment'];
  var F = window.FlashSaleFigures;
  var el = F.el;
  var fmt = F.fmt;
  var table = F.table;
  var state = { runs: {}, order: [], samplesReceived: 0, chartUpdates: 0, ended: false, report: false };
  window.__flashSale = state;

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
        plugins: {
          title: { display: true, text: title, font: { size: 14 } },
          legend: { position: 'bottom', labels: { sort: function (a, b, data) { return rank(data.datasets[a.datasetIndex]) - rank(data.datasets[b.datasetIndex]); } } },
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'seconds since the sale opened' }, min: 0 },
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

  /** Legend position of a dataset: measured lines in the order they appear, forecasts and the capacity after them. */
  function rank(d) {
    return (d.isCapacity ? 2000 : d.isForecast ? 1000 : 0) + (d.rank || 0);
  }

  /** The dataset called `label`, created with `style` the first time. */
  function dataset(chart, label, style) {
    var found = chart.data.datasets.find(function (d) { return d.label === label; });
    if (found) return found;
    found = Object.assign({ label: label, data: [], borderColor: '#475569', backgroundColor: '#475569', rank: chart.data.datasets.length }, style || {});
    chart.data.datasets.push(found);
    return found;
  }

  function push(chart, label, style, x, y) {
    if (y === null || y === undefined) return;
    var d = dataset(chart, label, style).data;
    d.push({ x: x, y: y });
    if (d.length > MAX_POINTS) d.shift();
  }

  function solid(color) { return { borderColor: color, backgroundColor: color }; }
  function dashed(color, width) { return { borderColor: color, backgroundColor: color, borderDash: [6, 4], borderWidth: width || 2 }; }

  /** Each stage's lag on the topic it works from (what the forecast predicts); the rest apart. */
  var INPUT_TOPIC = { auth: 'orders.created', 'course-validation': 'orders.created', payment: 'payments.requested' };
  function lagSeriesOf(group, topic) {
    if (INPUT_TOPIC[group] === topic) return group;
    if (group === 'course-validation-seats') return 'course-validation: seat confirmations (' + topic + ')';
    if (group === 'order-service') return 'order-service aggregator (all its topics)';
    return group + ' (' + topic + ')';
  }
  var LAG_STYLE = {
    auth: solid(C.auth),
    'course-validation': solid(C['course-validation']),
    payment: Object.assign(solid(C.payment), { borderWidth: 3 }),
    'course-validation: seat confirmations (orders.status)': Object.assign(solid(C['course-validation']), { borderWidth: 1, borderDash: [2, 2] }),
    'order-service aggregator (all its topics)': Object.assign(solid(C['order-service']), { borderWidth: 1 }),
  };

  var TILES = [
    ['sent', 'clicked'], ['accepted', 'receipts'], ['intakeErrors', 'intake errors'], ['latencyP99', 'receipt p99 ms (now)'],
    ['final', 'final'], ['confirmed', 'confirmed'], ['totalLag', 'lag now'], ['t', 'seconds'],
  ];

  function createRun(mode, title, settings, plan) {
    var root = document.getElementById('runs');
    var sec = el('section', { class: 'run', 'data-mode': mode });
    sec.appendChild(el('h2', {}, title || mode + ' mode'));
    if (settings) {
      sec.appendChild(el('p', { class: 'settings' }, Object.keys(settings).map(function (k) { return k + ' ' + settings[k]; }).join(' · ')));
    }
    var reading = el('div', { class: 'reading pending' }, state.report ? '' : 'Running… the reading of this run appears when every order is final.');
    if (!state.report && plan && plan.lines) plan.lines.forEach(function (l) { reading.appendChild(el('div', { class: 'plan' }, l)); });
    sec.appendChild(reading);
    var tiles = el('div', { class: 'tiles' });
    var tileValues = {};
    var tileLabels = {};
    TILES.forEach(function (t) {
      var box = el('div', { class: 'tile' });
      var v = el('div', { class: 'value', 'data-tile': t[0] }, '0');
      var l = el('div', { class: 'label' }, t[1]);
      box.appendChild(v);
      box.appendChild(l);
      tiles.appendChild(box);
      tileValues[t[0]] = v;
      tileLabels[t[0]] = l;
    });
    sec.appendChild(tiles);
    var grid = el('div', { class: 'grid' });
    function canvas(id, wide, caption) {
      var wrap = el('div', { class: 'chart' + (wide ? ' wide' : '') });
      var c = el('canvas', { id: mode + '-' + id, 'data-chart': id });
      wrap.appendChild(c);
      var fig = el('figure', { class: wide ? 'wide' : '' });
      fig.appendChild(wrap);
      if (caption) fig.appendChild(el('figcaption', {}, caption));
      grid.appendChild(fig);
      return c;
    }
    var direct = mode === 'direct';
    var cRates = canvas('rates', true, direct
      ? 'Without the message engine (RPC): the crowd (blue) clicks far faster than the slowest service (black dashed line: its capacity) can work, and every request must wait for it; the order service can accept (red) only as fast as the chain behind it, the rest wait in line and time out. Processed (green) counts orders that became final.'
      : 'Peak shaving in one picture: the crowd (blue) clicks far faster than the bottleneck can work; the order service accepts every click at once (red) and the bottleneck (orange) works at its capacity (black dashed line) until the backlog is gone. Processed (green) counts orders that became final, CONFIRMED or REJECTED.');
    var cLag = canvas('lag', false,
      'Each downstream service reads its topic at its own pace: its consumer lag on that topic (solid) is the work waiting for it in the broker. Dashed: the backlog the queueing model predicts from the offered curve and the capacities. Thin lines: other topics the groups read (seat confirmations, the aggregator), not in the model.');
    var cLat = canvas('latency', direct,
      'How long buyers waited for their receipt, per sample: click → receipt (solid, includes waiting for a free connection) and the server\'s own time, request → answer (dashed).');
    // Direct mode has no broker: no lag to draw (the chart stays, empty and hidden).
    if (direct) cLag.closest('figure').style.display = 'none';
    sec.appendChild(grid);
    var explain = el('p', { class: 'explain' });
    sec.appendChild(explain);
    var grid2 = el('div', { class: 'grid' });
    grid = grid2;
    var cPart = canvas('partitions', true, 'Detail: consumer lag of every group on every partition of its topics' + (state.report ? ', at its peak.' : ', now.'));
    if (direct) cPart.closest('figure').style.display = 'none';
    sec.appendChild(grid2);
    var details = el('div', { class: 'details' });
    sec.appendChild(details);
    root.appendChild(sec);
    var run = {
      mode: mode,
      section: sec,
      tiles: tileValues,
      tileLabels: tileLabels,
      reading: reading,
      explain: explain,
      summary: details,
      rates: lineChart(cRates, 'Orders per second: offered, accepted, processed; the bottleneck against its capacity', 'per second', false),
      lag: lineChart(cLag, 'Backlog: consumer lag per service (solid) and the Little\'s-law forecast (dashed)', 'messages waiting', false),
      latency: lineChart(cLat, 'Receipt latency: buyer (click → receipt) and server (request → answer)', 'milliseconds (log scale)', true),
      partitions: barChart(cPart, state.report ? 'Peak lag per consumer group and partition' : 'Lag per consumer group and partition (now)'),
      peakLag: {},
      forecast: null,
      lastT: 0,
      dirty: false,
    };
    state.runs[mode] = run;
    state.order.push(mode);
    if (plan) setForecast(run, plan.forecast, plan.explanation);
    return run;
  }

  function runFor(mode) {
    return state.runs[mode] || createRun(mode);
  }

  function bottleneckOf(forecast) {
    if (!forecast || !forecast.bottleneck) return null;
    return forecast.stages.find(function (s) { return s.stage === forecast.bottleneck; }) || null;
  }

  /** Draws the forecast: the bottleneck's capacity line and the predicted backlog per stage. */
  function setForecast(run, forecast, explanation) {
    if (!forecast) return;
    run.forecast = forecast;
    var b = bottleneckOf(forecast);
    run.rates.data.datasets = run.rates.data.datasets.filter(function (d) { return !d.isForecast; });
    run.lag.data.datasets = run.lag.data.datasets.filter(function (d) { return !d.isForecast; });
    if (b && b.capacityPerSec) {
      var ds = dataset(run.rates, b.stage + ' capacity (' + fmt(b.capacityPerSec) + '/s)', Object.assign(dashed(C.capacity, 2), { isForecast: true, isCapacity: true }));
      ds.data = capacityLine(b.capacityPerSec, Math.max(run.lastT, forecast.endSeconds));
    }
    STAGES.forEach(function (st) {
      if (run.mode !== 'broker') return; // direct mode: no broker, no backlog to forecast
      var series = forecast.curve.backlog[st];
      var stage = forecast.stages.find(function (s) { return s.stage === st; });
      if (!series || !stage || stage.capacityPerSec === null) return;
      var d = dataset(run.lag, st + ' forecast', Object.assign(dashed(C[st], 2), { isForecast: true }));
      d.data = forecast.curve.t.map(function (t, i) { return { x: t, y: series[i] }; });
    });
    if (explanation) run.explain.textContent = explanation;
    run.dirty = true;
  }

  function capacityLine(capacity, untilT) {
    return [{ x: 0, y: capacity }, { x: untilT, y: capacity }];
  }

  function addSample(s) {
    var run = runFor(s.mode);
    state.samplesReceived++;
    run.lastT = s.t;
    push(run.rates, 'offered (clicks/s)', solid(C.offered), s.t, s.offeredRate);
    push(run.rates, 'accepted (receipts/s)', solid(C.accepted), s.t, s.intakeRate);
    push(run.rates, 'processed (final/s)', solid(C.processed), s.t, s.processedRate);
    var b = bottleneckOf(run.forecast);
    if (b && s.stageRate && s.stageRate[b.stage] !== null && s.stageRate[b.stage] !== undefined) {
      push(run.rates, b.stage + ' work/s (the bottleneck)', Object.assign(solid(C.work), { borderWidth: 3 }), s.t, s.stageRate[b.stage]);
    }
    run.rates.data.datasets.forEach(function (d) {
      if (d.isCapacity && d.data.length === 2) d.data[1].x = Math.max(d.data[1].x, s.t);
    });
    push(run.latency, 'buyer p50 (click → receipt)', solid(C.p50), s.t, s.latencyP50);
    push(run.latency, 'buyer p99', solid(C.p99), s.t, s.latencyP99);
    push(run.latency, 'server p50 (request → answer)', dashed(C.p50), s.t, s.serviceP50);
    push(run.latency, 'server p99', dashed(C.p99), s.t, s.serviceP99);
    var lagSeries = {};
    (s.lag || []).forEach(function (e) {
      var key = lagSeriesOf(e.group, e.topic);
      lagSeries[key] = (lagSeries[key] || 0) + e.lag;
    });
    Object.keys(lagSeries).forEach(function (key) { push(run.lag, key, LAG_STYLE[key] || solid('#475569'), s.t, lagSeries[key]); });
    (s.lag || []).forEach(function (e) {
      var k = e.group + '|' + e.topic + '|' + e.partition;
      var prev = run.peakLag[k];
      if (!prev || e.lag > prev.lag) run.peakLag[k] = { group: e.group, topic: e.topic, partition: e.partition, lag: e.lag };
    });
    setPartitions(run.partitions, state.report ? Object.keys(run.peakLag).map(function (k) { return run.peakLag[k]; }) : s.lag || []);
    TILES.forEach(function (t) {
      var v = s[t[0]];
      run.tiles[t[0]].textContent = typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 1 }) : v === null || v === undefined ? '—' : String(v);
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
      var color = PARTITION_COLORS[i % PARTITION_COLORS.length];
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

  function showSummary(mode, summary, forecast, explanation) {
    var run = runFor(mode);
    if (forecast) setForecast(run, forecast, explanation);
    run.reading.className = 'reading verdict-' + (summary.peakShaving || 'none');
    run.reading.textContent = '';
    var badge = { shown: 'Peak shaving shown', 'not-shown': 'Peak shaving NOT shown', 'no-peak': 'No peak to shave', direct: null }[summary.peakShaving];
    if (badge) run.reading.appendChild(el('strong', {}, badge + '. '));
    run.reading.appendChild(document.createTextNode(summary.reading || ''));
    // The run is over: the latency tile shows the whole run's p99, not the last sample's.
    run.tiles.latencyP99.textContent = fmt(summary.intakeP99Ms, 0);
    run.tileLabels.latencyP99.textContent = 'receipt p99 ms (whole run)';
    F.renderFigures(run.summary, mode, summary);
    run.dirty = true;
  }

  function setPhase(text) {
    var p = document.getElementById('phase');
    if (p) p.textContent = text;
  }

  function showComparison(rows, reading) {
    var box = document.getElementById('comparison');
    box.innerHTML = '';
    box.appendChild(el('h2', {}, 'Broker vs direct, same load'));
    if (reading) box.appendChild(el('div', { class: 'reading verdict-compare' }, reading));
    box.appendChild(table(rows, 'comparison'));
  }

  /** Live mode: subscribe to the server's events. */
  window.startLive = function (url) {
    var source = new EventSource(url);
    source.onmessage = function (m) {
      var ev = JSON.parse(m.data);
      if (ev.type === 'run-start') { createRun(ev.mode, ev.title, ev.settings, ev.plan); setPhase(ev.title + ': running'); }
      else if (ev.type === 'sample') addSample(ev.sample);
      else if (ev.type === 'run-end') { showSummary(ev.mode, ev.summary, ev.forecast, ev.explanation); redraw(); }
      else if (ev.type === 'comparison') showComparison(ev.rows, ev.reading);
      else if (ev.type === 'phase') setPhase(ev.text);
      else if (ev.type === 'done') { state.ended = true; setPhase('finished'); source.close(); }
    };
    source.onerror = function () { if (!state.ended) setPhase('connection to the simulation lost (it may have finished)'); };
    setInterval(redraw, 250);
  };

  /** Report mode: draw everything from the embedded data. */
  window.renderReport = function (report) {
    state.report = true;
    setPhase('Report of the run at ' + report.generatedAt);
    if (report.comparison) showComparison(report.comparison, report.comparisonReading);
    report.runs.forEach(function (r) {
      var run = createRun(r.mode, r.title, r.settings, r.forecast ? { forecast: r.forecast, explanation: r.explanation } : null);
      r.samples.forEach(addSample);
      showSummary(r.mode, r.summary, null, null);
      run.dirty = true;
    });
    redraw();
    state.ended = true;
  };
})();
