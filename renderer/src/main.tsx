import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getAdminToken } from './api/client.ts';
import { App } from './App.tsx';
import './theme.css';

// Take the token out of the URL before anything renders or routes on the hash.
getAdminToken();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
