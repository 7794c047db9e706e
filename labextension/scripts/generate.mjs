// Writes src/schema.generated.ts from protocol/schema.json, the one contract of the comm protocol:
// the TypeScript types of every `$defs` entry, and the schema itself, which protocol.ts hands to
// ajv to check what arrives. Run by `jlpm build:lib` and `jlpm test`; rerun it (`jlpm generate`)
// after editing schema.json and commit the result.
//
//   node scripts/generate.mjs            write src/schema.generated.ts
//   node scripts/generate.mjs --check    exit 1 if src/schema.generated.ts is not what it would write
//   node scripts/generate.mjs --out F    write (or check) F instead
//   node scripts/generate.mjs --schema S read the schema from S instead
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { compile } from 'json-schema-to-typescript';

const HERE = dirname(fileURLToPath(import.meta.url));
const PACKAGE = join(HERE, '..');
const SCHEMA = join(PACKAGE, '..', 'protocol', 'schema.json');
const TARGET = join(PACKAGE, 'src', 'schema.generated.ts');
const COMMAND = 'jlpm generate';

/**
 * The name of the TypeScript type for a `$defs` entry: its `title` if it has one, else its key,
 * in PascalCase, with the `I` the sidebar's interfaces carry when it is an object.
 */
function typeName(name, schema) {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const pascal = words.map(word => word[0].toUpperCase() + word.slice(1)).join('');
  const isObject = schema.type === 'object' || 'properties' in schema || 'allOf' in schema;
  return isObject ? `I${pascal}` : pascal;
}

/**
 * A copy of `schema` shaped for json-schema-to-typescript; only the types see it, ajv reads the
 * schema as it is.
 * - A tuple's 2020-12 `prefixItems` (and `items: false`) becomes the older `items: [...]` (and
 *   `additionalItems: false`), which the tool reads: an interval is `[number, number]`, not `never[]`.
 * - A `$ref` with a `description` beside it becomes an `allOf` of the `$ref`: the tool would make
 *   the pair a type of its own (TextOrNull1, TextOrNull2, ...); this way the property keeps the
 *   referenced type, and its description as a doc comment.
 */
function forTypes(schema) {
  if (Array.isArray(schema)) {
    return schema.map(forTypes);
  }
  if (typeof schema !== 'object' || schema === null) {
    return schema;
  }
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, forTypes(value)]));
  if (copy.$ref && Object.keys(copy).length > 1) {
    const { $ref, ...rest } = copy;
    return { ...rest, allOf: [{ $ref }] };
  }
  if (Array.isArray(copy.prefixItems)) {
    const { prefixItems, items, ...rest } = copy;
    return { ...rest, items: prefixItems, additionalItems: items ?? true };
  }
  return copy;
}

async function generate(schemaText) {
  const schema = JSON.parse(schemaText);
  // The root of the types is an index of every `$defs` entry by its key, so each gets a type
  // named after it (the envelope's types, which schema.json states with if/then, are protocol.ts's).
  const keys = Object.keys(schema.$defs);
  const index = {
    title: 'protocol defs',
    description: 'Every `$defs` entry of protocol/schema.json, by its key.',
    type: 'object',
    required: keys,
    properties: Object.fromEntries(keys.map(key => [key, { $ref: `#/$defs/${key}` }])),
    $defs: schema.$defs
  };
  const types = await compile(forTypes(index), 'IProtocolDefs', {
    bannerComment: '',
    // The schema lets objects carry more than it names (a newer kernel may send more); the sidebar
    // reads only what is named, so the types leave out the `[k: string]: unknown` signatures.
    additionalProperties: false,
    // A `$defs` entry arrives here with its key, or with the $id the tool makes of the $ref to it.
    customName: (node, key) => {
      const name = node.title ?? key ?? node.$id;
      return name ? typeName(name, node) : undefined;
    },
    style: { singleQuote: true, printWidth: 100, trailingComma: 'none', bracketSpacing: true }
  });
  return [
    `// Generated from protocol/schema.json by \`${COMMAND}\` (scripts/generate.mjs): do not edit.`,
    '// Edit the schema and run the command again; tests/test_protocol.py fails while this file is stale.',
    '',
    types.trimEnd(),
    '',
    '/** protocol/schema.json itself: protocol.ts validates what arrives against it. */',
    `export const SCHEMA = ${JSON.stringify(schema, null, 2)} as const;`,
    ''
  ].join('\n');
}

const { values: args } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    out: { type: 'string', default: TARGET },
    schema: { type: 'string', default: SCHEMA }
  }
});
const out = args.out;
const text = await generate(readFileSync(args.schema, 'utf8'));
let current = null;
try {
  current = readFileSync(out, 'utf8');
} catch {
  // not written yet
}
if (args.check && current !== text) {
  console.error(`${relative(process.cwd(), out)} is stale: run \`${COMMAND}\` in labextension/`);
  process.exit(1);
}
// Written only when it changes, so that a build leaves the file's time alone (make and
// hatch-jupyter-builder decide what to rebuild by the times of the sources).
if (!args.check && current !== text) {
  writeFileSync(out, text);
}
