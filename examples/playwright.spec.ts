// A Playwright test against a mock host of its own: npx playwright test
import { expect, test } from '@playwright/test';
import { startMockHost, type MockHost } from 'wopi-mock-host';

let host: MockHost;
test.beforeAll(async () => {
  host = await startMockHost();
});
test.afterAll(async () => {
  await host.stop();
});

// The mock's certificate comes from its own CA (host.caPem): trust it, or let the browser accept it.
test.use({ ignoreHTTPSErrors: true });

test('a person signs in on the mock sign-in page and is sent back with a code', async ({ page }) => {
  const { clientId, redirectUris } = host.config.get().oauth;
  const authorize = new URL('/oauth/authorize', host.urls.wopiOrigin);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUris[0]!,
    response_type: 'code',
    state: 'xyz',
  }).toString();
  // https://localhost is Office's stop URL: it is never loaded, so answer it here.
  await page.route('https://localhost/**', (route) => route.fulfill({ body: 'signed in' }));

  await page.goto(authorize.href);
  await page.getByRole('button', { name: /Alice/ }).click();

  await expect(page).toHaveURL(/^https:\/\/localhost\/\?code=[^&]+&state=xyz$/);
  const signIn = await host.log.waitFor({ operation: 'Authorize', method: 'POST' });
  expect(signIn.entry.userId).toBe('alice');
});
