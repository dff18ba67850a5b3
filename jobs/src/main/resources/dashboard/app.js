// The jray dashboard: one page over the head's state, Jobs and dashboard APIs. The session is an
// HttpOnly cookie set by POST /api/login: no token is kept in the page, storage or URLs.
(function () {
  'use strict';
  const POLL_MS = 2000;
  const $ = (id) => document.getElementById(id);
  let view = 'overview';
  let pollTimer = null;
  let charts = null;
  let jobSocket = null;
  let selectedJob = null;

  class Unauthorized extends Error {}
  class NotFound extends Error {}

  async function api(path, options) {
    const r = await fetch(path, Object.assign({ credentials: 'same-origin' }, options || {}));
    if (r.status === 401) throw new Unauthorized();
    if (r.status === 404) throw new NotFound(path);
    if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
    const type = r.headers.get('Content-Type') || '';
    return type.startsWith('application/json') ? r.json() : r.text();
  }

  const rowsOf = (envelope) => envelope.data.result.result;

  // ------------------------------------------------------------------ login

  function showLogin(message) {
    stopPolling();
    $('app').hidden = true;
    $('tabs').hidden = true;
    $('logout').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('token').focus();
  }

  function showApp() {
    $('login').hidden = true;
    $('app').hidden = false;
    $('tabs').hidden = false;
    $('logout').hidden = false;
    select(view);
  }

  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const token = $('token').value;
    $('login-error').textContent = '';
    try {
      const r = await fetch('/api/login', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: token })
      });
      $('token').value = '';
      if (r.status === 401) {
        $('login-error').textContent = 'Wrong token: that is not this cluster\'s token.';
      } else if (!r.ok) {
        $('login-error').textContent = 'Login failed: HTTP ' + r.status;
      } else {
        showApp();
      }
    } catch (err) {
      $('login-error').textContent = 'Cannot reach the head: ' + err.message;
    }
  });

  $('logout').addEventListener('click', async () => {
    closeJobSocket();
    await fetch('/api/logout', { method: 'POST', credentials: 'same-origin' });
    showLogin('Logged out.');
  });

  // ------------------------------------------------------------------ views

  document.querySelectorAll('#tabs button').forEach((b) =>
    b.addEventListener('click', () => select(b.dataset.view)));

  function select(name) {
    view = name;
    document.querySelectorAll('#tabs button').forEach((b) =>
      b.classList.toggle('active', b.dataset.view === name));
    document.querySelectorAll('.view').forEach((v) => { v.hidden = v.id !== 'view-' + name; });
    if (name !== 'jobs') closeJobSocket();
    stopPolling();
    poll();
  }

  function stopPolling() {
    if (pollTimer !== null) clearTimeout(pollTimer);
    pollTimer = null;
  }

  async function poll() {
    const polled = view;
    try {
      await refresh[polled]();
    } catch (err) {
      if (err instanceof Unauthorized) {
        showLogin('Your session has ended: log in again.');
        return;
      }
      console.warn('refreshing ' + polled, err);
    }
    if (view === polled && !$('app').hidden) {
      stopPolling();
      pollTimer = setTimeout(poll, POLL_MS);
    }
  }

  function cell(text) {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    return td;
  }

  function fillTable(id, rows, columns, emptyText, onClick) {
    const body = document.querySelector('#' + id + ' tbody');
    body.replaceChildren();
    if (rows.length === 0) {
      const tr = document.createElement('tr');
      const td = cell(emptyText);
      td.colSpan = columns(null).length;
      td.className = 'empty';
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    rows.forEach((row) => {
      const tr = document.createElement('tr');
      columns(row).forEach((v) => tr.appendChild(cell(v)));
      if (onClick) {
        tr.classList.add('clickable');
        tr.addEventListener('click', () => onClick(row));
      }
      body.appendChild(tr);
    });
  }

  const short = (id) => (id ? String(id).slice(0, 12) : '');
  const gib = (bytes) => (bytes / (1 << 30)).toFixed(2) + ' GiB';
  const num = (x) => (Math.round(x * 100) / 100).toString();

  const refresh = {
    overview: async () => {
      const [status, jobs, history] = await Promise.all([
        api('/api/cluster_status'), api('/api/jobs/'), api('/api/cluster_history')]);
      $('node-counts').textContent = status.nodes_alive + ' alive, ' + status.nodes_dead + ' dead'
        + (status.drivers_alive ? ' (and ' + status.drivers_alive + ' driver'
          + (status.drivers_alive === 1 ? '' : 's') + ')' : '');
      const byStatus = {};
      jobs.forEach((j) => { byStatus[j.status] = (byStatus[j.status] || 0) + 1; });
      $('job-counts').textContent = Object.keys(byStatus).length === 0 ? 'none'
        : Object.entries(byStatus).map(([s, n]) => n + ' ' + s).join(', ');
      const resources = Object.entries(status.resources).map(([name, r]) => ({ name: name, r: r }));
      // memory resources are in bytes (Ray's unit), the rest in units
      const amount = (name, x) => (name.endsWith('memory') ? gib(x) : num(x));
      fillTable('resources-table', resources, (x) => (x ? [x.name, amount(x.name, x.r.used),
        amount(x.name, x.r.total)] : [1, 2, 3]), 'no node has reported yet');
      drawCharts(history.samples);
    },
    nodes: async () => {
      const status = await api('/api/cluster_status');
      fillTable('nodes-table', status.nodes, (n) => (n ? [n.node_id, n.state, n.role, n.node_ip,
        n.resources_total ? num((n.resources_total.CPU || 0) - (n.resources_available.CPU || 0))
          + ' / ' + num(n.resources_total.CPU || 0) : '',
        n.cpu_utilization === null || n.cpu_utilization === undefined ? ''
          : Math.round(n.cpu_utilization * 100) + '%',
        n.memory_total_bytes ? gib(n.memory_used_bytes) + ' / ' + gib(n.memory_total_bytes) : '',
        n.object_store_capacity_bytes !== undefined ? gib(n.object_store_used_bytes) + ' / '
          + gib(n.object_store_capacity_bytes) : ''] : [1, 2, 3, 4, 5, 6, 7, 8]), 'no nodes');
    },
    jobs: async () => {
      const jobs = await api('/api/jobs/');
      fillTable('jobs-table', jobs, (j) => (j ? [j.submission_id, j.job_id, j.type, j.status,
        j.entrypoint, j.message] : [1, 2, 3, 4, 5, 6]), 'no jobs', openJob);
      if (selectedJob) {
        const job = jobs.find((j) => (j.submission_id || j.job_id) === selectedJob);
        if (job) showJobStatus(job);
      }
    },
    actors: async () => {
      const rows = rowsOf(await api('/api/v0/actors?detail=true&limit=1000'));
      fillTable('actors-table', rows, (a) => (a ? [a.actor_id, a.class_name, a.name, a.state,
        a.job_id, short(a.node_id), a.num_restarts] : [1, 2, 3, 4, 5, 6, 7]), 'no actors');
    },
    tasks: async () => {
      const rows = rowsOf(await api('/api/v0/tasks?limit=1000'));
      fillTable('tasks-table', rows, (t) => (t ? [t.task_id, t.name || t.func_or_class_name,
        t.state, t.type, t.job_id, short(t.node_id), t.error_type] : [1, 2, 3, 4, 5, 6, 7]),
        'no tasks');
    },
    placement_groups: async () => {
      const rows = rowsOf(await api('/api/v0/placement_groups?detail=true&limit=1000'));
      fillTable('placement_groups-table', rows, (g) => (g ? [g.placement_group_id, g.name, g.state,
        g.strategy, g.creator_job_id, (g.bundles || []).map((b) =>
          JSON.stringify(b.unit_resources) + (b.node_id ? ' @' + short(b.node_id) : '')).join(' ')]
        : [1, 2, 3, 4, 5, 6]), 'no placement groups');
    },
    logs: async () => {
      const status = await api('/api/cluster_status');
      const select = $('log-node');
      const alive = status.nodes.filter((n) => n.state === 'ALIVE' && n.role !== 'driver');
      const chosen = select.value;
      if (select.options.length !== alive.length) {
        select.replaceChildren();
        alive.forEach((n) => {
          const o = document.createElement('option');
          o.value = n.node_id;
          o.textContent = short(n.node_id) + ' (' + n.role + ') ' + (n.node_ip || '');
          select.appendChild(o);
        });
        if (chosen) select.value = chosen;
      }
      if (!select.value) return;
      try {
        const text = await api('/api/v0/logs/file?lines=500&node_id=' + encodeURIComponent(select.value));
        showLog($('node-log'), text);
      } catch (err) {
        if (!(err instanceof NotFound)) throw err;
        $('node-log').textContent = 'This node serves no log file.';
      }
    }
  };

  $('log-node').addEventListener('change', () => select('logs'));

  function showLog(pre, text) {
    const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.textContent = text;
    if (atEnd) pre.scrollTop = pre.scrollHeight;
  }

  // ------------------------------------------------------------------ jobs

  function openJob(job) {
    selectedJob = job.submission_id || job.job_id;
    $('job-detail').hidden = false;
    $('job-detail-id').textContent = selectedJob;
    showJobStatus(job);
    closeJobSocket();
    const pre = $('job-log');
    pre.textContent = '';
    if (!job.submission_id) {
      pre.textContent = '(a driver started by hand: its output is in its own terminal)';
      return;
    }
    // the session cookie goes with the upgrade request: no token in the URL
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    jobSocket = new WebSocket(scheme + location.host + '/api/jobs/'
      + encodeURIComponent(job.submission_id) + '/logs/tail');
    jobSocket.onmessage = (m) => {
      const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      pre.textContent += m.data;
      if (atEnd) pre.scrollTop = pre.scrollHeight;
    };
  }

  function showJobStatus(job) {
    $('job-detail-status').textContent = job.status;
    $('job-detail-message').textContent = job.message || '';
  }

  function closeJobSocket() {
    if (jobSocket) jobSocket.close();
    jobSocket = null;
  }

  // ------------------------------------------------------------------ charts

  function chart(id, series, yFormat) {
    const el = $(id);
    return new uPlot({
      width: Math.max(300, el.clientWidth || 440), height: 200,
      series: [{}].concat(series.map((s) => ({ label: s[0], stroke: s[1], width: 2 }))),
      axes: [{}, { values: (u, ticks) => ticks.map(yFormat) }],
      scales: { x: { time: true } }
    }, [[]].concat(series.map(() => [])), el);
  }

  function drawCharts(samples) {
    if (!charts) {
      charts = {
        cpu: chart('chart-cpu', [['CPU in use', '#1f6feb'], ['CPU total', '#8b949e'],
          ['node CPU load x total', '#d29922']], num),
        memory: chart('chart-memory', [['used GiB (sum over nodes)', '#1f6feb'], ['total GiB', '#8b949e']], num),
        store: chart('chart-store', [['used MiB', '#1f6feb']], num),
        tasks: chart('chart-tasks', [['tasks/s', '#2da44e']], num)
      };
    }
    const xs = samples.map((s) => s.t / 1000);
    charts.cpu.setData([xs, samples.map((s) => s.cpu_used), samples.map((s) => s.cpu_total),
      samples.map((s) => (s.cpu_utilization === null ? null : s.cpu_utilization * s.cpu_total))]);
    charts.memory.setData([xs, samples.map((s) => s.memory_used_bytes / (1 << 30)),
      samples.map((s) => s.memory_total_bytes / (1 << 30))]);
    charts.store.setData([xs, samples.map((s) => s.object_store_used_bytes / (1 << 20))]);
    // tasks, actor calls and creations that ended on the nodes, per second (the head works it out)
    charts.tasks.setData([xs, samples.map((s) => s.tasks_per_second)]);
    ['cpu', 'memory', 'store', 'tasks'].forEach((c) => {
      const el = $('chart-' + c);
      el.dataset.points = String(samples.length);
      $('chart-' + c + '-points').textContent = '(' + samples.length + ' samples)';
    });
    const latest = samples.length === 0 ? null : samples[samples.length - 1].tasks_per_second;
    $('chart-tasks').dataset.latest = latest === null || latest === undefined ? '' : String(latest);
    $('chart-tasks-points').textContent = '(' + samples.length + ' samples'
      + (latest === null || latest === undefined ? '' : ', now ' + num(latest) + '/s') + ')';
  }

  // ------------------------------------------------------------------ start

  // logged in already (the session cookie is HttpOnly: ask the API)
  fetch('/api/cluster_history', { credentials: 'same-origin' })
    .then((r) => (r.ok ? showApp() : showLogin('')))
    .catch(() => showLogin('Cannot reach the head.'));
})();
