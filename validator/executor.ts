import { StateKey } from './constants.js';
import type { OutgoingRequest, ResponseData, Transport } from './http.js';
import type { RequestDefinition, TestCaseDefinition, ValidatorDefinition } from './model.js';
import { buildRequest, type Target } from './requests.js';
import type { Resources } from './resources.js';
import type { Schemas } from './schemas.js';
import { readStateValue, type SavedState } from './state.js';
import { contentLengthValidator, exceptionValidator, responseCode, validate, type ValidationContext } from './validators.js';

/**
 * Runs test cases as the validator's `TestCaseExecutor` does: requests in order, each checked by
 * its validators; the first failing request ends the test; state is saved from requests that
 * passed; cleanup requests always run and are never checked.
 */

export interface ExecutionContext {
  transport: Transport;
  target: Target;
  resources: Resources;
  schemas: Schemas;
  /** The validator's OfficeNativeClient User-Agent, when those tests are in the run. */
  userAgent: string | undefined;
}

export interface RequestRecord {
  operation: string;
  cleanup: boolean;
  /** Null when the request could not be built (its error is in `errors`). */
  request: OutgoingRequest | null;
  response: ResponseData | null;
  errors: string[];
}

export interface CaseOutcome {
  passed: boolean;
  /** The test's FailMessage, or "<Operation> request failed." */
  message: string | undefined;
  errors: string[];
  requests: RequestRecord[];
}

/** A test result before skip lists and setup are taken into account (the validator's ResultStatus). */
export type TestOutcome = (CaseOutcome & { prerequisite?: undefined }) | (CaseOutcome & { passed: false; prerequisite: string });

/** Prerequisites first: the first one that fails decides the outcome (the validator reports it as Skipped). */
export async function executeWithPrerequisites(
  testCase: TestCaseDefinition,
  prerequisites: TestCaseDefinition[],
  context: ExecutionContext,
): Promise<TestOutcome> {
  for (const prerequisite of prerequisites) {
    const outcome = await executeTestCase(prerequisite, context);
    if (!outcome.passed) return { ...outcome, passed: false, message: 'Prerequisites failed', prerequisite: prerequisite.name };
  }
  return executeTestCase(testCase, context);
}

export async function executeTestCase(testCase: TestCaseDefinition, context: ExecutionContext): Promise<CaseOutcome> {
  const state: SavedState = new Map([
    [StateKey.OriginalAccessToken, context.target.accessToken],
    [StateKey.OriginalWopiSrc, context.target.wopiSrc],
  ]);
  const records: RequestRecord[] = [];
  let failure: { message: string; errors: string[] } | undefined;
  try {
    for (const definition of testCase.requests) {
      const record = await send(definition, state, context, false);
      records.push(record);
      if (record.errors.length > 0) {
        failure = {
          message: testCase.failMessage?.trim() ? testCase.failMessage : `${definition.operation} request failed.`,
          errors: record.errors,
        };
        break;
      }
      for (const saver of definition.stateSavers) state.set(saver.name, readStateValue(saver, record.response!));
    }
  } finally {
    for (const definition of testCase.cleanupRequests) records.push(await send(definition, state, context, true));
  }
  return failure ? { passed: false, ...failure, requests: records } : { passed: true, message: undefined, errors: [], requests: records };
}

async function send(definition: RequestDefinition, state: SavedState, context: ExecutionContext, cleanup: boolean): Promise<RequestRecord> {
  let built;
  try {
    built = buildRequest(definition, { target: context.target, state, resources: context.resources });
  } catch (error) {
    // The validator would throw here; the test fails with the reason instead of ending the run.
    return { operation: definition.operation, cleanup, request: null, response: null, errors: [(error as Error).message] };
  }
  const response = await context.transport.send(built.request, built.isTextResponse, built.bare ? undefined : context.userAgent);
  if (cleanup) return { operation: definition.operation, cleanup, request: built.request, response, errors: [] };
  return {
    operation: definition.operation,
    cleanup,
    request: built.request,
    response,
    errors: check(definition.validators, response, { state, resources: context.resources, schemas: context.schemas }),
  };
}

/** The mandatory Content-Length check, then the declared validators (with the exception check) or a plain 200. */
export function check(validators: ValidatorDefinition[] | null, response: ResponseData, context: ValidationContext): string[] {
  const errors = contentLengthValidator(response);
  if (validators === null) return [...errors, ...responseCode(200, response)];
  errors.push(...exceptionValidator(response));
  for (const validator of validators) {
    try {
      errors.push(...validate(validator, response, context));
    } catch (error) {
      errors.push(`${validator.kind} validator could not run: ${(error as Error).message}`);
    }
  }
  return errors;
}
