// The deployment's receipt-handle key, kept in the table: created once by the first receive that needs it (a
// conditional put, so that racing cold starts agree on one key), then cached for the life of the instance.
import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReceiptKeys } from '../core/ports.ts';
import { RECEIPT_KEY_ITEM } from './table-layout.ts';

/**
 * Why the table and not Secrets Manager or KMS: the API already reads and writes this table, so the key needs no new
 * permission, client or service; and whoever can read the key from the table can write the trace there directly, so
 * a forged handle would give them nothing more.
 */
export function dynamoReceiptKeys(documents: DynamoDBDocumentClient, tableName: string): ReceiptKeys {
  let cached: Uint8Array | undefined;
  const read = async (): Promise<Uint8Array | undefined> => {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: RECEIPT_KEY_ITEM, ConsistentRead: true }),
    );
    if (Item?.key instanceof Uint8Array) cached = Item.key;
    return cached;
  };
  const create = async (): Promise<Uint8Array> => {
    const key = randomBytes(32);
    try {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...RECEIPT_KEY_ITEM, kind: 'KEY', key },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return (cached = key);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Another instance created it first: use that one.
      const stored = await read();
      if (stored === undefined)
        throw new Error('the receipt-handle key item exists but holds no key', { cause: error });
      return stored;
    }
  };
  return {
    signingKey: async () => cached ?? (await read()) ?? (await create()),
    // No key yet means no handle was ever signed: a check creates nothing.
    verifyingKey: async () => cached ?? (await read()),
  };
}
