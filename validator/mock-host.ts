import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEngine, type Engine } from '../mock-server/engine.js';
import { Header, Override } from './constants.js';
import { bodyText, headerValue, Transport, type ResponseData } from './http.js';
import type { TestCaseDefinition } from './model.js';
import type { Target } from './requests.js';
import type { TargetProvider } from './runner.js';
import { appendOrReplaceQueryParameter, getQueryParameterValue } from './url-helper.js';
import { utf7EncodedUnescaped } from './utf7.js';

/** The mock did not let the runner sign in or create a test file; the message says which step. */
export class SetupError extends Error {}

const user = { id: 'validator', signInName: 'validator@contoso.test', friendlyName: 'WOPI Validator' };
const oauth = { clientId: 'wopi-validator', clientSecret: 'wopi-validator-secret', redirectUri: 'https://localhost/validator' };

/**
 * Our own mock host on 127.0.0.1, port 0, in a temporary data dir, prepared the way a storage
 * provider prepares for the validator: a user signs in through the real OAuth flow, and every test
 * gets a fresh `.wopitest` file created through CreateChildFile with a token from GetNewAccessToken.
 */
export class MockHost implements TargetProvider {
  private constructor(
    private readonly engine: Engine,
    private readonly dataDir: string,
    readonly caCertificate: string,
    private readonly transport: Transport,
    private readonly oauthToken: string,
    private readonly rootContainerUrl: string,
  ) {}

  static async start(): Promise<MockHost> {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'wopi-validator-'));
    let engine: Engine | undefined;
    try {
      engine = await startEngine({
        dataDir,
        host: '127.0.0.1',
        port: 0,
        adminPort: 0,
        publicHost: '127.0.0.1',
        config: { users: [user], oauth: { clientId: oauth.clientId, clientSecret: oauth.clientSecret, redirectUris: [oauth.redirectUri] } },
      });
      const caCertificate = await readFile(engine.urls.caCertificatePath, 'utf8');
      const transport = new Transport({ ca: caCertificate });
      const oauthToken = await signIn(transport, engine.urls.wopiOrigin);
      const rootContainerUrl = await rootContainer(transport, engine.urls.bootstrapperUrl, oauthToken);
      return new MockHost(engine, dataDir, caCertificate, transport, oauthToken, rootContainerUrl);
    } catch (error) {
      await engine?.stop();
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  get origin(): string {
    return this.engine.urls.wopiOrigin;
  }

  /** CreateChildFile in the user's root as the validator sends it (POST to the container URL), then GetNewAccessToken. */
  async acquire(test: TestCaseDefinition): Promise<Target> {
    const name = `${test.name.replace(/[^A-Za-z0-9._-]/g, '_')}.wopitest`;
    const created = await this.post(this.rootContainerUrl, [
      [Header.RelativeTarget, utf7EncodedUnescaped(name)!],
      [Header.Override, Override.CreateChildFile],
      [Header.Authorization, `Bearer ${getQueryParameterValue(this.rootContainerUrl, 'access_token') ?? ''}`],
    ]);
    const fileUrl = jsonField(created, 'Url', `CreateChildFile "${name}" in the root container`);
    const wopiSrc = withoutQuery(fileUrl);
    const token = await this.post(this.engine.urls.bootstrapperUrl, [
      [Header.EcosystemOperation, 'GET_NEW_ACCESS_TOKEN'],
      [Header.WopiSrc, wopiSrc],
      [Header.Authorization, `Bearer ${this.oauthToken}`],
    ]);
    const info = jsonField(token, 'AccessTokenInfo', `GetNewAccessToken for ${wopiSrc}`) as unknown as { AccessToken?: unknown; AccessTokenExpiry?: unknown };
    if (typeof info.AccessToken !== 'string' || typeof info.AccessTokenExpiry !== 'number') {
      throw new SetupError(`GetNewAccessToken for ${wopiSrc} answered without AccessTokenInfo.AccessToken and a numeric AccessTokenExpiry: ${bodyText(token)}`);
    }
    return { wopiSrc, accessToken: info.AccessToken, accessTokenTtl: info.AccessTokenExpiry };
  }

  /** Deletes the test's file; a test that left it locked keeps it (the data dir goes away at the end). */
  async release(target: Target): Promise<void> {
    await this.transport.send(
      {
        method: 'POST',
        url: appendOrReplaceQueryParameter(target.wopiSrc, 'access_token', target.accessToken),
        headers: [
          [Header.Override, Override.Delete],
          [Header.Authorization, `Bearer ${target.accessToken}`],
        ],
        body: null,
      },
      true,
    );
  }

  async stop(): Promise<void> {
    this.transport.close();
    await this.engine.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  private post(url: string, headers: Array<[string, string]>): Promise<ResponseData> {
    return this.transport.send({ method: 'POST', url, headers, body: null }, true);
  }
}

async function signIn(transport: Transport, origin: string): Promise<string> {
  const form = (fields: Record<string, string>) => Buffer.from(new URLSearchParams(fields).toString());
  const formHeaders: Array<[string, string]> = [['Content-Type', 'application/x-www-form-urlencoded']];
  const authorized = await transport.send(
    { method: 'POST', url: `${origin}/oauth/authorize`, headers: formHeaders, body: form({ client_id: oauth.clientId, redirect_uri: oauth.redirectUri, response_type: 'code', user: user.id }) },
    true,
  );
  const location = headerValue(authorized, 'location');
  const code = location ? new URL(location).searchParams.get('code') : null;
  if (authorized.status !== 302 || !code) throw new SetupError(`sign-in: POST /oauth/authorize answered ${authorized.status} ${location ?? bodyText(authorized)} instead of a redirect with a code`);
  const issued = await transport.send(
    {
      method: 'POST',
      url: `${origin}/oauth/token`,
      headers: formHeaders,
      body: form({ grant_type: 'authorization_code', code, redirect_uri: oauth.redirectUri, client_id: oauth.clientId, client_secret: oauth.clientSecret }),
    },
    true,
  );
  const accessToken = jsonField(issued, 'access_token', 'sign-in: POST /oauth/token');
  return accessToken;
}

async function rootContainer(transport: Transport, bootstrapperUrl: string, oauthToken: string): Promise<string> {
  const answer = await transport.send(
    {
      method: 'POST',
      url: bootstrapperUrl,
      headers: [
        [Header.EcosystemOperation, 'GET_ROOT_CONTAINER'],
        [Header.Authorization, `Bearer ${oauthToken}`],
      ],
      body: null,
    },
    true,
  );
  const info = jsonField(answer, 'RootContainerInfo', 'GetRootContainer on the bootstrapper') as unknown as { ContainerPointer?: { Url?: unknown } };
  if (typeof info.ContainerPointer?.Url !== 'string') throw new SetupError(`GetRootContainer on the bootstrapper answered no RootContainerInfo.ContainerPointer.Url: ${bodyText(answer)}`);
  return info.ContainerPointer.Url;
}

/** A field of a 200 JSON answer; anything else is a setup error naming the step. */
function jsonField(response: ResponseData, field: string, step: string): string {
  const text = bodyText(response);
  if (response.status !== 200) throw new SetupError(`${step} answered ${response.status}${text ? `: ${text.slice(0, 300)}` : ''}`);
  let value: unknown;
  try {
    value = (JSON.parse(text) as Record<string, unknown>)[field];
  } catch {
    throw new SetupError(`${step} answered 200 with a body that is not JSON: ${text.slice(0, 300)}`);
  }
  if (value === undefined || value === null || value === '') throw new SetupError(`${step} answered 200 without ${field}: ${text.slice(0, 300)}`);
  return value as string;
}

function withoutQuery(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}
