/* Flash-sale dashboard: the tables under a run's charts (its figures grouped for a learner, each
 * stage's forecast and measurement, the processes) and the small DOM helpers the charts share.
 * Plain browser JavaScript, loaded before dashboard.js (live page and report). */
(function () {
  'use strict';

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function fmt(v, digits) {
    if (v === null || v === undefined) return '—';
    if (typeof v === 'number') return v.toLocaleString('en-US', { maximumFractionDigits: digits === undefined ? 2 : digits });
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    if (typeof v === 'object') {
      var parts = Object.keys(v).filter(function (k) { return v[k]; }).map(function (k) { return k + ' ' + fmt(v[k]); });
      return parts.length ? parts.join(', ') : '0';
    }
    return String(v);
  }

  function section(parent, cls, title) {
    var box = el('div', { class: cls });
    if (title) box.appendChild(el('h3', {}, title));
    parent.appendChild(box);
    return box;
  }

  function table(rows, cls) {
    var t = el('table', cls ? { class: cls } : {});
    rows.forEach(function (r, i) {
      var tr = el('tr');
      r.forEach(function (c) { tr.appendChild(el(i === 0 ? 'th' : 'td', {}, c === null || c === undefined ? '—' : String(c))); });
      t.appendChild(tr);
    });
    return t;
  }

  /** The figures a learner reads, grouped, with what each means. */
  var FIGURES = [
    ['Intake: what the buyers lived through', [
      ['ordersSent', 'orders offered'], ['offeredPerSec', 'offered per second (spike average)'], ['peakOfferedPerSec', 'offered per second at the peak'],
      ['accepted', 'receipts'], ['acceptedPerSecDuringSpike', 'accepted per second (over the intake window)'], ['acceptedToOfferedRatio', 'accepted ÷ offered'],
      ['refusedAtIntake', 'refused (4xx)'], ['intakeErrors', 'errors and timeouts'], ['intakeP50Ms', 'receipt p50 ms (click → receipt)'],
      ['intakeP99Ms', 'receipt p99 ms'], ['intakeMaxMs', 'receipt max ms'], ['intakeServiceP50Ms', 'server p50 ms (request → answer)'],
      ['intakeServiceP99Ms', 'server p99 ms'], ['intakeCpuUsPerOrder', 'intake CPU µs per accepted order'], ['intakeCpuProcess', '  measured on process'],
    ]],
    ['Downstream: working the spike off', [
      ['bottleneckStage', 'bottleneck stage'], ['downstreamCapacityPerSec', 'its capacity per second'], ['offeredToCapacityRatio', 'offered ÷ its capacity'],
      ['bottleneckPerSecDuringDrain', 'its work per second while backlogged'], ['firstFinalAfterMs', 'first order final after (ms)'], ['maxLag', 'max consumer lag (all groups)'],
      ['backlogAtBurstEnd', 'orders not final at the last receipt'], ['finishedAfterSpikeSeconds', 'last order final, s after the spike (measured)'],
      ['predictedDrainSeconds', 'last order final, s after the spike (predicted)'], ['drainSeconds', 'drain s after the last receipt'], ['peakProcessedPerSec', 'peak processed per second'],
    ]],
    ['Outcome: PostgreSQL and the broker', [
      ['confirmed', 'confirmed'], ['rejected', 'rejected, by reason'], ['lost', 'lost'], ['oversold', 'oversold'], ['doubleCharged', 'charged twice'],
      ['chargedWithoutSeat', 'charged without a seat'], ['confirmedWithoutReceipt', 'confirmed although the buyer saw an error'],
      ['ordersOnBroker', 'orders on the broker'], ['drained', 'every order final'], ['ok', 'invariants hold'],
    ]],
  ];

  /** Fills `d` with the run's tables (replacing what was there). */
  function renderFigures(d, mode, summary) {
    d.innerHTML = '';
    var cols = el('div', { class: 'cols' });
    FIGURES.forEach(function (group) {
      var box = section(cols, 'figures', group[0]);
      var rows = [['figure', 'value']];
      group[1].forEach(function (f) {
        if (!(f[0] in summary)) return;
        if (mode === 'direct' && (f[0] === 'predictedDrainSeconds' || f[0] === 'maxLag')) return; // no broker, no backlog to predict
        rows.push([f[1], fmt(summary[f[0]])]);
      });
      box.appendChild(table(rows));
    });
    d.appendChild(cols);
    var cols2 = el('div', { class: 'cols' });
    if (summary.stages && summary.stages.length) {
      var st = section(cols2, 'figures', 'Each downstream stage: forecast and measurement');
      var rows = [['stage', 'capacity/s', 'work (items)', 'work ÷ capacity s', 'predicted done at s', 'measured /s while backlogged', 'first / last done at s', 'peak lag', 'predicted peak backlog']];
      summary.stages.forEach(function (s) {
        rows.push([s.stage + (s.stage === summary.bottleneckStage ? ' (bottleneck)' : ''), s.capacityPerSec === null ? 'unlimited' : fmt(s.capacityPerSec), fmt(s.workload),
          fmt(s.minBusySeconds), fmt(s.predictedFinishSeconds), fmt(s.measuredPerSec), fmt(s.firstDoneAt, 1) + ' / ' + fmt(s.lastDoneAt, 1),
          fmt(s.peakLag), fmt(s.predictedPeakBacklog)]);
      });
      st.appendChild(table(rows));
    }
    if (summary.processes && summary.processes.length) {
      var pr = section(cols2, 'figures', 'Processes (' + summary.topology + ' topology)');
      var prow = [['role', 'pid', 'nice', 'CPU s during intake']];
      summary.processes.forEach(function (p) {
        prow.push([p.role, p.pid, p.nice, summary.intakeCpuSeconds && p.role in summary.intakeCpuSeconds ? fmt(summary.intakeCpuSeconds[p.role]) : '—']);
      });
      pr.appendChild(table(prow));
      pr.appendChild(el('p', { class: 'note' }, summary.topology === 'single'
        ? 'Single topology: the broker and every service share one process, so its CPU figure includes all of them.'
        : 'On one machine the order service may get scheduling priority (a lower nice value) over the downstream services, which would have machines of their own in a real deployment; the downstream still works at its capacity whenever a core is free.'));
    }
    d.appendChild(cols2);
    var all = el('details');
    all.appendChild(el('summary', {}, 'Every figure (as in report.json)'));
    var rowsAll = [['figure', 'value']];
    Object.keys(summary).forEach(function (k) {
      var v = summary[k];
      if (k === 'reading') return;
      rowsAll.push([k, v !== null && typeof v === 'object' ? JSON.stringify(v) : v]);
    });
    all.appendChild(table(rowsAll));
    d.appendChild(all);
  }

  window.FlashSaleFigures = { el: el, fmt: fmt, table: table, renderFigures: renderFigures };
})();
