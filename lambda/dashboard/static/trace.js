// One message's trace as a timeline per group: the message's own events, then a lane for each group it reached.
import { h } from './dom.js';

const label = (event, start) => {
  const offset = Date.parse(event.at) - start;
  const detail = Object.entries(event.detail ?? {})
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
  return h(
    'div',
    { class: `event ${event.type}`, 'data-event': event.type },
    event.type,
    h('small', {}, `+${offset} ms${detail ? ` · ${detail}` : ''}`),
  );
};

/** Events naming several groups (DISPATCHED) appear in each group's lane. */
export function renderTrace(view) {
  const start = Date.parse(view.events[0]?.at ?? new Date().toISOString());
  const lanes = new Map([['message', []]]);
  for (const event of view.events) {
    for (const group of event.groups?.length ? event.groups : ['message']) {
      if (!lanes.has(group)) lanes.set(group, []);
      lanes.get(group).push(event);
    }
  }
  const message = view.message;
  return h(
    'div',
    { class: 'trace', 'data-message-id': message.messageId },
    h('h3', {}, 'Message ', h('code', {}, message.messageId), ' ', h('span', { class: 'state' }, view.state)),
    h(
      'p',
      { class: 'muted' },
      `topic ${message.topic}`,
      message.tag ? ` · tag ${message.tag}` : '',
      message.keys?.length ? ` · keys ${message.keys.join(', ')}` : '',
      ` · born ${message.bornAt}`,
    ),
    h('pre', { class: 'mono' }, message.bodyBase64 ? '(binary body)' : message.body.slice(0, 2000)),
    [...lanes].map(([name, events]) =>
      h(
        'div',
        { class: 'lane', 'data-lane': name },
        h('span', { class: 'lane-name' }, name),
        events.map((event) => label(event, start)),
      ),
    ),
  );
}
