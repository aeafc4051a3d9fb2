import { useEffect, useState, type ReactNode } from 'react';
import { subscribeLive, useLiveConnection } from './api/live.ts';
import { hrefFor, screenFromHash, screens, type ScreenPath } from './routes.ts';
import { OverviewScreen } from './screens/overview/OverviewScreen.tsx';
import { ProviderScreen } from './screens/provider/ProviderScreen.tsx';
import { UsersScreen } from './screens/users/UsersScreen.tsx';
import { TokenLifetimesScreen } from './screens/tokens/TokenLifetimesScreen.tsx';
import { FaultsScreen } from './screens/faults/FaultsScreen.tsx';
import { BehaviourScreen } from './screens/behaviour/BehaviourScreen.tsx';
import { LogScreen } from './screens/log/LogScreen.tsx';
import { FlowScreen } from './screens/flow/FlowScreen.tsx';
import { FilesScreen } from './screens/files/FilesScreen.tsx';
import { CheckScreen } from './screens/check/CheckScreen.tsx';

const render: Record<ScreenPath, () => ReactNode> = {
  overview: () => <OverviewScreen />,
  provider: () => <ProviderScreen />,
  users: () => <UsersScreen />,
  tokens: () => <TokenLifetimesScreen />,
  faults: () => <FaultsScreen />,
  behaviour: () => <BehaviourScreen />,
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

export function App() {
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
        {render[screen]()}
      </main>
    </div>
  );
}
