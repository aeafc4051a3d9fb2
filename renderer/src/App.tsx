import { lazy, Suspense, useEffect, useState, type ComponentType, type ReactNode } from 'react';
import { getAdminToken } from './api/client.ts';
import { subscribeLive, useLiveConnection } from './api/live.ts';
import { AdminTokenForm } from './components/AdminTokenForm.tsx';
import { hrefFor, screenFromHash, screens, type ScreenPath } from './routes.ts';

/** A screen's module, loaded the first time it is opened: the first paint needs only the shell and one screen. */
function screen<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(async () => ({ default: (await load())[name] }));
}

const OverviewScreen = screen(() => import('./screens/overview/OverviewScreen.tsx'), 'OverviewScreen');
const ProviderScreen = screen(() => import('./screens/provider/ProviderScreen.tsx'), 'ProviderScreen');
const UsersScreen = screen(() => import('./screens/users/UsersScreen.tsx'), 'UsersScreen');
const TokenLifetimesScreen = screen(() => import('./screens/tokens/TokenLifetimesScreen.tsx'), 'TokenLifetimesScreen');
const FaultsScreen = screen(() => import('./screens/faults/FaultsScreen.tsx'), 'FaultsScreen');
const BehaviourScreen = screen(() => import('./screens/behaviour/BehaviourScreen.tsx'), 'BehaviourScreen');
const ProxyScreen = screen(() => import('./screens/proxy/ProxyScreen.tsx'), 'ProxyScreen');
const ScenariosScreen = screen(() => import('./screens/scenarios/ScenariosScreen.tsx'), 'ScenariosScreen');
const LogScreen = screen(() => import('./screens/log/LogScreen.tsx'), 'LogScreen');
const FlowScreen = screen(() => import('./screens/flow/FlowScreen.tsx'), 'FlowScreen');
const FilesScreen = screen(() => import('./screens/files/FilesScreen.tsx'), 'FilesScreen');
const CheckScreen = screen(() => import('./screens/check/CheckScreen.tsx'), 'CheckScreen');

const render: Record<ScreenPath, () => ReactNode> = {
  overview: () => <OverviewScreen />,
  provider: () => <ProviderScreen />,
  users: () => <UsersScreen />,
  tokens: () => <TokenLifetimesScreen />,
  faults: () => <FaultsScreen />,
  behaviour: () => <BehaviourScreen />,
  proxy: () => <ProxyScreen />,
  scenarios: () => <ScenariosScreen />,
  log: () => <LogScreen />,
  flow: () => <FlowScreen />,
  files: () => <FilesScreen />,
  check: () => <CheckScreen />,
};

function useHashRoute(): ScreenPath {
  const [screen, setScreen] = useState(() => screenFromHash(location.hash));
  useEffect(() => {
    const onHashChange = () => setScreen(screenFromHash(location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  return screen;
}

/** The UI, or the form that asks for the admin token when the URL brought none. */
export function App() {
  const [hasToken, setHasToken] = useState(() => getAdminToken() !== null);
  if (!hasToken) return <AdminTokenForm onAccepted={() => setHasToken(true)} />;
  return <Shell />;
}

function Shell() {
  const screen = useHashRoute();
  const connection = useLiveConnection();
  // Keep the shared stream open for the whole session, so the indicator and every screen agree.
  useEffect(() => subscribeLive(() => {}), []);
  const title = screens.find((s) => s.path === screen)!.title;
  useEffect(() => {
    document.title = `${title} · WOPI Mock Host`;
  }, [title]);

  return (
    <div className="app">
      <button type="button" className="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <nav className="sidebar" aria-label="Screens">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            W
          </span>
          <span>WOPI Mock Host</span>
        </div>
        <ul>
          {screens.map((s) => (
            <li key={s.path}>
              <a href={hrefFor(s.path)} aria-current={s.path === screen ? 'page' : undefined}>
                {s.title}
              </a>
            </li>
          ))}
        </ul>
        <p className={`connection connection-${connection}`} role="status" aria-live="polite">
          <span className="dot" aria-hidden="true" />
          {connection === 'connected' ? 'Live' : connection === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'}
        </p>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Suspense fallback={<p className="muted">Loading…</p>}>{render[screen]()}</Suspense>
      </main>
    </div>
  );
}
