import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv-draft-04';

/** A schema file that cannot be read or compiled. */
export class SchemaError extends Error {}

/**
 * The validator's draft-04 JSON schemas, by id (the file name without `.json`, as its
 * `ResourceManagement/JsonSchemas.cs` names its embedded copies).
 */
export class Schemas {
  private constructor(private readonly byId: Map<string, ValidateFunction>) {}

  static async load(directory: string): Promise<Schemas> {
    let names: string[];
    try {
      names = (await readdir(directory)).filter((n) => n.endsWith('.json')).sort();
    } catch (error) {
      throw new SchemaError(`cannot read the JSON schema folder ${directory}: ${(error as Error).message}`);
    }
    const ajv = createAjv();
    const byId = new Map<string, ValidateFunction>();
    for (const name of names) {
      const file = path.join(directory, name);
      // The validator's schema files start with a byte-order mark.
      const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
      try {
        byId.set(name.slice(0, -'.json'.length), ajv.compile(JSON.parse(text) as object));
      } catch (error) {
        throw new SchemaError(`${file} is not a usable draft-04 schema: ${(error as Error).message}`);
      }
    }
    return new Schemas(byId);
  }

  static fromObjects(schemas: Record<string, object>): Schemas {
    const ajv = createAjv();
    return new Schemas(new Map(Object.entries(schemas).map(([id, schema]) => [id, ajv.compile(schema)])));
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** Error messages, empty when the value conforms. */
  validate(id: string, value: unknown): string[] {
    const validate = this.byId.get(id);
    if (!validate) throw new SchemaError(`Schema with ID '${id}' not found.`);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(describe);
  }
}

function createAjv() {
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, logger: false });
  // The formats the schemas use, as leniently as NJsonSchema (the validator's library) checks them.
  ajv.addFormat('uri', { type: 'string', validate: (value: string) => URL.canParse(value) });
  ajv.addFormat('date-time', { type: 'string', validate: (value: string) => !Number.isNaN(Date.parse(value)) });
  return ajv;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'the response' : error.instancePath.slice(1).replaceAll('/', '.');
  if (error.keyword === 'required') return `Property Required: ${(error.params as { missingProperty: string }).missingProperty}`;
  if (error.keyword === 'not') return `Not Allowed: ${where}`;
  return `${where} ${error.message ?? error.keyword}`;
}
