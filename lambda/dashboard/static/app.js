// The dashboard: topics and groups with their figures, message search and trace, dead letters, scheduled messages,
// undecided transactions and the filter playground, each a tab over Ferry's HTTP API.
import { api, enc } from './api.js';
import { ago, fillTable, h, isoFromLocal, row, say, showProblem } from './dom.js';
import { renderTrace } from './trace.js';

const $ = (selector) => document.querySelector(selector);
let topics = [];
let groups = [];

function showTab() {
  const tab = location.hash.slice(1) || 'overview';
  for (const section of document.querySelectorAll('.tab')) section.classList.toggle('active', section.id === tab);
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.dataset.tab === tab);
}

function fillSelects() {
  const options = (names) => names.map((name) => h('option', { value: name }, name));
  for (const select of document.querySelectorAll('.topic-select'))
    select.replaceChildren(...options(topics.map((t) => t.name)));
  for (const select of document.querySelectorAll('.delay-topic-select'))
    select.replaceChildren(...options(topics.filter((t) => t.messageType === 'DELAY').map((t) => t.name)));
  for (const select of document.querySelectorAll('.group-select'))
    select.replaceChildren(...options(groups.map((g) => g.name)));
}

const perMinute = (figures, metric) => (figures === undefined ? '–' : `${figures.lastMinute[metric]}/min`);

const filterText = (filter) => (filter === undefined ? '*' : `${filter.type}: ${filter.expression}`);

async function loadOverview() {
  let metrics;
  try {
    metrics = await api('/v1/metrics');
    $('#metrics-note').textContent = `rates over the last minute; counted since ${metrics.since}`;
  } catch (error) {
    $('#metrics-note').textContent = error.unavailable
      ? 'rates and ages: see the CloudWatch dashboard of the deployment (this API keeps no counters)'
      : `metrics: ${error.message}`;
  }
  [{ topics }, { groups }] = await Promise.all([api('/v1/topics'), api('/v1/groups')]);
  fillTable(
    $('#topics'),
    ['topic', 'type', 'retention', 'published', 'rate'],
    topics.map((topic) => {
      const figures = metrics?.topics[topic.name];
      return row(
        topic.name,
        topic.messageType,
        `${topic.retentionHours} h`,
        figures?.totals.published ?? '–',
        perMinute(figures, 'published'),
      );
    }),
  );
  fillTable(
    $('#groups'),
    [
      'group',
      'subscriptions and filters',
      'visible',
      'in flight',
      'delayed',
      'dead letters',
      'oldest message',
      'received',
      'acked',
    ],
    groups.map((group) => {
      const figures = metrics?.groups[group.name];
      const subscriptions = group.subscriptions.map((s) =>
        h('div', {}, h('b', {}, s.topic), ' ', h('code', {}, filterText(s.filter))),
      );
      const b = group.backlog;
      return row(
        group.name,
        subscriptions,
        b.visible,
        b.inFlight,
        b.delayed,
        b.deadLetters,
        ago(figures?.oldestAgeSeconds),
        perMinute(figures, 'received'),
        perMinute(figures, 'acked'),
      );
    }),
  );
  fillSelects();
}

async function showTrace(messageId) {
  const target = $('#trace');
  try {
    target.replaceChildren(renderTrace(await api(`/v1/messages/${enc(messageId)}`)));
  } catch (error) {
    showProblem(target, error, 'trace');
  }
}

/** The query route's answers: { messages: [{ messageId, state, keys, bornAt }], next? }. */
function messageRows(messages) {
  const table = h('table', { id: 'found' });
  fillTable(
    table,
    ['message', 'state', 'keys', 'published', ''],
    messages.map((message) => {
      const id = message.messageId;
      const keys = message.keys;
      return row(
        h('code', {}, id),
        message.state,
        keys.join(', '),
        message.bornAt,
        h('button', { onclick: () => showTrace(id), 'data-trace': id }, 'Trace'),
      );
    }),
  );
  return table;
}

async function searchMessages(form, cursor) {
  const target = $('#search-results');
  const data = new FormData(form);
  const query = new URLSearchParams();
  if (data.get('key')) query.set('key', data.get('key'));
  else {
    const from = isoFromLocal(data.get('from'));
    const to = isoFromLocal(data.get('to'));
    if (from) query.set('from', from);
    if (to) query.set('to', to);
    query.set('limit', '50');
  }
  if (cursor) query.set('cursor', cursor);
  try {
    const { messages, next } = await api(`/v1/topics/${enc(data.get('topic'))}/messages?${query}`);
    target.replaceChildren(
      messageRows(messages),
      next ? h('button', { id: 'next-page', onclick: () => searchMessages(form, next) }, 'Next page') : '',
    );
  } catch (error) {
    showProblem(target, error, 'message search by key and time');
  }
}

async function showDeadLetters() {
  const group = new FormData($('#dead-letters-form')).get('group');
  try {
    const { messages } = await api(`/v1/groups/${enc(group)}/dead-letters`);
    fillTable(
      $('#dead-letters-list'),
      ['message', 'topic', 'tag', 'body', ''],
      messages.map((m) =>
        row(
          h('code', {}, m.messageId),
          m.topic,
          m.tag ?? '',
          m.body.slice(0, 120),
          h('button', { onclick: () => showTraceTab(m.messageId) }, 'Trace'),
        ),
      ),
    );
  } catch (error) {
    showProblem($('#dead-letters-status'), error, 'dead letters');
  }
}

async function redrive() {
  const group = new FormData($('#dead-letters-form')).get('group');
  try {
    const { redriven } = await api(`/v1/groups/${enc(group)}/dead-letters/redrive`, { method: 'POST' });
    say($('#dead-letters-status'), `redriven ${redriven} to ${group}`);
    await showDeadLetters();
  } catch (error) {
    showProblem($('#dead-letters-status'), error, 'redrive');
  }
}

function showTraceTab(messageId) {
  location.hash = '#messages';
  void showTrace(messageId);
}

async function showScheduled() {
  const topic = new FormData($('#scheduled-form')).get('topic');
  try {
    const { messages } = await api(`/v1/topics/${enc(topic)}/scheduled?limit=100`);
    fillTable(
      $('#scheduled-list'),
      ['message', 'delivery time', 'keys', ''],
      messages.map((m) => {
        const id = m.messageId ?? m.id;
        return row(
          h('code', {}, id),
          m.deliverAt,
          (m.keys ?? []).join(', '),
          h('button', { onclick: () => steer(id, 'cancel') }, 'Cancel'),
        );
      }),
    );
  } catch (error) {
    showProblem($('#scheduled-status'), error, 'listing of scheduled messages');
  }
}

async function steer(messageId, action, deliverAt) {
  const target = $('#steer-status');
  try {
    const answer =
      action === 'cancel'
        ? await api(`/v1/messages/${enc(messageId)}/cancel`, { method: 'POST' })
        : await api(`/v1/messages/${enc(messageId)}/reschedule`, { method: 'POST', body: { deliverAt } });
    say(target, `${messageId}: ${answer.state}${answer.deliverAt ? ` at ${answer.deliverAt}` : ''}`);
  } catch (error) {
    showProblem(target, error, action);
  }
}

async function showTransactions() {
  const producerGroup = new FormData($('#transactions-form')).get('producerGroup');
  try {
    const { messages } = await api(`/v1/producer-groups/${enc(producerGroup)}/transactions?limit=100`);
    fillTable(
      $('#transactions-list'),
      ['message', 'topic', 'keys', 'check-backs', ''],
      messages.map((message) =>
        row(h('code', {}, message.messageId), message.topic, message.keys.join(', '), message.checkCount ?? 0, [
          h('button', { onclick: () => decide(message.topic, message.messageId, 'commit') }, 'Commit'),
          ' ',
          h('button', { onclick: () => decide(message.topic, message.messageId, 'rollback') }, 'Roll back'),
        ]),
      ),
    );
  } catch (error) {
    showProblem($('#transactions-status'), error, 'undecided transactions');
  }
}

/** Under the topic's path, so that a role granted publishing on the topic (grantPublish) may decide. */
async function decide(topic, messageId, decision) {
  try {
    const path = `/v1/topics/${enc(topic)}/messages/${enc(messageId)}/${decision}`;
    const { state } = await api(path, { method: 'POST' });
    say($('#transactions-status'), `${messageId}: ${state}`);
    await showTransactions();
  } catch (error) {
    showProblem($('#transactions-status'), error, decision);
  }
}

/** The server evaluates with the dispatcher's own filter engine; where it keeps no recent messages, the page sends the topic query's. */
async function tryFilter(form) {
  const data = new FormData(form);
  const topic = data.get('topic');
  const filter = { type: data.get('type'), expression: data.get('expression') };
  const target = $('#playground-status');
  const path = `/v1/topics/${enc(topic)}/filter-preview`;
  try {
    let preview;
    try {
      preview = await api(path, { method: 'POST', body: { filter } });
    } catch (error) {
      if (error.code !== 'RECENT_MESSAGES_NOT_KEPT') throw error;
      const from = new Date(Date.now() - 3_600_000).toISOString();
      const { messages } = await api(`/v1/topics/${enc(topic)}/messages?from=${enc(from)}&limit=50`);
      const sample = messages.map((m) => ({
        messageId: m.messageId ?? m.id,
        properties: m.properties ?? {},
        ...(m.tag ? { tag: m.tag } : {}),
      }));
      preview = await api(path, { method: 'POST', body: { filter, messages: sample } });
    }
    say(target, `${preview.matched} of ${preview.total} recent messages match`);
    fillTable(
      $('#playground-results'),
      ['', 'message', 'tag', 'properties'],
      preview.results.map((r) =>
        h(
          'tr',
          { 'data-matches': String(r.matches) },
          h('td', { class: r.matches ? 'ok' : 'bad' }, r.matches ? '✓ match' : '✗ no'),
          h('td', {}, h('code', {}, r.messageId)),
          h('td', {}, r.tag ?? ''),
          h('td', {}, h('code', {}, JSON.stringify(r.properties))),
        ),
      ),
    );
  } catch (error) {
    $('#playground-results').replaceChildren();
    showProblem(target, error, 'filter playground');
  }
}

async function showHealth() {
  try {
    const health = await api('/v1/health');
    $('#health').textContent = `health: ${health.status}`;
  } catch (error) {
    $('#health').textContent = `health: ${error.message}`;
  }
}

const onSubmit = (selector, handler) =>
  $(selector).addEventListener('submit', (event) => {
    event.preventDefault();
    void handler(event.target, event.submitter);
  });

window.addEventListener('hashchange', showTab);
$('#refresh').addEventListener('click', () => void loadOverview());
$('#redrive').addEventListener('click', () => void redrive());
onSubmit('#search-id', (form) => showTrace(new FormData(form).get('id').trim()));
onSubmit('#search-key', (form) => searchMessages(form));
onSubmit('#dead-letters-form', showDeadLetters);
onSubmit('#scheduled-form', showScheduled);
onSubmit('#steer-form', (form, submitter) => {
  const data = new FormData(form);
  return steer(data.get('id').trim(), submitter?.value ?? 'cancel', isoFromLocal(data.get('deliverAt')));
});
onSubmit('#transactions-form', showTransactions);
onSubmit('#playground-form', tryFilter);
showTab();
void showHealth();
await loadOverview();
document.body.dataset.ready = 'true';
