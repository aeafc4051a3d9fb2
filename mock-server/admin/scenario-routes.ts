import type { Express, Response } from 'express';
import type { ScenarioBook, ScenarioOutcome } from '../scenarios/scenario-book.js';
import { requireJsonDocument } from './guard.js';
import type { ErrorBody, ScenarioApplied, ScenarioList, ScenarioRemoved, ScenarioView } from './contract.js';

/**
 * Scenarios (docs/admin-api.md, "Scenarios"): list the built-in and saved ones with their applied
 * state, apply and remove one, save and delete the user's own. Every change also goes out on the
 * admin stream as a `scenarios` event.
 */
export function registerScenarioRoutes(app: Express, scenarios: ScenarioBook): void {
  app.get('/api/scenarios', (_req, res) => void res.json(scenarios.list() satisfies ScenarioList));
  app.get('/api/scenarios/:id', (req, res) => {
    const found = scenarios.get(String(req.params['id']));
    if (!found) return void res.status(404).json({ errors: [{ path: '$', message: `no scenario with id "${String(req.params['id'])}"` }] });
    res.json(found satisfies ScenarioView);
  });
  app.post('/api/scenarios/:id/apply', async (req, res) => {
    answer(res, await scenarios.apply(String(req.params['id'])), (value) => value satisfies ScenarioApplied);
  });
  app.post('/api/scenarios/:id/remove', async (req, res) => {
    answer(res, await scenarios.remove(String(req.params['id'])), (value) => value satisfies ScenarioRemoved);
  });
  app.put('/api/scenarios/:id', requireJsonDocument, async (req, res) => {
    const id = String(req.params['id']);
    const outcome = await scenarios.save(id, req.body);
    if (outcome.ok && outcome.created) res.status(201).location(`/api/scenarios/${encodeURIComponent(id)}`);
    answer(res, outcome, (value) => value satisfies ScenarioView);
  });
  app.delete('/api/scenarios/:id', async (req, res) => {
    const outcome = await scenarios.delete(String(req.params['id']));
    if (outcome.ok) return void res.status(204).end();
    answer(res, outcome, () => null);
  });
}

function answer<T>(res: Response, outcome: ScenarioOutcome<T>, body: (value: T) => unknown): void {
  if (!outcome.ok) return void res.status(outcome.status).json({ errors: outcome.errors } satisfies ErrorBody);
  res.json(body(outcome.value));
}
