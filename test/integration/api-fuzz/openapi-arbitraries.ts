// fast-check arbitraries for requests to any route of an OpenAPI 3.1 document: path, query and body generated from its
// schemas (mostly well-formed, so that the domain's own checks run too), broken on purpose, or arbitrary JSON and text.
import fc from 'fast-check';

type Schema = Record<string, unknown>;

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

/** One route of the document. */
export interface Route {
  method: string;
  path: string;
  parameters: Parameter[];
  bodySchema: Schema | undefined;
}

/** A request, and whether it was built to be invalid (then it must be refused with a 4xx). */
export interface FuzzRequest {
  route: Route;
  method: string;
  path: string;
  /** Text as sent; undefined: no body. */
  body: string | undefined;
  /** Why it is invalid by construction, if it is. */
  invalidBecause: string | undefined;
}

export function routesOf(doc: OpenApiDocument): Route[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      parameters: operation.parameters ?? [],
      bodySchema: operation.requestBody?.content?.['application/json']?.schema,
    })),
  );
}

/** Names that exist in the stack under test, by path parameter name (topic, group, name, messageId). */
export type KnownValues = Record<string, readonly string[]>;

export function requestArbitrary(doc: OpenApiDocument, route: Route, known: KnownValues): fc.Arbitrary<FuzzRequest> {
  const pathParams = route.parameters.filter((parameter) => parameter.in === 'path');
  const queryParams = route.parameters.filter((parameter) => parameter.in === 'query');
  // A segment '.' or '..' (or its percent-encoded form) is resolved away by every WHATWG URL parser, fetch's included,
  // before the request leaves: /v1/topics/../messages/{id}/cancel arrives as /v1/messages/{id}/cancel. No client can
  // send it, so it is not fuzzed.
  const params = fc.tuple(
    ...pathParams.map((parameter) =>
      pathValue(doc, parameter, known[parameter.name] ?? []).filter(({ value }) => value !== '.' && value !== '..'),
    ),
  );
  const query = queryArbitrary(doc, queryParams);
  const body = route.bodySchema === undefined ? noBody() : bodyArbitrary(doc, route.bodySchema);
  return fc.tuple(params, query, body).map(([values, queryString, sent]) => {
    let path = route.path;
    const reasons: string[] = [];
    for (const [index, parameter] of pathParams.entries()) {
      const { value, invalid } = values[index]!;
      path = path.replace(`{${parameter.name}}`, percentEncoded(value));
      if (invalid) reasons.push(`path parameter ${parameter.name} ${JSON.stringify(value)} breaks its schema`);
    }
    if (sent.invalidBecause !== undefined) reasons.push(sent.invalidBecause);
    return {
      route,
      method: route.method,
      path: `${path}${queryString}`,
      body: sent.text,
      invalidBecause: reasons.length === 0 ? undefined : reasons.join('; '),
    };
  });
}

/** Every UTF-8 byte but the unreserved ones percent-encoded (a lone surrogate is sent as U+FFFD, as any client would). */
function percentEncoded(value: string): string {
  return [...new TextEncoder().encode(value)]
    .map((byte) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  return resolve(doc, doc.components?.schemas?.[ref.replace('#/components/schemas/', '')] ?? {});
}

/** Values the schema allows, as far as JSON Schema says (zod refinements such as UTF-8 byte limits may still refuse them). */
export function fromSchema(doc: OpenApiDocument, given: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(doc, given);
  const choices = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (choices !== undefined) return fc.oneof(...choices.map((choice) => fromSchema(doc, choice, depth + 1)));
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if (schema.const !== undefined) return fc.constant(schema.const);
  switch (schema.type) {
    case 'string':
      return stringFrom(schema);
    case 'integer':
      return fc.integer({ min: numberOr(schema.minimum, -1e6), max: numberOr(schema.maximum, 1e9) });
    case 'number':
      return fc.double({ min: numberOr(schema.minimum, -1e6), max: numberOr(schema.maximum, 1e9), noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(
        schema.items === undefined ? fc.jsonValue() : fromSchema(doc, schema.items as Schema, depth + 1),
        {
          minLength: numberOr(schema.minItems, 0),
          maxLength: Math.min(numberOr(schema.maxItems, 4), 4),
        },
      );
    case 'object':
      return objectFrom(doc, schema, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function stringFrom(schema: Schema): fc.Arbitrary<string> {
  if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern));
  const minLength = numberOr(schema.minLength, 0);
  return fc.oneof(
    fc.string({ minLength, maxLength: Math.min(numberOr(schema.maxLength, 40), 40) }),
    // Text a parser or an encoder may trip on: SQL92 and tag syntax, unicode, lone surrogates.
    fc
      .array(
        fc.constantFrom("'", '"', '(', ')', '||', ' AND ', ' = ', 'NOT ', '\\', '\u0000', '\ud800', '😀', 'é', '%'),
        {
          minLength: Math.max(minLength, 1),
          maxLength: 12,
        },
      )
      .map((parts) => parts.join('')),
    fc.string({ unit: 'grapheme', minLength, maxLength: 20 }),
  );
}

function objectFrom(doc: OpenApiDocument, schema: Schema, depth: number): fc.Arbitrary<unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  if (Object.keys(properties).length === 0) {
    const values = typeof schema.additionalProperties === 'object' ? (schema.additionalProperties as Schema) : {};
    const keys =
      schema.propertyNames === undefined ? fc.string({ maxLength: 10 }) : stringFrom(schema.propertyNames as Schema);
    return fc.dictionary(keys, depth > 3 ? fc.string() : fromSchema(doc, values, depth + 1), { maxKeys: 4 });
  }
  const required = (schema.required ?? []) as string[];
  return fc.record(
    Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [name, fromSchema(doc, property, depth + 1)]),
    ),
    { requiredKeys: required },
  );
}

/** A path value: a known name (so that deeper code runs), one the schema allows, or one it does not. */
function pathValue(
  doc: OpenApiDocument,
  parameter: Parameter,
  known: readonly string[],
): fc.Arbitrary<{ value: string; invalid: boolean }> {
  const schema = resolve(doc, parameter.schema ?? {});
  const allowed = fromSchema(doc, schema).map(String);
  const breaks = invalidString(schema);
  return fc
    .oneof(
      ...(known.length === 0 ? [] : [{ weight: 3, arbitrary: fc.constantFrom(...known) }]),
      { weight: 2, arbitrary: allowed },
      { weight: 2, arbitrary: breaks },
    )
    .map((value) => ({ value, invalid: !accepts(schema, value) }));
}

/** Strings that break a string schema: its pattern or its length, with separators and encodings thrown in. */
function invalidString(schema: Schema): fc.Arbitrary<string> {
  const maxLength = numberOr(schema.maxLength, 64);
  return fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.constantFrom(
      '',
      ' ',
      '..',
      '.',
      '%',
      '%2F',
      'a/b',
      'a b',
      '😀',
      '\u0000',
      'a'.repeat(maxLength + 1),
      '*',
      '{topic}',
    ),
    fc.string({ minLength: maxLength + 1, maxLength: maxLength + 20 }),
  );
}

/** Whether a string schema (pattern, length) takes this value. */
function accepts(schema: Schema, value: string): boolean {
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) return false;
  if (typeof schema.minLength === 'number' && value.length < schema.minLength) return false;
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return false;
  return true;
}

function queryArbitrary(doc: OpenApiDocument, parameters: Parameter[]): fc.Arbitrary<string> {
  const declared = parameters.map((parameter) =>
    fc
      .option(fc.oneof(fromSchema(doc, parameter.schema ?? {}).map(String), fc.string({ maxLength: 20 })), {
        nil: undefined,
      })
      .map((value): Array<[string, string]> => (value === undefined ? [] : [[parameter.name, value]])),
  );
  const extra = fc.option(
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }))
      .map((pair): [string, string] => pair),
    { nil: undefined },
  );
  return fc.tuple(fc.tuple(...declared), extra).map(([pairs, junk]) => {
    const search = new URLSearchParams([...pairs.flat(), ...(junk === undefined ? [] : [junk])]);
    const text = search.toString();
    return text === '' ? '' : `?${text}`;
  });
}

interface SentBody {
  text: string | undefined;
  invalidBecause: string | undefined;
}

function noBody(): fc.Arbitrary<SentBody> {
  return fc.constant({ text: undefined, invalidBecause: undefined });
}

/**
 * Bodies: well-formed by the schema (the domain's checks decide), one field given a wrong value or an unknown field
 * added, any JSON at all, or text that is not JSON.
 */
function bodyArbitrary(doc: OpenApiDocument, given: Schema): fc.Arbitrary<SentBody> {
  const schema = resolve(doc, given);
  const wellFormed = fromSchema(doc, schema);
  const closed = schema.type === 'object' && schema.additionalProperties === false;
  const known = Object.keys((schema.properties ?? {}) as object);
  const json = (value: unknown, invalidBecause?: string): SentBody => ({ text: JSON.stringify(value), invalidBecause });
  return fc.oneof(
    { weight: 4, arbitrary: wellFormed.map((value) => json(value)) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(wellFormed, known.length === 0 ? fc.string() : fc.constantFrom(...known), fc.jsonValue({ maxDepth: 2 }))
        .map(([value, field, junk]) =>
          json(typeof value === 'object' && value !== null ? { ...value, [field]: junk } : junk),
        ),
    },
    ...(closed
      ? [
          {
            weight: 1,
            arbitrary: fc
              .tuple(
                wellFormed,
                fc.string({ minLength: 1, maxLength: 10 }).filter((field) => !known.includes(field)),
              )
              .map(([value, field]) =>
                json({ ...(value as object), [field]: 1 }, `unknown body field ${JSON.stringify(field)}`),
              ),
          },
        ]
      : []),
    {
      weight: 1,
      arbitrary: fc
        .jsonValue({ maxDepth: 3 })
        .map((value) =>
          json(
            value,
            schema.type === 'object' && (typeof value !== 'object' || value === null || Array.isArray(value))
              ? 'the body is not an object'
              : undefined,
          ),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .string({ maxLength: 30 })
        .filter((text) => !isJson(text))
        .map((text) => ({ text, invalidBecause: 'the body is not JSON' })),
    },
  );
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
