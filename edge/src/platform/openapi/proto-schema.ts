/**
 * JSON Schemas for protobuf messages in the proto3 JSON mapping
 * (https://protobuf.dev/programming-guides/json/), which Connect's JSON form uses: fields by their
 * lowerCamel JSON name, 64-bit integers as strings (numbers are accepted too), enums by value name,
 * bytes as base64, and the well-known types as their JSON forms. The schemas come from the
 * generated descriptors, so the document cannot drift from the .proto files.
 */
import { type DescEnum, type DescField, type DescMessage, ScalarType } from '@bufbuild/protobuf';

export type JsonSchema = Record<string, unknown>;

/** The well-known types, which have their own JSON forms. */
const wellKnown: Record<string, JsonSchema> = {
  'google.protobuf.Timestamp': { type: 'string', format: 'date-time' },
  'google.protobuf.Duration': { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?s$' },
  'google.protobuf.Struct': { type: 'object', additionalProperties: true },
  'google.protobuf.Value': {},
  'google.protobuf.ListValue': { type: 'array', items: {} },
  'google.protobuf.Empty': { type: 'object' },
  'google.protobuf.FieldMask': { type: 'string' },
  'google.protobuf.Any': { type: 'object', properties: { '@type': { type: 'string' } }, required: ['@type'] },
  'google.protobuf.StringValue': { type: ['string', 'null'] },
  'google.protobuf.BoolValue': { type: ['boolean', 'null'] },
  'google.protobuf.Int32Value': { type: ['integer', 'null'] },
  'google.protobuf.UInt32Value': { type: ['integer', 'null'] },
  'google.protobuf.Int64Value': { type: ['string', 'integer', 'null'] },
  'google.protobuf.UInt64Value': { type: ['string', 'integer', 'null'] },
  'google.protobuf.DoubleValue': { type: ['number', 'null'] },
  'google.protobuf.FloatValue': { type: ['number', 'null'] },
  'google.protobuf.BytesValue': { type: ['string', 'null'], contentEncoding: 'base64' },
};

function scalar(type: ScalarType): JsonSchema {
  switch (type) {
    case ScalarType.STRING:
      return { type: 'string' };
    case ScalarType.BOOL:
      return { type: 'boolean' };
    case ScalarType.BYTES:
      return { type: 'string', contentEncoding: 'base64' };
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return { type: 'number' };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      // Written as a decimal string; a JSON number is read too.
      return { type: ['string', 'integer'], pattern: '^-?[0-9]+$' };
    default:
      return { type: 'integer', format: 'int32' };
  }
}

/**
 * Collects message and enum schemas into `components` (by full proto name) and answers `$ref`s to
 * them; messages that refer to themselves work, since a name is claimed before its fields are read.
 */
export class ProtoSchemas {
  readonly components: Record<string, JsonSchema> = {};

  message(desc: DescMessage): JsonSchema {
    const known = wellKnown[desc.typeName];
    if (known) return known;
    const name = desc.typeName;
    if (!this.components[name]) {
      this.components[name] = {};
      const properties: Record<string, JsonSchema> = {};
      for (const field of desc.fields) properties[field.jsonName] = this.field(field);
      const oneofs = desc.oneofs.filter((o) => !o.fields.every((f) => f.proto.proto3Optional));
      this.components[name] = {
        type: 'object',
        // Open: the proto3 JSON reader also takes the fields' proto names, and readers of
        // answers must take fields added later.
        properties,
        ...(oneofs.length > 0
          ? {
              description: oneofs
                .map((o) => `at most one of ${o.fields.map((f) => `\`${f.jsonName}\``).join(', ')}`)
                .join('; '),
            }
          : {}),
      };
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  private enumeration(desc: DescEnum): JsonSchema {
    const name = desc.typeName;
    this.components[name] ??= { type: 'string', enum: desc.values.map((v) => v.name) };
    return { $ref: `#/components/schemas/${name}` };
  }

  private field(field: DescField): JsonSchema {
    switch (field.fieldKind) {
      case 'scalar':
        return scalar(field.scalar);
      case 'enum':
        return this.enumeration(field.enum);
      case 'message':
        return this.message(field.message);
      case 'list':
        return {
          type: 'array',
          items:
            field.listKind === 'scalar'
              ? scalar(field.scalar)
              : field.listKind === 'enum'
                ? this.enumeration(field.enum)
                : this.message(field.message),
        };
      case 'map':
        return {
          type: 'object',
          additionalProperties:
            field.mapKind === 'scalar'
              ? scalar(field.scalar)
              : field.mapKind === 'enum'
                ? this.enumeration(field.enum)
                : this.message(field.message),
        };
    }
  }
}
