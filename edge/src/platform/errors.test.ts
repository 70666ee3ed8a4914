import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { errorBody } from '@kombify/proto/api';
import { errorCode } from '@kombify/proto/error-codes';
import { BadRequestSchema } from '@kombify/proto/google/rpc';
import { describe, expect, it } from 'vitest';
import { ApiError, errorBody as bodyOf, errorStatus, toConnectError } from './errors.ts';

describe('toConnectError', () => {
  it('carries per-field issues as a google.rpc.BadRequest detail and names the paths in the message', () => {
    const error = toConnectError(
      new ApiError('VALIDATION_FAILED', 'invalid spec', {
        details: [
          { path: 'nodes', code: 'too_small', message: 'at least one node' },
          { path: 'name', code: 'invalid_type', message: 'required' },
        ],
      }),
    );
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe('invalid spec (nodes: at least one node; name: required)');
    const [detail] = error.details;
    expect(detail && 'desc' in detail ? detail.desc.typeName : null).toBe('google.rpc.BadRequest');
    const found = error.findDetails(BadRequestSchema);
    expect(found[0]?.fieldViolations.map((v) => [v.field, v.reason, v.description])).toEqual([
      ['nodes', 'too_small', 'at least one node'],
      ['name', 'invalid_type', 'required'],
    ]);
  });

  it('does not repeat paths the message already names, and keeps errors without field issues plain', () => {
    const named = toConnectError(
      new ApiError('VALIDATION_FAILED', 'invalid request: params.ports[0]: too big', {
        details: [{ path: 'params.ports[0]', code: 'too_big', message: 'too big' }],
      }),
    );
    expect(named.rawMessage).toBe('invalid request: params.ports[0]: too big');
    expect(named.details).toHaveLength(1);

    const conflict = toConnectError(new ApiError('CONFLICT', 'locked', { details: { lock: { ID: 'x' } } }));
    expect(conflict.code).toBe(Code.FailedPrecondition);
    expect(conflict.details).toEqual([]);
    expect(toConnectError(new Error('secret internals')).rawMessage).toBe('internal error');
    const passthrough = new ConnectError('as is', Code.Aborted);
    expect(toConnectError(passthrough)).toBe(passthrough);
  });

  it('round-trips the detail through its binary form (what Connect puts on the wire)', () => {
    const error = toConnectError(
      new ApiError('VALIDATION_FAILED', 'bad', { details: [{ path: 'a.b', code: 'x', message: 'm' }] }),
    );
    const [detail] = error.details;
    if (!detail || !('desc' in detail)) throw new Error('expected a typed detail');
    const bytes = toBinary(BadRequestSchema, create(BadRequestSchema, detail.value));
    expect(fromBinary(BadRequestSchema, bytes).fieldViolations[0]?.field).toBe('a.b');
  });
});

describe('the error vocabulary', () => {
  it('maps every code of the shared enum to a status, and the body fits the schema clients parse', () => {
    expect(Object.keys(errorStatus).sort()).toEqual([...errorCode.options].sort());
    for (const code of errorCode.options) {
      const body = bodyOf(
        new ApiError(code, 'm', { details: [{ path: 'a', code: 'required', message: 'm' }] }),
        'r',
      );
      expect(errorBody.safeParse(body).success).toBe(true);
    }
  });
});
