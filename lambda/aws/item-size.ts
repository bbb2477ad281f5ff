// DynamoDB's own accounting of an item's size, so that a message too large to store or to change is refused at publish.

/** DynamoDB's largest item: 400 KB, attribute names included. */
export const DYNAMODB_ITEM_MAX_BYTES = 400 * 1024;

/**
 * The size DynamoDB counts for an item ("Item sizes and formats" in the DynamoDB developer guide): each attribute's
 * UTF-8 name plus its value; strings in UTF-8 bytes, numbers about one byte per two significant digits plus one,
 * booleans and nulls one byte, lists and maps three bytes plus one byte and the size of each element.
 */
export function itemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    bytes += Buffer.byteLength(name, 'utf8') + valueBytes(value);
  }
  return bytes;
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return numberBytes(value);
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + valueBytes(element), 0);
  if (typeof value === 'object')
    return (
      3 +
      Object.entries(value).reduce(
        (sum, [name, element]) =>
          element === undefined ? sum : sum + 1 + Buffer.byteLength(name, 'utf8') + valueBytes(element),
        0,
      )
    );
  return 0;
}

function numberBytes(value: number): number {
  const digits = String(Math.abs(value)).replace('.', '').replace(/^0+/, '').replace(/e.*$/i, '').length;
  return Math.min(21, Math.ceil(digits / 2) + 1);
}
