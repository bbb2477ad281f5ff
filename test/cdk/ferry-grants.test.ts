// Template tests of the construct's grants: each grant lets its grantee call exactly its topics', groups' or kind's routes.
import { Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import type { Ferry } from '../../lib/ferry.ts';
import { actionsOf, newFerryStack, type Statement } from './ferry-app.ts';

describe.each([
  { api: 'http', stage: '$default' },
  { api: 'rest', stage: 'prod' },
] as const)('grants on the $api API', ({ api, stage }) => {
  const { stack } = newFerryStack({ ferry: { api } }, 'FerryGrants', { bundle: false });
  const ferry = stack.ferry;

  function roleWith(id: string, grant: (ferry: Ferry, role: Role) => void): Role {
    const role = new Role(stack, id, { assumedBy: new AccountRootPrincipal() });
    grant(ferry, role);
    return role;
  }

  const checkout = roleWith('Checkout', (f, role) => f.grantPublish(role, 'orders'));
  const twoTopics = roleWith('TwoTopics', (f, role) => f.grantPublish(role, 'orders', 'refunds'));
  const billing = roleWith('Billing', (f, role) => f.grantConsume(role, 'billing'));
  const reader = roleWith('Reader', (f, role) => f.grantRead(role));
  const admin = roleWith('Admin', (f, role) => f.grantAdmin(role));
  const template = Template.fromStack(stack);

  /** A resolved CloudFormation string as text, each reference written `${LogicalId}`. */
  function text(value: unknown): string {
    if (typeof value === 'string') return value;
    const intrinsic = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
    if (intrinsic.Ref !== undefined) return `\${${intrinsic.Ref}}`;
    if (intrinsic['Fn::Join'] !== undefined) return intrinsic['Fn::Join'][1].map(text).join(intrinsic['Fn::Join'][0]);
    throw new Error(`unexpected value ${JSON.stringify(value)}`);
  }

  /** The execute-api resources a role's policies allow, as text. */
  function invokable(role: Role): string[] {
    const roleId = stack.getLogicalId(role.node.defaultChild as never);
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }) as Record<
      string,
      { Properties: { PolicyDocument: { Statement: Statement[] } } }
    >;
    const statements = Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    expect(statements.flatMap(actionsOf)).toEqual(statements.map(() => 'execute-api:Invoke'));
    return statements
      .flatMap((statement) => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]))
      .map(text);
  }

  const apiId = text(stack.resolve(ferry.apiAddress.apiId));
  const arnPrefix = `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:${apiId}/${stage}/`;

  it(`names the ${api} API and its stage in every ARN`, () => {
    expect(apiId).toBe(
      `\${${stack.getLogicalId((api === 'http' ? ferry.httpApi : ferry.restApi)!.node.defaultChild as never)}}`,
    );
  });

  /** Whether IAM would allow the request: an execute-api resource matches with `*` as any characters and `?` as one. */
  function mayCall(role: Role, method: string, path: string): boolean {
    const request = `${arnPrefix}${method}${path}`;
    return invokable(role).some((pattern) => {
      const regex = pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
        .join('');
      return new RegExp(`^${regex}$`).test(request);
    });
  }

  describe('grantPublish', () => {
    it('names exactly the publish, batch and decision routes of the topic, nothing of another', () => {
      expect(invokable(checkout).sort()).toEqual(
        [
          'POST/v1/topics/orders/messages',
          'POST/v1/topics/orders/messages/batch',
          'POST/v1/topics/orders/messages/*/commit',
          'POST/v1/topics/orders/messages/*/rollback',
          'POST/v1/topics/orders/messages/*/cancel',
          'POST/v1/topics/orders/messages/*/reschedule',
          'POST/v1/topics/orders/messages/cancel',
          'POST/v1/topics/orders/messages/reschedule',
        ]
          .map((route) => `${arnPrefix}${route}`)
          .sort(),
      );
    });

    it('lets a service publish to, commit, roll back and cancel on its topic only', () => {
      expect(mayCall(checkout, 'POST', '/v1/topics/orders/messages')).toBe(true);
      expect(mayCall(checkout, 'POST', '/v1/topics/orders/messages/batch')).toBe(true);
      expect(mayCall(checkout, 'POST', '/v1/topics/orders/messages/01JDQ/commit')).toBe(true);
      expect(mayCall(checkout, 'POST', '/v1/topics/orders/messages/01JDQ/rollback')).toBe(true);
      expect(mayCall(checkout, 'POST', '/v1/topics/orders/messages/01JDQ/cancel')).toBe(true);
      expect(mayCall(checkout, 'POST', '/v1/topics/orders/messages/01JDQ/reschedule')).toBe(true);
      expect(mayCall(checkout, 'POST', '/v1/topics/orders/messages/cancel')).toBe(true);
      expect(mayCall(checkout, 'POST', '/v1/topics/orders/messages/reschedule')).toBe(true);
      expect(mayCall(checkout, 'POST', '/v1/topics/payments/messages')).toBe(false);
      expect(mayCall(checkout, 'POST', '/v1/topics/payments/messages/cancel')).toBe(false);
      expect(mayCall(checkout, 'POST', '/v1/topics/payments/messages/01JDQ/reschedule')).toBe(false);
      expect(mayCall(checkout, 'POST', '/v1/topics/payments/messages/01JDQ/commit')).toBe(false);
    });

    it('never reaches a topic whose name only starts with the granted one', () => {
      expect(mayCall(checkout, 'POST', '/v1/topics/orders-eu/messages')).toBe(false);
      expect(mayCall(checkout, 'POST', '/v1/topics/orders-eu/messages/01JDQ/commit')).toBe(false);
    });

    it('gives no admin, consume, read or old, topic-less decision route', () => {
      expect(mayCall(checkout, 'PUT', '/v1/topics/orders')).toBe(false);
      expect(mayCall(checkout, 'DELETE', '/v1/topics/orders')).toBe(false);
      expect(mayCall(checkout, 'POST', '/v1/groups/billing/receive')).toBe(false);
      expect(mayCall(checkout, 'GET', '/v1/topics/orders/messages')).toBe(false);
      expect(mayCall(checkout, 'POST', '/v1/transactions/01JDQ/commit')).toBe(false);
      expect(mayCall(checkout, 'POST', '/v1/messages/01JDQ/cancel')).toBe(false);
      expect(mayCall(checkout, 'POST', '/v1/messages/01JDQ/reschedule')).toBe(false);
    });

    it('covers every topic it is given', () => {
      expect(mayCall(twoTopics, 'POST', '/v1/topics/orders/messages')).toBe(true);
      expect(mayCall(twoTopics, 'POST', '/v1/topics/refunds/messages/01JDQ/rollback')).toBe(true);
      expect(mayCall(twoTopics, 'POST', '/v1/topics/payments/messages')).toBe(false);
    });
  });

  describe('grantConsume', () => {
    it('lets a service receive, ack, nack, extend and handle dead letters of its group only', () => {
      for (const action of ['receive', 'ack', 'nack', 'visibility', 'dead-letters/redrive'])
        expect(mayCall(billing, 'POST', `/v1/groups/billing/${action}`)).toBe(true);
      expect(mayCall(billing, 'GET', '/v1/groups/billing/dead-letters')).toBe(true);
      expect(mayCall(billing, 'POST', '/v1/groups/billing/replay')).toBe(true);
      expect(mayCall(billing, 'GET', '/v1/groups/billing/replays/01JDQ')).toBe(true);
      expect(mayCall(billing, 'POST', '/v1/groups/shipping/replay')).toBe(false);
      expect(mayCall(billing, 'POST', '/v1/groups/shipping/receive')).toBe(false);
      expect(mayCall(billing, 'POST', '/v1/groups/billing-eu/receive')).toBe(false);
      expect(mayCall(billing, 'POST', '/v1/groups/shipping/ack')).toBe(false);
    });

    it('gives no publish and no admin of the group', () => {
      expect(mayCall(billing, 'POST', '/v1/topics/orders/messages')).toBe(false);
      expect(mayCall(billing, 'PUT', '/v1/groups/billing')).toBe(false);
      expect(mayCall(billing, 'DELETE', '/v1/groups/billing')).toBe(false);
    });
  });

  describe('grantRead', () => {
    it('lets a dashboard look at health, OpenAPI, messages, trace, queries and the catalog', () => {
      for (const path of [
        '/v1/health',
        '/v1/openapi.json',
        '/v1/messages/01JDQ',
        '/v1/topics',
        '/v1/topics/orders',
        '/v1/topics/orders/messages',
        '/v1/groups',
        '/v1/groups/billing',
        '/v1/producer-groups/checkout/checks',
      ]) {
        expect(mayCall(reader, 'GET', path)).toBe(true);
      }
    });

    it('may try a filter in the dashboard’s playground, which reads and changes nothing', () => {
      expect(mayCall(reader, 'POST', '/v1/topics/orders/filter-preview')).toBe(true);
      expect(mayCall(reader, 'POST', '/v1/topics/orders/messages')).toBe(false);
    });

    it('changes nothing: no PUT, POST or DELETE anywhere', () => {
      expect(mayCall(reader, 'POST', '/v1/topics/orders/messages')).toBe(false);
      expect(mayCall(reader, 'POST', '/v1/groups/billing/receive')).toBe(false);
      expect(mayCall(reader, 'PUT', '/v1/topics/orders')).toBe(false);
      expect(mayCall(reader, 'DELETE', '/v1/groups/billing')).toBe(false);
    });
  });

  describe('grantAdmin', () => {
    it('lets an operator manage topics, groups and producer groups and call every other route, on this API only', () => {
      expect(mayCall(admin, 'PUT', '/v1/topics/orders')).toBe(true);
      expect(mayCall(admin, 'DELETE', '/v1/groups/billing')).toBe(true);
      expect(mayCall(admin, 'PUT', '/v1/producer-groups/checkout')).toBe(true);
      expect(mayCall(admin, 'POST', '/v1/transactions/01JDQ/commit')).toBe(true);
      expect(invokable(admin)).toEqual([`${arnPrefix}*/*`]);
    });
  });

  describe('grant names', () => {
    it.each([[[]], [['orders*']], [['']], [['a/b']], [['x'.repeat(65)]]])(
      'refuses %j: a grant names literal topics or groups',
      (names: string[]) => {
        const role = new Role(stack, `Refused${names.join('').length}${names.length}`, {
          assumedBy: new AccountRootPrincipal(),
        });
        expect(() => ferry.grantPublish(role, ...names)).toThrow(/topic/);
        expect(() => ferry.grantConsume(role, ...names)).toThrow(/group/);
      },
    );
  });
});
