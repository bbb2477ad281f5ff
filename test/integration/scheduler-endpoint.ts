// EventBridge Scheduler's GetSchedule on 127.0.0.1, which no engine here provides: answers that the tick's schedule is
// enabled, so that health makes the same SDK call as in AWS.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SchedulerEndpoint {
  url: string;
  close(): Promise<void>;
}

/** Every schedule asked for exists and is ENABLED; anything but GetSchedule is a 404. */
export async function startSchedulerEndpoint(): Promise<SchedulerEndpoint> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = /^\/schedules\/([^/]+)$/.exec(url.pathname);
    if (request.method !== 'GET' || match === null) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"Message":"not found"}');
      return;
    }
    const name = decodeURIComponent(match[1]!);
    const groupName = url.searchParams.get('groupName') ?? 'default';
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        Arn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${groupName}/${name}`,
        Name: name,
        GroupName: groupName,
        State: 'ENABLED',
        ScheduleExpression: 'rate(1 minute)',
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
