import type { Engine } from '../mock-server/engine.js';
import { startMockHost } from '../mock-server/library/mock-host.js';
import { allCapabilities, type Capabilities } from '../mock-server/protocol/capabilities.js';
import { Header } from './constants.js';
import { bodyText, headerValue, Transport, type ResponseData } from './http.js';
import type { TestCaseDefinition } from './model.js';
import type { Target } from './requests.js';
import type { TargetProvider } from './runner.js';
import { capabilitiesFor, describeHostConfiguration, type HostRequirements } from './host-configuration.js';

/** The mock did not let the runner sign in, configure it or create a test file; the message says which step. */
export class SetupError extends Error {}

const user = { id: 'validator', signInName: 'validator@contoso.test', friendlyName: 'WOPI Validator' };
const oauth = { clientId: 'wopi-validator', clientSecret: 'wopi-validator-secret', redirectUri: 'https://localhost/validator' };

/**
 * Our own mock host on 127.0.0.1, port 0, in a temporary data dir, prepared the way a storage
 * provider prepares for the validator: a user signs in through the real OAuth flow, and every test
 * gets a fresh `.wopitest` file, put in the user's root through the admin API (the provider's own
 * back door, which works whatever WOPI operations the host offers), with a token from
 * GetNewAccessToken. Before each group the host's capability switches are set, through the admin
 * API, to what the group's prerequisites ask for (host-configuration.ts).
 */
export class MockHost implements TargetProvider {
  private capabilities: Capabilities = { ...allCapabilities };

  private constructor(
    private readonly host: Awaited<ReturnType<typeof startMockHost>>,
    readonly caCertificate: string,
    private readonly transport: Transport,
    private readonly oauthToken: string,
    private readonly rootContainerId: string,
  ) {}

  private get engine(): Engine {
    return this.host.engine;
  }

  static async start(): Promise<MockHost> {
    const host = await startMockHost({
      users: [user],
      config: { oauth: { clientId: oauth.clientId, clientSecret: oauth.clientSecret, redirectUris: [oauth.redirectUri] } },
    });
    try {
      const transport = new Transport({ ca: host.caPem });
      const oauthToken = await signIn(transport, host.urls.wopiOrigin);
      const tree = (await admin(host.engine, 'GET', '/api/files', 'list the files')) as {
        users?: Array<{ userId: string; root?: { id?: unknown } }>;
      };
      const rootContainerId = tree.users?.find((u) => u.userId === user.id)?.root?.id;
      if (typeof rootContainerId !== 'string') throw new SetupError(`GET /api/files lists no root container for user "${user.id}"`);
      return new MockHost(host, host.caPem, transport, oauthToken, rootContainerId);
    } catch (error) {
      await host.stop();
      throw error;
    }
  }

  get origin(): string {
    return this.engine.urls.wopiOrigin;
  }

  /** Sets the capability switches the group's prerequisites ask for (PUT /api/config), the others back on. */
  async configureFor(requirements: HostRequirements): Promise<string> {
    const wanted = capabilitiesFor(requirements);
    if ((Object.keys(wanted) as Array<keyof Capabilities>).some((name) => wanted[name] !== this.capabilities[name])) {
      const config = (await admin(this.engine, 'GET', '/api/config', 'read the config')) as Record<string, unknown>;
      await admin(this.engine, 'PUT', '/api/config', 'set the capability switches', { ...config, capabilities: wanted });
      this.capabilities = wanted;
    }
    const description = describeHostConfiguration(wanted);
    return requirements.conflicts.length === 0
      ? description
      : `${description} (the prerequisites ask for ${requirements.conflicts.join(', ')} both on and off; left on)`;
  }

  /** An empty `.wopitest` file in the user's root (PUT through the admin API), then GetNewAccessToken for it. */
  async acquire(test: TestCaseDefinition): Promise<Target> {
    const name = `${test.name.replace(/[^A-Za-z0-9._-]/g, '_')}.wopitest`;
    const created = (await admin(
      this.engine,
      'PUT',
      `/api/users/${encodeURIComponent(user.id)}/containers/${encodeURIComponent(this.rootContainerId)}/files?name=${encodeURIComponent(name)}&overwrite=true`,
      `create "${name}" in the root container`,
      Buffer.alloc(0),
    )) as { id?: unknown };
    if (typeof created.id !== 'string') throw new SetupError(`creating "${name}" through the admin API answered no file id`);
    const wopiSrc = `${this.origin}/wopi/files/${encodeURIComponent(created.id)}`;
    const token = await this.post(this.engine.urls.bootstrapperUrl, [
      [Header.EcosystemOperation, 'GET_NEW_ACCESS_TOKEN'],
      [Header.WopiSrc, wopiSrc],
      [Header.Authorization, `Bearer ${this.oauthToken}`],
    ]);
    const info = jsonField(token, 'AccessTokenInfo', `GetNewAccessToken for ${wopiSrc}`) as unknown as {
      AccessToken?: unknown;
      AccessTokenExpiry?: unknown;
    };
    if (typeof info.AccessToken !== 'string' || typeof info.AccessTokenExpiry !== 'number') {
      throw new SetupError(
        `GetNewAccessToken for ${wopiSrc} answered without AccessTokenInfo.AccessToken and a numeric AccessTokenExpiry: ${bodyText(token)}`,
      );
    }
    return { wopiSrc, accessToken: info.AccessToken, accessTokenTtl: info.AccessTokenExpiry };
  }

  /** Deletes the test's file through the admin API, locked or not; gone already is fine. */
  async release(target: Target): Promise<void> {
    const id = decodeURIComponent(new URL(target.wopiSrc).pathname.split('/').pop() ?? '');
    await admin(this.engine, 'DELETE', `/api/files/${encodeURIComponent(id)}`, `delete the test file ${id}`, undefined, [404]);
  }

  async stop(): Promise<void> {
    this.transport.close();
    await this.host.stop();
  }

  private post(url: string, headers: Array<[string, string]>): Promise<ResponseData> {
    return this.transport.send({ method: 'POST', url, headers, body: null }, true);
  }
}

/** One admin API call (loopback, plain HTTP); anything but a 2xx (or an accepted status) is a setup error naming the step. */
async function admin(
  engine: Engine,
  method: string,
  pathAndQuery: string,
  step: string,
  body?: unknown,
  accepted: number[] = [],
): Promise<unknown> {
  const headers: Record<string, string> = { authorization: `Bearer ${engine.urls.adminToken}` };
  let payload: Buffer | string | undefined;
  if (Buffer.isBuffer(body)) payload = body;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(engine.urls.adminUrl + pathAndQuery, {
    method,
    headers,
    ...(payload !== undefined ? { body: payload } : {}),
  });
  const text = await response.text();
  if (accepted.includes(response.status)) return undefined;
  if (!response.ok)
    throw new SetupError(
      `${step}: ${method} ${pathAndQuery.split('?')[0]} on the admin API answered ${response.status}${text ? `: ${text.slice(0, 300)}` : ''}`,
    );
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

async function signIn(transport: Transport, origin: string): Promise<string> {
  const form = (fields: Record<string, string>) => Buffer.from(new URLSearchParams(fields).toString());
  const formHeaders: Array<[string, string]> = [['Content-Type', 'application/x-www-form-urlencoded']];
  const authorized = await transport.send(
    {
      method: 'POST',
      url: `${origin}/oauth/authorize`,
      headers: formHeaders,
      body: form({ client_id: oauth.clientId, redirect_uri: oauth.redirectUri, response_type: 'code', user: user.id }),
    },
    true,
  );
  const location = headerValue(authorized, 'location');
  const code = location ? new URL(location).searchParams.get('code') : null;
  if (authorized.status !== 302 || !code)
    throw new SetupError(
      `sign-in: POST /oauth/authorize answered ${authorized.status} ${location ?? bodyText(authorized)} instead of a redirect with a code`,
    );
  const issued = await transport.send(
    {
      method: 'POST',
      url: `${origin}/oauth/token`,
      headers: formHeaders,
      body: form({
        grant_type: 'authorization_code',
        code,
        redirect_uri: oauth.redirectUri,
        client_id: oauth.clientId,
        client_secret: oauth.clientSecret,
      }),
    },
    true,
  );
  const accessToken = jsonField(issued, 'access_token', 'sign-in: POST /oauth/token');
  return accessToken;
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
  if (value === undefined || value === null || value === '')
    throw new SetupError(`${step} answered 200 without ${field}: ${text.slice(0, 300)}`);
  return value as string;
}
